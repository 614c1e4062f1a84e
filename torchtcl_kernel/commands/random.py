"""Random state and the random *_like constructors."""

import torch

from ..core.registry import Family, param
from ..core.types import Int
from .common import non_negative
from .tensors import like

random = Family("random")

like(random, "randn_like", torch.randn_like)
like(random, "rand_like", torch.rand_like)


# torch.manual_seed takes any unsigned 64-bit seed
@random.command("manual_seed", param("seed", Int(hi=(1 << 64) - 1), aliases=("s",),
                                     check=non_negative,
                                     check_msg="Seed must be non-negative"),
                errors={"prefix": "Error in manual_seed: ",
                        "missing": "Required parameters missing: seed value required",
                        "no_value": "Named parameters must come in pairs",
                        "unknown": "Unknown parameter: {option}. Valid parameters are: {valid}"},
                returns="ok")
def manual_seed(seed):
    """Seed every PyTorch random generator (CPU and CUDA) for reproducible runs."""
    torch.manual_seed(seed)
    return "ok"
