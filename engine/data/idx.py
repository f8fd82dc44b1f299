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


# A declared payload above this many bytes must be backed by enough compressed bytes: real
# IDX data compresses far less than 100:1, so a small .gz claiming gigabytes is refused before
# anything is decompressed (a "gzip bomb"). Files below it are never refused for their ratio.
RATIO_CHECK_FROM = 16 << 20
MAX_GZIP_RATIO = 100
MAX_IDX_BYTES = 1 << 34        # 16 GiB: any larger declared size is a damaged header


class _Source:
    """The bytes of an IDX file, raw or gzip-compressed, read on demand: ``take(n)`` returns
    the next n bytes (fewer at the end), so the header is checked before the data is read
    and nothing larger than what the file really holds is ever allocated."""

    _CHUNK = 1 << 20

    def __init__(self, path, f):
        self.path, self.f = path, f
        self.size = os.fstat(f.fileno()).st_size
        self.gzip = f.read(2) == b"\x1f\x8b"
        f.seek(0)
        self._inflate = zlib.decompressobj(wbits=31) if self.gzip else None
        self._pending = b""

    def _more(self):
        """The next piece of decompressed bytes (at most _CHUNK); b"" at the end of the file.
        Several gzip members one after the other are read as one stream, as gzip does."""
        while True:
            if self._inflate.eof:        # a next member, after any zero padding (as gzip)
                data = self._inflate.unused_data.lstrip(b"\0")
                while not data:
                    chunk = self.f.read(self._CHUNK)
                    if not chunk:
                        return b""
                    data = chunk.lstrip(b"\0")
                self._inflate = zlib.decompressobj(wbits=31)
            else:
                data = self._inflate.unconsumed_tail or self.f.read(self._CHUNK)
                if not data:
                    raise EOFError("the gzip stream ends early")
            out = self._inflate.decompress(data, self._CHUNK)
            if out:
                return out

    def take(self, n):
        """The next ``n`` bytes of the (decompressed) file; fewer at its end."""
        if not self.gzip:
            return self.f.read(n)
        parts, have = [self._pending], len(self._pending)
        try:
            while have < n:
                more = self._more()
                if not more:
                    break
                parts.append(more)
                have += len(more)
        except (EOFError, OSError, zlib.error) as exc:
            raise ValueError(f"{self.path}: corrupt or truncated gzip data ({exc})") from None
        data = b"".join(parts)
        self._pending = data[n:]
        return data[:n]

    def at_end(self):
        return not self.take(1)


def _check_header(path, head, source):
    """Shape and dtype from the first bytes, refused unless possible for this file."""
    if len(head) < 4:
        raise ValueError(f"{path}: not an IDX file (only {len(head)} bytes, the header needs 4)")
    if head[0] != 0 or head[1] != 0:
        raise ValueError(f"{path}: not an IDX file (the first two bytes are "
                         f"{head[0]:#04x} {head[1]:#04x}, expected 0x00 0x00)")
    code, ndim = head[2], head[3]
    if code not in _IDX_TYPES:
        raise ValueError(f"{path}: unknown IDX type code {code:#04x} (expected one of "
                         + ", ".join(f"{c:#04x}" for c in _IDX_TYPES) + ")")
    if ndim == 0:
        raise ValueError(f"{path}: IDX header declares 0 dimensions")
    dims = source.take(4 * ndim)
    if len(dims) < 4 * ndim:
        raise ValueError(f"{path}: truncated IDX header ({4 + len(dims)} bytes, "
                         f"{ndim} dimensions need {4 + 4 * ndim})")
    shape = tuple(int(s) for s in np.frombuffer(dims, dtype=">u4"))
    dtype = _IDX_TYPES[code]
    nbytes = dtype.itemsize
    for s in shape:                                 # Python ints: no overflow
        nbytes *= s
    if nbytes > MAX_IDX_BYTES:
        raise ValueError(f"{path}: IDX header declares shape {shape} of {dtype.name} "
                         f"({nbytes} bytes), beyond the {MAX_IDX_BYTES}-byte limit")
    if not source.gzip and nbytes != source.size - 4 - 4 * ndim:
        have = source.size - 4 - 4 * ndim
        what = "truncated" if have < nbytes else "has trailing bytes"
        raise ValueError(f"{path}: IDX data {what}: header says shape {shape} of {dtype.name} "
                         f"({nbytes} bytes after the header), the file holds {have}")
    if source.gzip and nbytes > RATIO_CHECK_FROM and nbytes > MAX_GZIP_RATIO * source.size:
        raise ValueError(f"{path}: IDX header declares {nbytes} bytes of data in a "
                         f"{source.size}-byte gzip file (more than {MAX_GZIP_RATIO}:1): a "
                         "damaged header or a decompression bomb")
    return shape, dtype, nbytes


def read_idx(path):
    """Read an IDX file (gzip-compressed or raw) into a NumPy array of its stored type.

    The header is read and checked first (magic, type code, number of dimensions, declared
    size against the file's size and a sane bound) and only then the data, in pieces, so a
    damaged or hostile file raises ``ValueError`` naming the file before much is allocated.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        raise ValueError(f"{path}: a directory, not an IDX file")
    with open(path, "rb") as f:
        source = _Source(path, f)
        shape, dtype, nbytes = _check_header(path, source.take(4), source)
        data = source.take(nbytes)
        if len(data) != nbytes:
            raise ValueError(f"{path}: IDX data truncated: header says shape {shape} of "
                             f"{dtype.name} ({nbytes} bytes), the file holds {len(data)}")
        if not source.at_end():
            raise ValueError(f"{path}: IDX data has trailing bytes after shape {shape} of "
                             f"{dtype.name}")
    values = np.frombuffer(data, dtype=dtype).reshape(shape)
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
    if max(array.shape) >= 2 ** 32:
        raise ValueError(f"IDX sizes are 32-bit: shape {array.shape} cannot be stored")
    payload = (bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
               + array.astype(_IDX_TYPES[code]).tobytes())
    if compress is None:
        compress = path.endswith(".gz")
    if compress:
        payload = gzip.compress(payload)
    with atomic_write(path) as f:
        f.write(payload)
    return path
