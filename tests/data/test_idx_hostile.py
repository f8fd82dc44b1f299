"""read_idx and the MNIST readers on hostile files: the header is checked before the data is
read or decompressed, so a small file never makes them allocate much; every problem is a
ValueError naming the file."""
import gzip
import struct
import tracemalloc
import zlib

import numpy as np
import pytest

from engine import data as D
from engine.data import idx as idx_mod
from engine.data import mnist as mnist_mod


def header(code, shape):
    return bytes([0, 0, code, len(shape)]) + struct.pack(">" + "I" * len(shape), *shape)


def _peak_bytes(fn):
    tracemalloc.start()
    try:
        fn()
    except ValueError:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


HOSTILE = {
    "raw_declares_1e12_bytes": header(0x08, (10 ** 6, 10 ** 6)) + b"\0" * 10,
    "raw_declares_overflowing_dims": header(0x0E, (2 ** 32 - 1,) * 4) + b"\0" * 10,
    "raw_255_dimensions_header_missing": bytes([0, 0, 0x08, 255]) + b"\0" * 8,
    "raw_zero_dimensions": bytes([0, 0, 0x08, 0]),
    "raw_unknown_code": bytes([0, 0, 0x0A, 1]) + struct.pack(">I", 1) + b"\0",
    "raw_bad_magic": b"\x12\x34\x08\x01" + struct.pack(">I", 1) + b"\0",
    "raw_empty": b"",
    "raw_float_data_short": header(0x0D, (3,)) + b"\0" * 11,
    "gz_declares_1e12_bytes": gzip.compress(header(0x08, (10 ** 6, 10 ** 6)) + b"\0" * 10),
    "gz_declares_200MB_holds_10B": gzip.compress(header(0x08, (200, 1000, 1000)) + b"\0" * 10),
    "gz_garbage_after_stream": gzip.compress(header(0x08, (2,)) + b"\0\0") + b"garbage!",
    "gz_bad_crc": (lambda z: z[:-8] + bytes([z[-8] ^ 1]) + z[-7:])(
        gzip.compress(header(0x08, (4,)) + b"\1\2\3\4")),
    "gz_truncated_stream": gzip.compress(header(0x08, (64,)) + bytes(range(64)))[:-12],
    "gz_only_magic": b"\x1f\x8b",
    "gz_header_garbage": b"\x1f\x8b" + b"\xff" * 30,
    "gz_trailing_idx_bytes": gzip.compress(header(0x08, (2,)) + b"\0\0\0"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_idx_raises_value_error_naming_the_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    with pytest.raises(ValueError) as info:
        D.read_idx(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("name", ["raw_declares_1e12_bytes", "gz_declares_1e12_bytes",
                                  "gz_declares_200MB_holds_10B"])
def test_small_file_declaring_huge_data_allocates_little(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    assert _peak_bytes(lambda: D.read_idx(path)) < 8 << 20


def test_gzip_bomb_is_refused_before_decompressing(tmp_path):
    """200 MB of zeros compress to ~200 kB: real IDX data never compresses 100:1 at that size,
    so the declared size is refused before any of it is inflated."""
    comp = zlib.compressobj(1, zlib.DEFLATED, 31)
    parts = [comp.compress(header(0x08, (200, 1000, 1000)))]
    zeros = bytes(1 << 20)
    parts += [comp.compress(zeros) for _ in range(200)]
    parts.append(comp.flush())
    path = tmp_path / "bomb.gz"
    path.write_bytes(b"".join(parts))
    assert path.stat().st_size < 2 << 20
    peak = _peak_bytes(lambda: D.read_idx(path))
    assert peak < 8 << 20
    with pytest.raises(ValueError, match="decompression bomb"):
        D.read_idx(path)


def test_multi_member_gzip_reads_as_one_stream(tmp_path):
    body = header(0x08, (6,)) + bytes(range(6))
    path = tmp_path / "two.gz"
    path.write_bytes(gzip.compress(body[:7]) + gzip.compress(body[7:]))
    np.testing.assert_array_equal(D.read_idx(path), np.arange(6, dtype=np.uint8))


def test_large_valid_gzip_file_reads_in_pieces(tmp_path):
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, size=(3, 1000, 1000), dtype=np.uint8)   # > one 1 MiB piece
    D.write_idx(tmp_path / "big.gz", a)
    np.testing.assert_array_equal(D.read_idx(tmp_path / "big.gz"), a)


def test_idx_limits_are_documented_constants():
    assert idx_mod.MAX_GZIP_RATIO >= 10 and idx_mod.RATIO_CHECK_FROM >= 1 << 20


# ----------------------------------------------------------------------------- MNIST readers
def _fake(folder, images, labels):
    folder.mkdir(parents=True, exist_ok=True)
    stems = mnist_mod._FILES
    for stem, (code, a) in zip(stems, (images, labels, images, labels)):
        (folder / (stem + ".gz")).write_bytes(gzip.compress(header(code, a.shape) +
                                                            a.astype(a.dtype.newbyteorder(">")).tobytes()))


def test_mnist_refuses_labels_out_of_range(tmp_path):
    _fake(tmp_path, (0x08, np.zeros((2, 28, 28), np.uint8)), (0x08, np.array([3, 200], np.uint8)))
    with pytest.raises(ValueError, match="0..9"):
        D.load_mnist(path=tmp_path, download=False)


def test_mnist_refuses_float_images(tmp_path):
    _fake(tmp_path, (0x0D, np.zeros((2, 28, 28), np.float32)), (0x08, np.array([3, 2], np.uint8)))
    with pytest.raises(ValueError, match="uint8"):
        D.load_mnist(path=tmp_path, download=False)


def test_mnist_damaged_file_names_the_file(tmp_path):
    _fake(tmp_path, (0x08, np.zeros((2, 28, 28), np.uint8)), (0x08, np.array([3, 2], np.uint8)))
    target = tmp_path / (mnist_mod._FILES[2] + ".gz")
    target.write_bytes(target.read_bytes()[:20])
    with pytest.raises(ValueError, match="t10k-images"):
        D.load_mnist(path=tmp_path, download=False)


def test_directories_and_unstorable_shapes(tmp_path):
    with pytest.raises(ValueError, match="directory"):
        D.read_idx(tmp_path)
    with pytest.raises(ValueError, match="directory"):
        D.load_csv(tmp_path)
    with pytest.raises(ValueError, match="directory"):
        D.load_json(tmp_path)
    with pytest.raises(ValueError, match="32-bit"):
        D.write_idx(tmp_path / "x", np.empty((2 ** 32, 0), np.uint8))


def test_unknown_data_set_name_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="unknown data set"):
        mnist_mod.load_raw("cifar", path=tmp_path, download=False)


def test_gzip_zero_padding_after_the_stream_is_allowed(tmp_path):
    path = tmp_path / "pad.gz"
    path.write_bytes(gzip.compress(header(0x08, (3,)) + b"\1\2\3") + b"\0" * 100)
    np.testing.assert_array_equal(D.read_idx(path), [1, 2, 3])
    assert gzip.decompress(path.read_bytes()) == header(0x08, (3,)) + b"\1\2\3"
