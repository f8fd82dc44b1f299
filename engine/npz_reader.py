"""Read the arrays of an .npz file without trusting it: the reading half of ``engine.load``.

``numpy.load`` believes a file's headers: an array header that declares 10¹² elements makes it
allocate them, a plain .npy file comes back as an array instead of an archive, a member that
is not a .npy gives an odd exception. Here every claim is checked against the bytes before
anything is allocated:

* the file is a zip archive (by its signature), with unique member names ending in ".npy";
* a member's declared uncompressed size is possible for its compressed size (equal when
  stored, at most ~1032 times when deflated) and the compressed sizes of all members fit in
  the file together (no two members sharing bytes);
* each member's .npy header is version 1.0 or 2.0, of a plain dtype (bool, integers, floats,
  complex, fixed-size strings: never object arrays, so nothing is unpickled) and its shape's
  byte count is exactly what the member holds.

Every problem raises ``NpzFormatError`` (a ValueError) saying what is wrong; the caller adds
the path.
"""
import os
import struct
import zipfile
import zlib

import numpy as np

_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")   # a member first, or an empty archive
_PLAIN_KINDS = "biufcUS"
_DEFLATE_MAX_RATIO = 1032          # zlib's worst case expansion bound (RFC 1951 stored-free)
_MAX_MEMBERS = 1_000_000

# What a damaged archive can raise from the zipfile / zlib / struct layers.
READ_ERRORS = (ValueError, OSError, EOFError, KeyError, IndexError, zipfile.BadZipFile,
               zipfile.LargeZipFile, zlib.error, struct.error, NotImplementedError,
               RuntimeError, OverflowError, UnicodeError)


class NpzFormatError(ValueError):
    """The file is not a well-formed .npz archive of plain arrays."""


def _source_size(source):
    """The byte size of a path or of a seekable binary file (None when unknown)."""
    if not hasattr(source, "read"):
        return os.path.getsize(source)
    try:
        here = source.tell()
        end = source.seek(0, os.SEEK_END)
        source.seek(here)
        return end - here
    except (OSError, AttributeError, ValueError):
        return None


def _check_signature(source):
    if hasattr(source, "read"):
        here = source.tell()
        head = source.read(4)
        source.seek(here)
    else:
        with open(source, "rb") as f:
            head = f.read(4)
    if len(head) == 0:
        raise NpzFormatError("the file is empty")
    if head[:4] not in _ZIP_SIGNATURES:
        what = "a plain .npy array" if head[:4] == b"\x93NUM" else "not a zip archive"
        raise NpzFormatError(f"{what} (an .npz archive starts with 'PK\\x03\\x04', "
                             f"this file with {head[:4]!r})")


def _check_member(info, total):
    if not info.filename.endswith(".npy"):
        raise NpzFormatError(f"member {info.filename!r} is not a .npy array")
    if info.flag_bits & 0x1:
        raise NpzFormatError(f"member {info.filename!r} is encrypted")
    if total is not None and info.compress_size > total:
        raise NpzFormatError(f"member {info.filename!r} declares {info.compress_size} compressed "
                             f"bytes in a file of {total}")
    if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
        raise NpzFormatError(f"member {info.filename!r} is stored uncompressed but declares "
                             f"{info.file_size} bytes in {info.compress_size}")
    bound = info.compress_size * _DEFLATE_MAX_RATIO + 64
    if info.file_size > bound:
        raise NpzFormatError(f"member {info.filename!r} declares {info.file_size} bytes from "
                             f"{info.compress_size} compressed: impossible (a damaged or "
                             f"hostile archive)")


def _read_header(f, name):
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
    else:
        raise NpzFormatError(f"member {name!r}: unsupported .npy version {version}")
    if dtype.hasobject or dtype.kind not in _PLAIN_KINDS or dtype.fields is not None \
            or dtype.subdtype is not None:
        raise NpzFormatError(f"member {name!r} has dtype {dtype}: only bool, integer, float, "
                             f"complex and string arrays are read (object arrays would need "
                             f"pickle, which could run code)")
    return shape, fortran, dtype


def _read_member(zf, info):
    with zf.open(info) as f:
        shape, fortran, dtype = _read_header(f, info.filename)
        count = 1
        for s in shape:
            count *= s
        nbytes = count * dtype.itemsize
        left = info.file_size - f.tell()
        if nbytes != left:
            raise NpzFormatError(f"member {info.filename!r}: header says shape {shape} of "
                                 f"{dtype} ({nbytes} bytes), the member holds {left}")
        buf = bytearray(nbytes)
        got = f.readinto(memoryview(buf)) if nbytes else 0
        while 0 < got < nbytes:
            more = f.readinto(memoryview(buf)[got:])
            if not more:
                break
            got += more
        if got != nbytes:
            raise NpzFormatError(f"member {info.filename!r} is truncated ({got} of {nbytes} bytes)")
    arr = np.frombuffer(buf, dtype=dtype)
    return arr.reshape(shape[::-1]).T if fortran else arr.reshape(shape)


def read_npz(source):
    """``{name: array}`` of an .npz file (a path or an open binary file), names without the
    ".npy" suffix. Raises NpzFormatError for anything but a well-formed archive of plain
    arrays, before allocating more than the file's bytes justify."""
    _check_signature(source)
    total = _source_size(source)
    with zipfile.ZipFile(source) as zf:
        infos = zf.infolist()
        if len(infos) > _MAX_MEMBERS:
            raise NpzFormatError(f"{len(infos)} members")
        names = [info.filename for info in infos]
        if len(set(names)) != len(names):
            dup = sorted({n for n in names if names.count(n) > 1})[:5]
            raise NpzFormatError(f"duplicate members {dup} (conflicting entries)")
        for info in infos:
            _check_member(info, total)
        # Members pointing at the same bytes (an "overlapping" zip bomb) claim more compressed
        # bytes in all than the file holds.
        if total is not None and sum(info.compress_size for info in infos) > total:
            raise NpzFormatError("the members claim more compressed bytes than the file holds "
                                 "(overlapping members)")
        return {info.filename[:-4]: _read_member(zf, info) for info in infos}
