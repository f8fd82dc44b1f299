"""``fused(xp, fn)``: one GPU kernel for an elementwise expression, where the array module can.

CuPy's ``cupy.fuse`` compiles a Python function of arrays and scalars (``+ - * /``,
``xp.sqrt``, ``xp.exp`` ...) into one elementwise kernel: one pass over memory instead of one
per operator. NumPy has no such thing, so there the function runs as it is written, one NumPy
call per operator: the same expression and the same result, which is how CI tests the GPU
backend's expressions without a GPU.
"""


def fused(xp, fn):
    """``xp.fuse()(fn)`` when the array module ``xp`` offers it (CuPy), else ``fn`` itself."""
    fuse = getattr(xp, "fuse", None)
    return fn if fuse is None else fuse()(fn)
