"""``Upsample``: make feature maps larger, as a decoder needs (the inverse of pooling's shrink).

The equations (forward and backward side by side) are in ``engine/ops/upsample.py``: with
nearest mode and an integer factor s each pixel becomes an s×s block, y[i, j] = x[⌊i/s⌋, ⌊j/s⌋],
and the gradient of a pixel is the sum of the gradients of its block.
"""
from ..ops.upsample import interpolate
from ..validate import boolean, one_of, positive_int, positive_real
from .module import Module


class Upsample(Module):
    """``Upsample(scale_factor=2)`` or ``Upsample(size=(28, 28))``, ``mode="nearest"`` (default),
    ``"linear"`` (3-D input) or ``"bilinear"`` (4-D input, ``align_corners`` as in PyTorch)."""

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None):
        super().__init__()
        if (size is None) == (scale_factor is None):
            raise ValueError("Upsample needs exactly one of size and scale_factor")
        one_of(mode, "mode", ("nearest", "linear", "bilinear"))
        # Checked now, not at the first forward: sizes are positive ints, factors positive
        # finite numbers (one, or one per spatial axis).
        many = size if size is not None else scale_factor
        values = list(many) if isinstance(many, (tuple, list)) else [many]
        if not values:
            raise ValueError("size / scale_factor must not be empty")
        for value in values:
            if size is not None:
                positive_int(value, "size")
            else:
                positive_real(value, "scale_factor")
        if align_corners is not None:
            boolean(align_corners, "align_corners")
            if mode == "nearest":
                raise ValueError("align_corners only applies to the linear modes, not 'nearest'")
        self.size, self.scale_factor = size, scale_factor
        self.mode, self.align_corners = mode, align_corners

    def forward(self, x):
        return interpolate(x, self.size, self.scale_factor, self.mode, self.align_corners)

    def extra_repr(self):
        if self.size is not None:
            what = f"size={self.size}"
        elif isinstance(self.scale_factor, (tuple, list)):
            what = f"scale_factor={tuple(float(f) for f in self.scale_factor)}"
        else:
            what = f"scale_factor={float(self.scale_factor)}"
        return f"{what}, mode={self.mode!r}"
