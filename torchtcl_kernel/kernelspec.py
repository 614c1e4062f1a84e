"""Installing the `torchtcl` kernelspec (kernel.json and logos shipped as package data in
torchtcl_kernel/data/kernelspec/, so a wheel carries them; the top-level kernelspec/ is a
symlink to it)."""

import json
import pathlib
import shutil
import sys
import tempfile

from jupyter_client.kernelspec import KernelSpecManager

SOURCE = pathlib.Path(__file__).resolve().parent / "data" / "kernelspec"
NAME = "torchtcl"


def install(user=False, prefix=None):
    """Install for this Python (argv[0] is this interpreter) and return the installed path."""
    with tempfile.TemporaryDirectory() as tmp:
        target = pathlib.Path(tmp) / NAME
        target.mkdir()
        spec = json.loads((SOURCE / "kernel.json").read_text())
        spec["argv"][0] = sys.executable
        (target / "kernel.json").write_text(json.dumps(spec, indent=2) + "\n")
        for logo in SOURCE.glob("logo-*.png"):
            shutil.copy(logo, target / logo.name)
        return KernelSpecManager().install_kernel_spec(str(target), NAME, user=user,
                                                       prefix=prefix)
