"""`python -m torchtcl_kernel -f CONNECTION_FILE`: what the kernelspec runs.

`python -m torchtcl_kernel install|uninstall ...` manages the kernelspec instead (`torchtcl
install`), as `python -m ipykernel install` does for ipykernel; `python -m torchtcl_kernel run
FILE.tcl ...` and `... launch ...` are `torchtcl run` and `torchtcl launch` (what torchrun starts in
each process: `torchrun --nproc-per-node 2 -m torchtcl_kernel run train.tcl`).
"""

import sys

if __name__ == "__main__":
    if sys.argv[1:2] in (["install"], ["uninstall"], ["run"], ["launch"]):
        from .cli import main
        sys.exit(main(sys.argv[1:]))
    from ipykernel.kernelapp import IPKernelApp

    from .kernel import TorchTclKernel
    IPKernelApp.launch_instance(kernel_class=TorchTclKernel)
