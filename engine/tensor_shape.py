"""Tensor's shape and indexing methods: ``x.view(2, -1)``, ``x.permute(0, 2, 3, 1)``,
``x[1:, mask]``, ``x.split(3)`` ...: each a differentiable Function of ``engine.ops.shape``
(or slicing, which is one). Bound onto Tensor by engine/tensor_methods.py.
"""
from . import ops
from .tensor import _data
from .validate import checked_dim, is_int, shape_args


class ShapeMethods:
    """Tensor's shape and indexing methods (bound onto Tensor by engine/tensor_methods.py)."""

    def reshape(self, *shape):
        return ops.reshape(self, shape_args(shape))

    def view(self, *shape):
        """The same elements in a new shape (``-1`` for the size that makes it fit); as
        ``reshape`` (NumPy makes a copy only when a view cannot express the shape)."""
        return ops.reshape(self, shape_args(shape))

    def view_as(self, other):
        """``self.view(other.shape)``."""
        return ops.reshape(self, other.shape)

    def reshape_as(self, other):
        return ops.reshape(self, other.shape)

    def transpose(self, *dims):
        """As PyTorch: ``x.transpose(d0, d1)`` swaps two axes. Without arguments it reverses
        all axes (like ``.T``); given a whole order of 3 or more axes it permutes them (NumPy)."""
        if len(dims) == 2 and not isinstance(dims[0], (tuple, list)):
            return self.swapaxes(*dims)
        return ops.transpose(self, shape_args(dims) or None)

    def permute(self, *dims):
        """The axes in the order ``dims`` (``x.permute(0, 2, 3, 1)``: NCHW to NHWC)."""
        return ops.transpose(self, shape_args(dims))

    def t(self):
        """The transpose of a matrix (a 0-d or 1-d tensor is returned as is), as ``torch.t``."""
        if self.ndim > 2:
            raise ValueError(f"t() expects a tensor with at most 2 axes, got shape {self.shape}; "
                             f"use transpose(d0, d1) or permute")
        return self if self.ndim < 2 else ops.transpose(self, (1, 0))

    def swapaxes(self, axis1, axis2):
        axis1, axis2 = checked_dim(axis1, self.ndim), checked_dim(axis2, self.ndim)
        axes = list(range(self.ndim))
        axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
        return ops.transpose(self, tuple(axes))

    @property
    def T(self):
        return ops.transpose(self, None)

    def flatten(self, start_dim=0, end_dim=-1):
        shape = self.shape
        if not shape:
            return self.reshape(1)
        # checked as PyTorch does: an axis out of range is an error, not wrapped around
        start, end = checked_dim(start_dim, len(shape)), checked_dim(end_dim, len(shape))
        if start > end:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} "
                             f"for a tensor of shape {shape}")
        merged = 1                       # not -1: with a size 0 elsewhere it is ambiguous
        for size in shape[start:end + 1]:
            merged *= size
        return self.reshape(shape[:start] + (merged,) + shape[end + 1:])

    def unsqueeze(self, dim):
        """A new size-1 axis at ``dim``."""
        return ops.reshape(self, ops.shape.expanded_shape(self.shape, dim))

    def squeeze(self, dim=None):
        """Without the size-1 axes (all, or ``dim``'s; other sizes are kept, as in PyTorch)."""
        return ops.reshape(self, ops.shape.squeezed_shape(self.shape, dim))

    def __getitem__(self, index):
        return ops.getitem(self, index)

    def clone(self):
        """A copy in its own memory, still in the graph (the gradient passes through)."""
        return ops.shape.Clone()(self)

    def contiguous(self):
        """Itself when its memory is in row-major order, else a copy that is (``clone``)."""
        return self if self.data.flags.c_contiguous else self.clone()

    def is_contiguous(self):
        return bool(self.data.flags.c_contiguous)

    def expand(self, *sizes):
        """A view repeating size-1 axes to ``sizes`` (-1 keeps an axis); no copy."""
        return ops.shape.Expand(ops.shape.checked_shape("expand", shape_args(sizes),
                                                                many_minus_one=True))(self)

    def expand_as(self, other):
        return ops.shape.Expand(other.shape)(self)

    def split(self, split_size, dim=0):
        """Pieces of ``split_size`` along ``dim`` (the last may be shorter), or of the sizes
        in a list; each is differentiable (slicing)."""
        dim = checked_dim(dim, self.ndim)
        n = self.shape[dim]
        if isinstance(split_size, (list, tuple)):
            sizes = list(split_size)
            if not all(is_int(s) and s >= 0 for s in sizes):
                raise ValueError(f"split sizes must be non-negative ints, got {split_size}")
        elif not is_int(split_size) or split_size < 1:
            raise ValueError(f"split_size must be a positive int or a list of sizes, "
                             f"got {split_size!r}")
        else:
            sizes = [min(split_size, n - s) for s in range(0, n, split_size)] or [0]
        if sum(sizes) != n:
            raise ValueError(f"split sizes {sizes} do not add up to {n} along dim {dim}")
        pieces, start = [], 0
        lead = (slice(None),) * (dim % self.ndim)
        for size in sizes:
            pieces.append(self[lead + (slice(start, start + size),)])
            start += size
        return tuple(pieces)

    def chunk(self, chunks, dim=0):
        """``chunks`` pieces along ``dim`` (of equal size, the last possibly smaller)."""
        if not is_int(chunks) or chunks < 1:
            raise ValueError(f"chunk: chunks must be a positive int, got {chunks!r}")
        n = self.shape[checked_dim(dim, self.ndim)]
        return self.split(-(-n // chunks) if n else 1, dim)

    def unbind(self, dim=0):
        """The slices along ``dim``, without that axis."""
        dim = checked_dim(dim, self.ndim)
        lead = (slice(None),) * (dim % self.ndim)
        return tuple(self[lead + (i,)] for i in range(self.shape[dim]))

    def index_select(self, dim, index):
        dim = checked_dim(dim, self.ndim)
        lead = (slice(None),) * (dim % self.ndim)
        return self[lead + (_data(index),)]
