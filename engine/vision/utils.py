"""``make_grid`` and ``save_image`` (torchvision.utils): images side by side, written as PNG.

The PNG writer is a few lines over ``zlib`` (the format: a signature, then IHDR, IDAT and
IEND chunks, each with its length and CRC-32), so saving images needs nothing beyond NumPy.
"""
import struct
import zlib

import numpy as np

from ..io import atomic_write
from ..tensor import Tensor, to_numpy
from ..validate import non_negative_int, positive_int

__all__ = ["make_grid", "save_image", "write_png"]


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False,
              pad_value=0.0):
    """Tile a batch (N, C, H, W) (or a list of (C, H, W)) into one image (C, rows·(H+p)+p,
    nrow·(W+p)+p), ``nrow`` images per row, ``padding`` pixels of ``pad_value`` between them.
    ``normalize``: shift and scale to [0, 1] using ``value_range`` (default: the min and max,
    of each image when ``scale_each``).  One-channel images are repeated to three, as
    torchvision does."""
    if isinstance(tensor, (list, tuple)):
        x = np.stack([to_numpy(t) for t in tensor])
    else:
        x = np.asarray(to_numpy(tensor))
    if x.ndim == 2:
        x = x[None, None]
    elif x.ndim == 3:
        x = x[None]
    if x.ndim != 4:
        raise ValueError(f"make_grid expects (N, C, H, W), (C, H, W) or (H, W), got {x.shape}")
    if x.shape[0] == 0:
        raise ValueError(f"make_grid needs at least one image, got shape {x.shape}")
    nrow, padding = positive_int(nrow, "nrow"), non_negative_int(padding, "padding")
    x = x.astype(np.float32, copy=True)
    if x.shape[1] == 1:
        x = np.repeat(x, 3, axis=1)
    if normalize:
        parts = x if scale_each else [x]
        for part in parts:
            lo, hi = value_range if value_range is not None else (part.min(), part.max())
            np.clip(part, lo, hi, out=part)
            part -= lo
            part /= max(hi - lo, 1e-5)
    n, c, h, w = x.shape
    cols = min(int(nrow), n)
    rows = -(-n // cols)
    H, W = h + padding, w + padding
    grid = np.full((c, rows * H + padding, cols * W + padding), pad_value, dtype=np.float32)
    for k in range(n):
        r, q = divmod(k, cols)
        grid[:, r * H + padding:r * H + padding + h, q * W + padding:q * W + padding + w] = x[k]
    return Tensor(grid)


def write_png(path, pixels):
    """Write uint8 pixels (H, W) (grey) or (H, W, 3) (RGB) as an 8-bit PNG, atomically."""
    a = np.ascontiguousarray(pixels, dtype=np.uint8)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] != 3):
        raise ValueError(f"write_png expects (H, W) or (H, W, 3) pixels, got shape {a.shape}")
    h, w = a.shape[:2]
    colour_type = 0 if a.ndim == 2 else 2

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = a.reshape(h, -1)
    raw = np.hstack([np.zeros((h, 1), np.uint8), rows]).tobytes()   # filter type 0 per row
    png = (b"\x89PNG\r\n\x1a\n"
           + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour_type, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
    with atomic_write(path) as f:
        f.write(png)


def save_image(tensor, fp, nrow=8, padding=2, normalize=False, value_range=None,
               scale_each=False, pad_value=0.0, format=None):
    """``make_grid`` the images, then write them to ``fp`` as a PNG (values in [0, 1] → 0…255)."""
    if format not in (None, "png", "PNG") or (format is None and
                                              not str(fp).lower().endswith(".png")):
        raise ValueError(f"save_image writes PNG files only, got {fp!r} (format={format!r})")
    grid = to_numpy(make_grid(tensor, nrow, padding, normalize, value_range, scale_each,
                              pad_value))
    pixels = np.clip(grid * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    write_png(fp, pixels)
