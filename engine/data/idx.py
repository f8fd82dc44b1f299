"""IDX files (the MNIST format): a big-endian header, then the raw values.

Layout: two zero bytes, a type code (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
0x0D float32, 0x0E float64), the number of dimensions d, then d big-endian uint32 sizes,
then the values in C order. MNIST images are ``00 00 08 03`` (magic 2051) with sizes
(N, 28, 28); labels ``00 00 08 01`` (magic 2049) with size (N,). Files may be gzip-compressed.
"""
import gzip
import os
import zlib

import numpy as np

from ..io import atomic_write

# type code → big-endian dtype of the stored values
_IDX_TYPES = {0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"),
              0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
_CODE_OF = {dt.newbyteorder("="): code for code, dt in _IDX_TYPES.items()}


def _read_bytes(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] != b"\x1f\x8b":          # the gzip magic number: otherwise a raw IDX file
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as exc:
        raise ValueError(f"{path}: corrupt or truncated gzip data ({exc})") from None


def read_idx(path):
    """Read an IDX file (gzip-compressed or raw) into a NumPy array of its stored type.

    The header is checked against the file: a wrong magic, an unknown type code, or a size
    that does not match the number of bytes raises ``ValueError`` naming the file.
    """
    path = os.fspath(path)
    data = _read_bytes(path)
    if len(data) < 4:
        raise ValueError(f"{path}: not an IDX file (only {len(data)} bytes, the header needs 4)")
    if data[0] != 0 or data[1] != 0:
        raise ValueError(f"{path}: not an IDX file (the first two bytes are "
                         f"{data[0]:#04x} {data[1]:#04x}, expected 0x00 0x00)")
    code, ndim = data[2], data[3]
    if code not in _IDX_TYPES:
        raise ValueError(f"{path}: unknown IDX type code {code:#04x} (expected one of "
                         + ", ".join(f"{c:#04x}" for c in _IDX_TYPES) + ")")
    if ndim == 0:
        raise ValueError(f"{path}: IDX header declares 0 dimensions")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{path}: truncated IDX header ({len(data)} bytes, "
                         f"{ndim} dimensions need {header})")
    shape = tuple(int(s) for s in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = _IDX_TYPES[code]
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected:
        what = "truncated" if len(data) < expected else "has trailing bytes"
        raise ValueError(f"{path}: IDX data {what}: header says shape {shape} of {dtype.name} "
                         f"({expected} bytes with the header), the file holds {len(data)} bytes")
    values = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return values.astype(dtype.newbyteorder("="))    # native byte order, writable copy


def write_idx(path, array, compress=None):
    """Write ``array`` as an IDX file (gzip-compressed if ``compress`` or the name ends in .gz).

    Written atomically (``engine.io.atomic_write``), so a crash never leaves half a file.
    """
    path = os.fspath(path)
    array = np.ascontiguousarray(array)
    code = _CODE_OF.get(array.dtype.newbyteorder("="))
    if code is None:
        raise TypeError(f"IDX stores uint8, int8, int16, int32, float32 or float64; "
                        f"got {array.dtype}")
    if array.ndim == 0 or array.ndim > 255:
        raise ValueError(f"IDX needs 1 to 255 dimensions, got {array.ndim}")
    payload = (bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
               + array.astype(_IDX_TYPES[code]).tobytes())
    if compress is None:
        compress = path.endswith(".gz")
    if compress:
        payload = gzip.compress(payload)
    with atomic_write(path) as f:
        f.write(payload)
    return path
