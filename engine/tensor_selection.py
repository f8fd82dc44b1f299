"""Tensor's picking, sorting, tiling and testing methods, as PyTorch names them:
``x.gather(1, idx)``, ``x.sort()``, ``x.topk(3)``, ``x.cumsum(0)``, ``x.repeat(2, 1)``,
``x.flip(0)``, ``x.roll(1)``, ``x.tril()``, ``x.logsumexp(1)``, ``x.isnan()`` ...

Most are built from differentiable pieces that exist already (slicing, ``expand``, ``cat``,
``where``), so their gradients need no new code; ``gather`` and ``cumsum`` are Functions of
``engine.ops.index``. Bound onto Tensor by engine/tensor_methods.py.
"""
import numpy as np

from . import ops
from .ops import index as _index_ops
from .tensor import Tensor, _wrap, get_array_module
from .validate import checked_dim, is_int, shape_args


def _ints(values, name):
    values = tuple(values) if isinstance(values, (tuple, list)) else (values,)
    if not all(is_int(v) for v in values):
        raise TypeError(f"{name} must be ints, got {values}")
    return tuple(int(v) for v in values)


class SelectionMethods:
    """The picking and sorting methods bound onto Tensor (engine/tensor_methods.py)."""

    # ------------------------------------------------------- picking and sorting
    def gather(self, dim, index):
        return _index_ops.gather(self, dim, index)

    def sort(self, dim=-1, descending=False, stable=False):
        return _index_ops.sort(self, dim, descending, stable)

    def argsort(self, dim=-1, descending=False):
        return _index_ops.argsort(self, dim, descending)

    def topk(self, k, dim=-1, largest=True, sorted=True):  # noqa: A002
        return _index_ops.topk(self, k, dim, largest, sorted)

    def cumsum(self, dim):
        return _index_ops.cumsum(self, dim)

    def masked_select(self, mask):
        """The elements where ``mask`` (bool, broadcastable to this shape) is True, as 1-D."""
        mask = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
        if mask.dtype != bool:
            raise TypeError(f"masked_select: mask must be a bool tensor, got {mask.dtype}")
        try:
            shape = np.broadcast_shapes(self.shape, mask.shape)
        except ValueError:
            raise ValueError(f"masked_select: mask {mask.shape} does not broadcast with "
                             f"{self.shape}") from None
        xp = get_array_module(self.data)
        return self.expand(*shape)[xp.broadcast_to(mask, shape)]

    def nonzero(self, as_tuple=False):
        """Where the elements are non-zero: (count, ndim) int64, or one index tensor per axis."""
        where = get_array_module(self.data).nonzero(self.data)
        if as_tuple:
            return tuple(_wrap(w.astype(np.int64)) for w in where)
        return _wrap(get_array_module(self.data).stack(where, axis=1).astype(np.int64))

    # ------------------------------------------------------- moving and tiling
    def narrow(self, dim, start, length):
        """``length`` elements from ``start`` along ``dim`` (a view: slicing)."""
        dim = checked_dim(dim, self.ndim)
        n = self.shape[dim]
        if not (is_int(start) and is_int(length)):
            raise TypeError(f"narrow: start and length must be ints, got {start!r}, {length!r}")
        start = start + n if -n <= start < 0 else start
        if not 0 <= start <= n or length < 0 or start + length > n:
            raise ValueError(f"narrow: start {start} and length {length} do not fit in size "
                             f"{n} of dim {dim}")
        return self[(slice(None),) * dim + (slice(start, start + length),)]

    def flip(self, *dims):
        """The elements in reverse order along each of ``dims``."""
        axes = {checked_dim(d, self.ndim) for d in _ints(shape_args(dims), "flip: dims")}
        return self[tuple(slice(None, None, -1) if a in axes else slice(None)
                          for a in range(self.ndim))]

    def roll(self, shifts, dims=None):
        """Shift elements along ``dims`` by ``shifts`` (wrapping around); without dims, over
        the flattened tensor."""
        shifts = _ints(shifts, "roll: shifts")
        if dims is None:
            if len(shifts) != 1:
                raise ValueError(f"roll: without dims, give one shift, got {shifts}")
            return self.reshape(-1).roll(shifts, 0).reshape(self.shape)
        dims = _ints(dims, "roll: dims")
        if len(dims) != len(shifts):
            raise ValueError(f"roll: {len(shifts)} shifts for {len(dims)} dims")
        out = self
        for shift, dim in zip(shifts, dims):
            dim = checked_dim(dim, self.ndim)
            n = self.shape[dim]
            cut = n - shift % n if n else 0
            if cut not in (0, n):
                lead = (slice(None),) * dim
                out = ops.concatenate([out[lead + (slice(cut, None),)],
                                       out[lead + (slice(None, cut),)]], dim)
        return out

    def repeat(self, *sizes):
        """This tensor tiled ``sizes[i]`` times along axis i (extra leading sizes add axes)."""
        sizes = _ints(shape_args(sizes), "repeat: sizes")
        if len(sizes) < self.ndim:
            raise ValueError(f"repeat: give at least {self.ndim} sizes (one per axis), "
                             f"got {sizes}")
        if any(r < 0 for r in sizes):
            raise ValueError(f"repeat: sizes must be >= 0, got {sizes}")
        shape = (1,) * (len(sizes) - self.ndim) + self.shape
        # (s0, s1) -> (1, s0, 1, s1) -> expand to (r0, s0, r1, s1) -> (r0·s0, r1·s1)
        spread = tuple(n for s in shape for n in (1, s))
        tiled = tuple(n for r, s in zip(sizes, shape) for n in (r, s))
        return self.reshape(spread).expand(*tiled).reshape(
            tuple(r * s for r, s in zip(sizes, shape)))

    def tile(self, *dims):
        """``repeat`` with missing leading sizes taken as 1 (NumPy's ``tile``)."""
        dims = _ints(shape_args(dims), "tile: dims")
        return self.repeat((1,) * (self.ndim - len(dims)) + dims)

    def movedim(self, source, destination):
        """Axes ``source`` moved to positions ``destination`` (the others keep their order)."""
        source = [checked_dim(d, self.ndim) for d in _ints(source, "movedim: source")]
        destination = [checked_dim(d, self.ndim) for d in _ints(destination, "movedim: destination")]
        if len(source) != len(destination) or len(set(source)) != len(source) \
                or len(set(destination)) != len(destination):
            raise ValueError(f"movedim: source {source} and destination {destination} must be "
                             f"distinct dims, as many of each")
        rest = iter(a for a in range(self.ndim) if a not in source)
        placed = dict(zip(destination, source))
        return self.permute(*(placed[i] if i in placed else next(rest) for i in range(self.ndim)))

    # ------------------------------------------------------- triangles and sums
    def tril(self, diagonal=0):
        """The lower triangle of the last two axes (elements above ``diagonal`` set to 0)."""
        return _triangle(self, diagonal, lower=True)

    def triu(self, diagonal=0):
        """The upper triangle of the last two axes (elements below ``diagonal`` set to 0)."""
        return _triangle(self, diagonal, lower=False)

    def logsumexp(self, dim, keepdim=False):
        """log Σ exp(x) along ``dim``, computed as m + log Σ exp(x − m) with m the maximum, so
        large values do not overflow; ∂/∂x = softmax(x)."""
        dims = tuple(checked_dim(d, self.ndim) for d in _ints(dim, "logsumexp: dim"))
        xp = get_array_module(self.data)
        if self.size:
            m = xp.amax(self.data, axis=dims, keepdims=True)
            m = xp.where(xp.isfinite(m), m, 0).astype(self.dtype)      # all -inf rows: m = 0
        else:
            m = xp.zeros(tuple(1 if a in dims else n for a, n in enumerate(self.shape)),
                         dtype=self.dtype)
        with np.errstate(divide="ignore"):          # a row of -inf: log 0 = -inf, as PyTorch
            out = ops.log(ops.sum(ops.exp(self - m), dims, keepdims=True)) + m
        return out if keepdim else out.squeeze(dims)

    # ------------------------------------------------------- vector products
    def dot(self, other):
        """Σ a_i·b_i of two 1-D tensors of the same length."""
        if self.ndim != 1 or getattr(other, "ndim", None) != 1 or self.shape != other.shape:
            raise ValueError(f"dot expects two 1-D tensors of the same length, got shapes "
                             f"{self.shape} and {getattr(other, 'shape', type(other).__name__)}")
        return ops.matmul(self, other)

    def outer(self, other):
        """a_i·b_j for 1-D a (this) and b: an (len(a), len(b)) matrix."""
        if self.ndim != 1 or getattr(other, "ndim", None) != 1:
            raise ValueError(f"outer expects two 1-D tensors, got shapes {self.shape} and "
                             f"{getattr(other, 'shape', type(other).__name__)}")
        return self.reshape(-1, 1) * other.reshape(1, -1)

    def mv(self, vec):
        """Matrix (n, m) times vector (m,)."""
        if self.ndim != 2 or getattr(vec, "ndim", None) != 1:
            raise ValueError(f"mv expects a matrix and a vector, got shapes {self.shape} and "
                             f"{getattr(vec, 'shape', type(vec).__name__)}")
        return ops.matmul(self, vec)

    # ------------------------------------------------------- tests (no gradient)
    def isnan(self):
        return _wrap(get_array_module(self.data).isnan(self.data))

    def isinf(self):
        return _wrap(get_array_module(self.data).isinf(self.data))

    def isfinite(self):
        return _wrap(get_array_module(self.data).isfinite(self.data))

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        """NaN, +inf and -inf replaced (by default with 0 and the dtype's largest and smallest
        values); the gradient passes where the element was finite."""
        if self.dtype.kind != "f":
            return self.clone()
        xp = get_array_module(self.data)
        replaced = xp.nan_to_num(self.data, nan=nan, posinf=posinf, neginf=neginf)
        return ops.where(xp.isfinite(self.data), self, replaced.astype(self.dtype))


def _triangle(x, diagonal, lower):
    if x.ndim < 2:
        raise ValueError(f"{'tril' if lower else 'triu'} needs at least 2 axes, got shape "
                         f"{x.shape}")
    if not is_int(diagonal):
        raise TypeError(f"diagonal must be an int, got {diagonal!r}")
    rows, cols = x.shape[-2:]
    keep = (np.tril if lower else np.triu)(np.ones((rows, cols), dtype=bool), int(diagonal))
    return ops.where(keep, x, np.zeros((), dtype=x.dtype))
