"""`make demo`: run notebooks/amp_workflow.ipynb headlessly on the torchtcl kernel.

    python -m torchtcl_kernel.demo [--notebook PATH] [--workdir DIR]

The notebook runs with DIR (default: the current directory) as its working directory, so the
dashboard PNGs and the telemetry CSV it saves land in DIR/out/; the executed notebook, outputs and
widget state included, is written there too. A short summary of the training run is printed.
"""

import argparse
import os
import pathlib
import sys
import time

SUMMARY_KEYS = ("steps", "final loss", "final scale", "skipped steps")


def _default_notebook():
    here = pathlib.Path("notebooks/amp_workflow.ipynb")
    if here.exists():
        return here
    return pathlib.Path(__file__).resolve().parents[1] / "notebooks" / "amp_workflow.ipynb"


def _show(path):
    relative = os.path.relpath(path)
    return relative if not relative.startswith("..") else str(path)


def summary(nb):
    """{key: text} from the `key: value` lines the notebook's summary cell prints."""
    found = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") != "stream" or output.get("name") != "stdout":
                continue
            for line in output["text"].splitlines():
                key, sep, value = line.partition(":")
                if sep and key in SUMMARY_KEYS:
                    found[key] = value.strip()
    return found


def skipped_text(steps, skipped):
    """A `skipped steps` value as `1 of 180 (at step 140)`: a notebook that prints only the
    steps' numbers (`140`, `3, 40` or `none`) would read as a count. Other text is kept."""
    numbers = [] if skipped == "none" else [n.strip() for n in skipped.split(",")]
    if not all(n.isdigit() for n in numbers):
        return skipped
    at = f" (at step{'s' if len(numbers) > 1 else ''} {', '.join(numbers)})" if numbers else ""
    return f"{len(numbers)} of {steps}{at}"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m torchtcl_kernel.demo",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebook", type=pathlib.Path, default=None)
    parser.add_argument("--workdir", type=pathlib.Path, default=pathlib.Path.cwd())
    args = parser.parse_args(argv)

    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = args.notebook or _default_notebook()
    out = args.workdir / "out"
    out.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(notebook, as_version=4)
    kernel = nb.metadata.get("kernelspec", {}).get("name", "torchtcl")
    print(f"running {notebook} on the {kernel!r} kernel (headless) ...", flush=True)
    start = time.perf_counter()
    client = NotebookClient(nb, kernel_name=kernel, timeout=300,
                            resources={"metadata": {"path": str(args.workdir)}})
    executed = out / notebook.name
    try:
        client.execute()
    except CellExecutionError as e:
        nbformat.write(nb, executed)
        print(f"the notebook failed; executed cells are in {_show(executed)}\n{e}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    nbformat.write(nb, executed)

    found = summary(nb)
    print(f"done in {seconds:.1f} s\n")
    rows = {key: found.get(key, "?") for key in SUMMARY_KEYS}
    rows["skipped steps"] = skipped_text(rows["steps"], rows["skipped steps"])
    width = max(map(len, rows)) + 2
    for key, value in rows.items():
        print(f"  {key + ':':<{width}}{value}")
    print("\nfiles:")
    print(f"  {_show(executed)}  (the executed notebook, with the dashboard widgets' state)")
    for path in sorted(out.glob("amp_*")):
        if path != executed:
            print(f"  {_show(path)}")
    print(f"\nopen it with: .venv/bin/jupyter lab {_show(executed)}")
    missing = [k for k in SUMMARY_KEYS if k not in found]
    if missing:
        print(f"the summary lacks {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
