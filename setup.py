"""Build of the one C extension, torchtcl_kernel.core._tclbridge (everything else is in
pyproject.toml). It is a Tcl extension in the usual way: Tcl's headers and its stub library, so it
binds at run time to whichever Tcl 8.6 tkinter loaded."""

import glob
import shlex
import subprocess

from setuptools import Extension, setup


def tcl_build_flags():
    """Include directories and the stub library, from pkg-config or Tcl's own tclConfig.sh."""
    try:
        flags = subprocess.run(["pkg-config", "--cflags", "tcl"], capture_output=True, text=True,
                               check=True).stdout
        include = [f[2:] for f in shlex.split(flags) if f.startswith("-I")]
    except (OSError, subprocess.CalledProcessError):
        include = []
    candidates = [pattern.format(prefix=prefix)
                  for prefix in ("/usr", "/usr/local", "/opt/homebrew")
                  for pattern in ("{prefix}/lib/tclConfig.sh", "{prefix}/lib/tcl8.6/tclConfig.sh",
                                  "{prefix}/lib/*/tcl8.6/tclConfig.sh",
                                  "{prefix}/lib64/tclConfig.sh")]
    for config in sorted(path for pattern in candidates for path in glob.glob(pattern)):
        values = dict(line.split("=", 1) for line in open(config).read().splitlines()
                      if line.startswith("TCL_") and "=" in line)
        stub = values.get("TCL_STUB_LIB_PATH", "").strip("'")
        if stub and glob.glob(stub):
            include += [f[2:] for f in shlex.split(values.get("TCL_INCLUDE_SPEC", "").strip("'"))
                        if f.startswith("-I")]
            return include, stub
    raise SystemExit("torchtcl_kernel needs Tcl 8.6's development files (tcl.h and the stub "
                     "library) to build its C extension: install tcl8.6-dev (Debian/Ubuntu) or "
                     "tcl-devel (Fedora)")


include_dirs, stub_library = tcl_build_flags()
setup(ext_modules=[Extension(
    "torchtcl_kernel.core._tclbridge", ["torchtcl_kernel/core/_tclbridge.c"],
    include_dirs=include_dirs, extra_objects=[stub_library], define_macros=[("USE_TCL_STUBS", 1)],
    extra_compile_args=["-O2", "-Wall"])])
