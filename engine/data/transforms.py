"""Image augmentation on NumPy batches (N, C, H, W), composable with ``Compose``.

Each transform draws a different random choice per image from ``random_state`` (default: the
engine's generator, so ``engine.manual_seed`` makes it repeatable) and returns a new array; the
input is never modified. A single image (C, H, W) is treated as a batch of one.
``GaussianNoise`` and ``Cutout`` also make the inputs of the denoising (x + n → x) and inpainting
(occluded x → x) autoencoders.
"""
import math

import numpy as np

from ..validate import non_negative_int, positive_int, real_number
from ._utils import as_generator, to_numpy


def _finite(value, name):
    value = real_number(value, name)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def _probability(p):
    p = real_number(p, "p")
    if not 0.0 <= p <= 1.0:          # also refuses NaN
        raise ValueError(f"p must be a probability in [0, 1], got {p}")
    return p


def _channel_values(values, name, positive=False):
    """Per-channel ``values`` (a number or a sequence) as a (C, 1, 1) float64 array."""
    try:
        a = np.asarray(values, dtype=np.float64).reshape(-1, 1, 1)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or a sequence of numbers, got {values!r}") from None
    if a.size == 0 or not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite numbers, got {values!r}")
    if positive and np.any(a <= 0):
        raise ValueError(f"{name} must be > 0 for every channel, got {values!r}")
    return a


def _as_batch(x):
    x = to_numpy(x, "images")
    if x.ndim == 3:
        return x[None], True
    if x.ndim != 4:
        raise ValueError(f"expected images (N, C, H, W) or (C, H, W), got shape {x.shape}")
    return x, False


class Transform:
    """Base: subclasses implement ``apply(batch, rng)`` on a (N, C, H, W) batch."""

    def __init__(self, random_state=None):
        self.random_state = random_state

    def __call__(self, x):
        batch, single = _as_batch(x)
        out = self.apply(batch, as_generator(self.random_state))
        return out[0] if single else out

    def apply(self, batch, rng):
        raise NotImplementedError

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if k != "random_state")
        return f"{type(self).__name__}({args})"


class Compose:
    """Apply transforms in order: ``Compose([RandomShift(2), GaussianNoise(0.1)])``."""

    def __init__(self, transforms):
        self.transforms = list(transforms)
        for t in self.transforms:
            if not callable(t):
                raise TypeError(f"Compose takes callables, got {type(t).__name__}")

    def __call__(self, x):
        for t in self.transforms:
            x = t(x)
        return x

    def __repr__(self):
        return "Compose([" + ", ".join(map(repr, self.transforms)) + "])"


def _crop_per_image(padded, top, left, h, w):
    """Take the (h, w) window at (top[i], left[i]) from each padded image, in one gather."""
    n, c = padded.shape[:2]
    rows = top[:, None] + np.arange(h)          # (N, h)
    cols = left[:, None] + np.arange(w)         # (N, w)
    return padded[np.arange(n)[:, None, None, None], np.arange(c)[None, :, None, None],
                  rows[:, None, :, None], cols[:, None, None, :]]


class RandomCrop(Transform):
    """Pad each side by ``padding`` (with ``fill``), then crop a random ``size`` window
    (int or (h, w); default the original size)."""

    def __init__(self, size=None, padding=0, fill=0.0, random_state=None):
        super().__init__(random_state)
        if size is not None:
            size = (size, size) if np.isscalar(size) else tuple(size)
            if len(size) != 2:
                raise ValueError(f"size must be an int or (h, w), got {size}")
            size = tuple(positive_int(n, "crop size") for n in size)
        self.size, self.padding = size, non_negative_int(padding, "padding")
        self.fill = _finite(fill, "fill")

    def apply(self, batch, rng):
        n, _, h, w = batch.shape
        p = self.padding
        oh, ow = self.size or (h, w)
        if oh > h + 2 * p or ow > w + 2 * p:
            raise ValueError(f"crop {oh}x{ow} larger than the padded image {h + 2 * p}x{w + 2 * p}")
        padded = np.pad(batch, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=self.fill)
        top = rng.integers(0, h + 2 * p - oh + 1, size=n)
        left = rng.integers(0, w + 2 * p - ow + 1, size=n)
        return _crop_per_image(padded, top, left, oh, ow)


