"""Installing the `torchtcl` kernelspec (kernel.json and logos shipped as package data in
torchtcl_kernel/data/kernelspec/, so a wheel carries them)."""

import json
import os
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


class NotInstalled(LookupError):
    pass


def uninstall(user=False, prefix=None):
    """Remove the kernelspec and return the path it was in. With `user` or `prefix`, from that
    location only (where `install` with the same arguments puts it); with neither, from the
    first directory Jupyter searches that has it, as `jupyter kernelspec uninstall` does."""
    manager = KernelSpecManager()
    if user or prefix:
        # jupyter_client's own rule for where install_kernel_spec(user=, prefix=) writes.
        kernels = os.path.dirname(manager._get_destination_dir(NAME, user=user, prefix=prefix))
        manager = KernelSpecManager(kernel_dirs=[kernels])
        where = f"in {kernels}"
    else:
        where = "in " + ", ".join(manager.kernel_dirs)
    try:
        return manager.remove_kernel_spec(NAME)
    except KeyError:
        raise NotInstalled(f"no kernelspec {NAME} {where}") from None
