"""``engine.accelerator``: is there an accelerator (a GPU) to compute on? As ``torch.accelerator``.

Portable PyTorch programs ask ``torch.accelerator.is_available()`` and then use
``torch.accelerator.current_accelerator()`` as the device; the same works here.
"""
from . import cuda


def is_available():
    """True when tensors can be moved to a GPU (``engine.cuda.is_available()``)."""
    return cuda.is_available()


def current_accelerator():
    """``engine.device("cuda")`` when a GPU is available, else None."""
    if not is_available():
        return None
    from .functions import device
    return device("cuda")


def device_count():
    """How many accelerators can be used (0 or 1 here)."""
    return 1 if is_available() else 0
