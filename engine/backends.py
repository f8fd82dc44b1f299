"""``engine.backends``: PyTorch's switches for other hardware (``torch.backends.mps``,
``torch.backends.cudnn``), so that programs which ask them run unchanged.

None of them applies to engine's kernels: ``mps.is_available()`` is False (no Apple GPU
backend), and ``cudnn``'s flags (``benchmark``, ``deterministic``) are kept but change nothing.
To choose engine's own CPU kernels see ``engine.set_backend`` (``engine.backend``).
"""


class _MPS:
    """Apple's GPUs (Metal): not a backend of engine."""

    @staticmethod
    def is_available():
        return False

    @staticmethod
    def is_built():
        return False


class _CuDNN:
    """NVIDIA's cuDNN settings: accepted and kept; engine's kernels do not read them."""

    enabled = True
    benchmark = False
    deterministic = False

    @staticmethod
    def is_available():
        return False


mps = _MPS()
cudnn = _CuDNN()