class RandomShift(RandomCrop):
    """Translate each image by up to ``max_shift`` pixels in each direction (a same-size crop of
    the image padded with ``fill``)."""

    def __init__(self, max_shift=2, fill=0.0, random_state=None):
        super().__init__(None, max_shift, fill, random_state)


class RandomHorizontalFlip(Transform):
    """Mirror each image left-right with probability ``p``."""

    def __init__(self, p=0.5, random_state=None):
        super().__init__(random_state)
        self.p = _probability(p)

    def apply(self, batch, rng):
        out = batch.copy()
        flip = rng.random(len(batch)) < self.p
        out[flip] = batch[flip][..., ::-1]
        return out


class RandomVerticalFlip(RandomHorizontalFlip):
    """Mirror each image top-bottom with probability ``p``."""

    def apply(self, batch, rng):
        out = batch.copy()
        flip = rng.random(len(batch)) < self.p
        out[flip] = batch[flip][..., ::-1, :]
        return out


class GaussianNoise(Transform):
    """x + n with n ~ N(mean, std²) per pixel; ``clip=(lo, hi)`` keeps the result in range
    (default (0, 1) for images in [0, 1]; None to disable)."""

    def __init__(self, std=0.1, mean=0.0, clip=(0.0, 1.0), random_state=None):
        super().__init__(random_state)
        self.std, self.mean = _finite(std, "std"), _finite(mean, "mean")
        if self.std < 0:
            raise ValueError(f"std must be >= 0, got {std}")
        if clip is not None:
            clip = tuple(_finite(c, "clip") for c in clip)
            if len(clip) != 2 or clip[0] > clip[1]:
                raise ValueError(f"clip must be (low, high) with low <= high, or None; got {clip}")
        self.clip = clip

    def apply(self, batch, rng):
        dtype = batch.dtype if batch.dtype.kind == "f" else np.float32
        out = batch + rng.normal(self.mean, self.std, size=batch.shape).astype(dtype)
        return np.clip(out, *self.clip) if self.clip is not None else out


class Cutout(Transform):
    """Occlusion: set ``n_holes`` random ``size`` × ``size`` squares of each image (all
    channels) to ``fill``. Squares may reach past the border (then they are smaller)."""

    def __init__(self, size=8, n_holes=1, fill=0.0, random_state=None):
        super().__init__(random_state)
        self.size, self.n_holes = positive_int(size, "size"), non_negative_int(n_holes, "n_holes")
        self.fill = _finite(fill, "fill")

    def mask(self, shape, rng):
        """Boolean (N, 1, H, W): True where pixels are occluded."""
        n, _, h, w = shape
        rows, cols = np.arange(h), np.arange(w)
        mask = np.zeros((n, 1, h, w), dtype=bool)
        for _ in range(self.n_holes):
            top = rng.integers(0, h, size=n)[:, None] - self.size // 2    # centred on a pixel
            left = rng.integers(0, w, size=n)[:, None] - self.size // 2
            in_rows = (rows >= top) & (rows < top + self.size)               # (N, H)
            in_cols = (cols >= left) & (cols < left + self.size)             # (N, W)
            mask[:, 0] |= in_rows[:, :, None] & in_cols[:, None, :]
        return mask

    def apply(self, batch, rng):
        return np.where(self.mask(batch.shape, rng), np.asarray(self.fill, batch.dtype), batch)


RandomOcclusion = Cutout


class Normalize:
    """(x − mean) / std per channel (deterministic; put it last in a Compose)."""

    def __init__(self, mean, std):
        self.mean = _channel_values(mean, "mean")
        self.std = _channel_values(std, "std", positive=True)

    def __call__(self, x):
        batch, single = _as_batch(x)
        channels = {len(self.mean), len(self.std)} - {1}
        if channels and channels != {batch.shape[1]}:
            raise ValueError(f"Normalize: mean has {len(self.mean)} and std {len(self.std)} "
                             f"values, but the images have {batch.shape[1]} channels "
                             f"(shape {batch.shape})")
        dtype = batch.dtype if batch.dtype.kind == "f" else np.float32
        out = ((batch - self.mean) / self.std).astype(dtype)
        return out[0] if single else out
