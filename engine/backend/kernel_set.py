"""The kernel families and what a backend says about a kernel it does not have.

Every backend package (``reference``, ``native``, ``cuda``) has one module per family,
with the same file names, and exposes the same kernel names: the reference backend's
``__all__`` is the contract, and a test checks that every other backend matches it.
"""
FAMILIES = ("activation", "gemm", "conv", "pool", "optim", "winograd")


class MissingKernel(AttributeError, NotImplementedError):
    """A backend was asked for a kernel it does not have.

    An AttributeError (it is a missing attribute of the backend module) and a
    NotImplementedError (what it means): never a silent fall-back to another backend.
    """


def missing_kernel(backend, name):
    """The error a backend module's ``__getattr__`` raises for ``backend.<name>``."""
    if name.startswith("__"):       # Python's own probes (__path__, __wrapped__ ...)
        return AttributeError(f"module 'engine.backend.{backend}' has no attribute {name!r}")
    return MissingKernel(f"the {backend} backend has no kernel {name!r} (every backend offers "
                         f"the kernels of engine.backend.reference: see its __all__)")
