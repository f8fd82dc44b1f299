"""torchvision-style transforms: each works on one sample and, through ``batch``, on a batch.

A sample is an image — a ``uint8`` array (H, W) or (H, W, C), where torchvision has a PIL
image — or a tensor/array (C, H, W).  ``ToTensor`` turns an image into a float tensor (C, H, W)
in [0, 1].  ``batch(x)`` does the same to a whole batch (N, C, H, W) in one go, with a fresh
random draw per image for the random transforms (``engine.data.DataLoader`` uses it when every
transform of a dataset has it).  The random draws come from the engine's generator, so
``engine.manual_seed`` repeats them.
"""
import math
import numbers

import numpy as np

from .. import random as _random
from ..data import transforms as _data
from ..tensor import Tensor, to_numpy

__all__ = ["Compose", "ToTensor", "Normalize", "Lambda", "RandomCrop", "RandomHorizontalFlip",
           "RandomVerticalFlip", "RandomRotation", "RandomAffine"]


def _channels_first(x):
    """A sample as a (C, H, W) array, and how to give it back in the caller's form."""
    if isinstance(x, Tensor):
        return to_numpy(x), lambda a: Tensor(a)
    a = np.asarray(x)
    if a.ndim == 2:                                       # an image (H, W)
        return a[None], lambda b: b[0]
    if a.ndim == 3 and a.dtype == np.uint8 and a.shape[-1] in (1, 3, 4):   # an image (H, W, C)
        return a.transpose(2, 0, 1), lambda b: b.transpose(1, 2, 0)
    if a.ndim == 3:
        return a, lambda b: b
    raise ValueError(f"expected an image (H, W) or (H, W, C), or a tensor (C, H, W); got shape "
                     f"{a.shape}")


class Compose(_data.Compose):
    """Apply ``transforms`` in order (``engine.data.transforms.Compose``, plus ``batch``)."""

    def batch(self, x):
        for t in self.transforms:
            if not hasattr(t, "batch"):
                raise TypeError(f"{t!r} works on single samples only")
            x = t.batch(x)
        return x

    def __repr__(self):
        return "Compose(\n" + "".join(f"    {t!r}\n" for t in self.transforms) + ")"


class ToTensor:
    """An image (H, W) or (H, W, C) → a float32 tensor (C, H, W); uint8 values are divided by
    255 (into [0, 1]), float values kept."""

    @staticmethod
    def _scale(a):
        if a.dtype == np.uint8:
            out = a.astype(np.float32)
            out *= np.float32(1 / 255)
            return out
        return a.astype(np.float32, copy=False) if a.dtype.kind != "f" else a

    def __call__(self, pic):
        a = np.asarray(to_numpy(pic))
        if a.ndim == 2:
            a = a[None]
        elif a.ndim == 3 and not isinstance(pic, Tensor):
            a = a.transpose(2, 0, 1)                      # (H, W, C) → (C, H, W)
        else:
            raise ValueError(f"ToTensor expects an image (H, W) or (H, W, C), got shape {a.shape}")
        return Tensor(np.ascontiguousarray(self._scale(a)))

    def batch(self, x):
        """A batch of images (N, C, H, W) → float32 (N, C, H, W)."""
        return self._scale(np.asarray(to_numpy(x)))

    def __repr__(self):
        return "ToTensor()"


class Normalize:
    """(x − mean_c) / std_c per channel of a tensor (C, H, W)."""

    def __init__(self, mean, std, inplace=False):
        self._normalize = _data.Normalize(mean, std)      # checks: finite, std > 0
        self.mean, self.std = tuple(mean), tuple(std)

    def __call__(self, x):
        return Tensor(self._normalize(to_numpy(x)))

    def batch(self, x):
        return self._normalize(to_numpy(x))

    def __repr__(self):
        return f"Normalize(mean={self.mean}, std={self.std})"


class Lambda:
    """Any function of one sample (works on single samples only)."""

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Lambda takes a function, got {type(lambd).__name__}")
        self.lambd = lambd

    def __call__(self, x):
        return self.lambd(x)

    def __repr__(self):
        return "Lambda()"


class _Random:
    """A random transform made of an ``engine.data.transforms`` one (which works on batches
    (N, C, H, W) with one draw per image)."""

    def __init__(self, inner):
        self.inner = inner

    def __call__(self, x):
        a, back = _channels_first(x)
        return back(self.inner(a))

    def batch(self, x):
        return self.inner(np.asarray(to_numpy(x)))

    def __repr__(self):
        return f"{type(self).__name__}({self.inner!r})"


class RandomHorizontalFlip(_Random):
    """Mirror left-right with probability ``p``."""

    def __init__(self, p=0.5):
        super().__init__(_data.RandomHorizontalFlip(p))


class RandomVerticalFlip(_Random):
    """Mirror top-bottom with probability ``p``."""

    def __init__(self, p=0.5):
        super().__init__(_data.RandomVerticalFlip(p))


class RandomCrop(_Random):
    """Pad by ``padding`` (an int: every side) with ``fill``, then crop a random ``size``
    window (an int or (h, w))."""

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        if padding_mode != "constant" or pad_if_needed:
            raise ValueError("RandomCrop: only padding_mode='constant' without pad_if_needed "
                             "is supported")
        if padding is not None and not isinstance(padding, numbers.Integral):
            raise ValueError(f"RandomCrop: padding must be an int (the same on every side), "
                             f"got {padding!r}")
        super().__init__(_data.RandomCrop(size, padding or 0, fill))


