# The two commands of the README: `make demo` and `make test`. Both bootstrap through `make install`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install test test-fast check demo bench fuzz clean wheel-check

install: $(STAMP)

# Idempotent: rebuilt only when the venv is missing, the project's requirements changed, or the C
# extension's source did (pip builds it; it needs gcc, Python's headers and tcl8.6-dev), or the
# kernelspec it installs did.
$(STAMP): pyproject.toml constraints.txt setup.py torchtcl_kernel/core/_tclbridge.c \
		torchtcl_kernel/data/kernelspec/kernel.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	$(VENV)/bin/torchtcl install --sys-prefix
	$(PY) -m compileall -q torchtcl_kernel
	touch $(STAMP)

# Two workers, each taking whole files (module fixtures stay shared within a file): the suite is
# mostly waiting on kernels, browsers and notebooks, so two overlap well on two cores.
XDIST := -n 2 --dist loadfile

test: install
	$(PY) -m pytest -q --durations=15 $(XDIST)

# Only the in-process tests: `slow` marks those that start kernels, CLIs, browsers or notebooks,
# and the stress and hypothesis-heavy ones. `make test` (and CI) runs everything.
test-fast: install
	$(PY) -m pytest -q -m "not slow" $(XDIST)

# The static gate (CI runs it first; .pre-commit-config.yaml runs it too): lint, types, the generated
# command docs are current, and the notebooks (the one source of themselves) are stored without
# outputs.
check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m torchtcl_kernel.docs --check
	$(VENV)/bin/nbstripout --verify --keep-id notebooks/*.ipynb

# Builds the wheel and sdist, installs the wheel in a clean venv and runs the kernel and CLI from it.
wheel-check: install
	PY=$(PY) .ci/wheel-check

# Runs notebooks/amp_workflow.ipynb headlessly on the torchtcl kernel; results in out/.
demo: install
	$(PY) -m torchtcl_kernel.demo

# The package's bytecode first, as pip writes it for an installed wheel (an editable install has
# none, and an environment with PYTHONDONTWRITEBYTECODE never writes it): import time is the
# user's, not the compiler's.
bench: install
	$(PY) -m compileall -q torchtcl_kernel
	$(PY) -m benchmarks.run

# Crash hunting (tests/crash_hunt.py): RUNS children of 3000 random calls each, from seed FIRST;
# reports each crash, hang or escaped Python exception with the call that was running.
FIRST ?= 1
RUNS ?= 50
fuzz: install
	$(PY) tests/crash_hunt.py $(FIRST) $(RUNS)

clean:
	rm -rf $(VENV) out .pytest_cache build torchtcl_kernel/core/*.so
	find torchtcl_kernel -name __pycache__ -prune -exec rm -rf {} +
