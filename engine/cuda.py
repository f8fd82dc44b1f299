"""``engine.cuda``: is there a GPU to compute on? (PyTorch's ``torch.cuda`` names.)

``is_available()`` is True when CuPy imports and sees a CUDA device; then ``tensor.to("cuda")``
and ``module.to("cuda")`` move data there and every op on it runs on the cuda backend.
"""
from .backend import cuda as _cuda_backend


def is_available():
    """True when tensors can be moved to the GPU with ``.to("cuda")``."""
    return _cuda_backend.available()[0]


def device_count():
    """How many GPUs CuPy sees (0 without CuPy or without a GPU)."""
    return _cuda_backend.device_count()


def why_unavailable():
    """Why ``is_available()`` is False (an empty string when it is True)."""
    ok, reason = _cuda_backend.available()
    return "" if ok else reason


def synchronize():
    """Wait until the GPU has finished all queued work (for timing); nothing without a GPU."""
    if is_available():
        import cupy
        cupy.cuda.Device().synchronize()