def _affine_warp(batch, inverse, fill):
    """Nearest-neighbour warp of (N, C, H, W): output pixel centre q comes from the input
    pixel nearest to inverse[n] @ q (homogeneous 3×3 matrices in pixel coordinates whose
    origin is the image centre); pixels from outside the image take ``fill``."""
    n, c, h, w = batch.shape
    ys, xs = np.meshgrid(np.arange(h) + 0.5 - h / 2, np.arange(w) + 0.5 - w / 2, indexing="ij")
    grid = np.stack([xs.ravel(), ys.ravel(), np.ones(h * w)])           # (3, H·W)
    src = inverse @ grid                                                # (N, 3, H·W)
    sx = np.floor(src[:, 0] + w / 2).astype(np.intp)
    sy = np.floor(src[:, 1] + h / 2).astype(np.intp)
    inside = (sx >= 0) & (sx < w) & (sy >= 0) & (sy < h)
    sx, sy = np.clip(sx, 0, w - 1), np.clip(sy, 0, h - 1)
    rows = np.arange(n)[:, None, None]
    out = batch[rows, np.arange(c)[None, :, None], sy[:, None, :], sx[:, None, :]]
    out = np.where(inside[:, None, :], out, np.asarray(fill, dtype=batch.dtype))
    return out.reshape(n, c, h, w)


def _pair(value, name, around=0.0):
    if value is None:
        return None
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if not value >= 0 or math.isinf(value):
            raise ValueError(f"{name} must be a finite number >= 0 as a single number, got {value}")
        return (around - value, around + value)
    try:
        value = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or a (min, max) pair, got {value!r}") from None
    if len(value) != 2 or not all(map(math.isfinite, value)) or value[0] > value[1]:
        raise ValueError(f"{name} must be a number or a (min, max) pair, got {value}")
    return value


class RandomAffine:
    """A random affine map per image, about the image centre (torchvision's parameters):
    rotation by an angle from ``degrees`` (counter-clockwise positive), translation by up to
    ``translate = (a, b)`` of the width and height, scaling by a factor from ``scale``, shear
    along x by an angle from ``shear``; nearest-neighbour sampling, ``fill`` outside."""

    def __init__(self, degrees, translate=None, scale=None, shear=None, interpolation=None,
                 fill=0, center=None):
        self.degrees = _pair(degrees, "degrees")
        self.translate = None if translate is None else tuple(float(t) for t in translate)
        if self.translate is not None and (len(self.translate) != 2 or
                                           not all(0 <= t <= 1 for t in self.translate)):
            raise ValueError(f"translate must be two fractions in [0, 1], got {translate}")
        self.scale = None if scale is None else _pair(scale, "scale")
        if self.scale is not None and self.scale[0] <= 0:
            raise ValueError(f"scale must be positive, got {scale}")
        self.shear = None if shear is None else _pair(shear, "shear")
        if center is not None:
            raise ValueError("RandomAffine: only the image centre is supported as center")
        self.fill = fill

    def _inverses(self, n, h, w):
        rng = _random.get_generator()
        angle = np.radians(rng.uniform(*self.degrees, size=n))
        tx = ty = np.zeros(n)
        if self.translate is not None:
            tx = np.round(rng.uniform(-1, 1, size=n) * self.translate[0] * w)
            ty = np.round(rng.uniform(-1, 1, size=n) * self.translate[1] * h)
        s = rng.uniform(*self.scale, size=n) if self.scale is not None else np.ones(n)
        sh = np.radians(rng.uniform(*self.shear, size=n)) if self.shear is not None else \
            np.zeros(n)
        # forward map, y pointing down: rotate (counter-clockwise on screen), shear, scale, shift
        cos, sin = np.cos(angle), np.sin(angle)
        m = np.zeros((n, 3, 3))
        m[:, 0, 0], m[:, 0, 1] = s * cos, s * (sin + cos * np.tan(sh))
        m[:, 1, 0], m[:, 1, 1] = -s * sin, s * (cos - sin * np.tan(sh))
        m[:, 0, 2], m[:, 1, 2], m[:, 2, 2] = tx, ty, 1.0
        return np.linalg.inv(m)

    def batch(self, x):
        a = np.asarray(to_numpy(x))
        if a.ndim != 4:
            raise ValueError(f"expected a batch (N, C, H, W), got shape {a.shape}")
        return _affine_warp(a, self._inverses(len(a), *a.shape[2:]), self.fill)

    def __call__(self, x):
        a, back = _channels_first(x)
        return back(self.batch(a[None])[0])

    def __repr__(self):
        return (f"{type(self).__name__}(degrees={self.degrees}, translate={self.translate}, "
                f"scale={self.scale}, shear={self.shear})")


class RandomRotation(RandomAffine):
    """Rotate each image by an angle drawn from ``degrees`` (a number d: [−d, d]), about its
    centre, counter-clockwise positive; ``fill`` where the rotated image leaves gaps."""

    def __init__(self, degrees, interpolation=None, expand=False, center=None, fill=0):
        if expand:
            raise ValueError("RandomRotation: expand=True is not supported")
        super().__init__(degrees, interpolation=interpolation, fill=fill, center=center)
