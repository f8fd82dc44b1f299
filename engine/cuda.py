"""``engine.cuda``: is there a GPU backend to compute on?"""
from .backend import cuda as _cuda_backend


def is_available():
    """True when tensors can be moved to the GPU with ``.to("cuda")``."""
    return _cuda_backend.available()[0]


def why_unavailable():
    """Why ``is_available()`` is False (an empty string when it is True)."""
    ok, reason = _cuda_backend.available()
    return "" if ok else f"{reason}; {_cuda_backend.device_summary()}"
