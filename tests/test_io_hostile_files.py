"""engine.load on malformed files: always FileNotFoundError (missing) or a ValueError naming the
path, never AttributeError / KeyError / MemoryError / struct.error, never unpickling; and the
temporary files of killed saves are cleaned up by the next save."""
import io
import json
import os
import struct
import zipfile

import numpy as np
import pytest

import engine
from engine.io import _MANIFEST, atomic_write, remove_stale_temp_files


def _zip(path, members):
    """An .npz-like zip of ``{name: bytes}`` (stored, not compressed)."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members:
            zf.writestr(name, data)


def _npy(arr):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.asarray(arr), allow_pickle=True)
    return buf.getvalue()


def _manifest(types, fmt=1):
    return _npy(np.array(json.dumps({"format": fmt, "types": types})))


def _npy_with_header(shape, descr="<f4", payload=b""):
    header = {"descr": descr, "fortran_order": False, "shape": shape}
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, header)
    return buf.getvalue() + payload


def _good(tmp_path):
    path = tmp_path / "good.npz"
    engine.save({"model": {"w": np.arange(6, dtype=np.float32)}, "epoch": 2}, path)
    return path


# Each case writes a malformed file; load must raise ValueError naming the path.
def _cases():
    m = _manifest
    yield "plain_npy", lambda p: np.save(p, np.arange(3)) or None
    yield "plain_zip", lambda p: _zip(p, [("readme.txt", b"hello")])
    yield "empty_file", lambda p: p.write_bytes(b"")
    yield "text_file", lambda p: p.write_bytes(b"not a checkpoint at all\n")
    yield "zip_no_manifest", lambda p: _zip(p, [("a.npy", _npy(np.ones(2)))])
    yield "manifest_not_json", lambda p: _zip(p, [(_MANIFEST + ".npy", _npy(np.array("{oops")))])
    yield "manifest_list", lambda p: _zip(p, [(_MANIFEST + ".npy", _npy(np.array("[1, 2]")))])
    yield "manifest_types_list", lambda p: _zip(
        p, [(_MANIFEST + ".npy", _npy(np.array('{"format": 1, "types": [1]}')))])
    yield "manifest_int_array", lambda p: _zip(p, [(_MANIFEST + ".npy", _npy(np.arange(3)))])
    yield "manifest_wrong_format", lambda p: _zip(p, [(_MANIFEST + ".npy", m({}, fmt=99))])
    yield "manifest_unknown_kind", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({"a": "pickle"})), ("a.npy", _npy(np.ones(2)))])
    yield "manifest_kind_not_str", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({"a": 3})), ("a.npy", _npy(np.ones(2)))])
    yield "listed_but_missing", lambda p: _zip(p, [(_MANIFEST + ".npy", m({"a": "array"}))])
    yield "unlisted_array", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({})), ("a.npy", _npy(np.ones(2)))])
    yield "none_with_array", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({"a": "none"})), ("a.npy", _npy(np.ones(2)))])
    yield "conflicting_value_and_folder", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({"a": "int", "a/b": "int"})),
            ("a.npy", _npy(np.int64(1))), ("a/b.npy", _npy(np.int64(2)))])
    yield "conflicting_empty_dict_and_child", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({"a": "dict", "a/b": "int"})), ("a/b.npy", _npy(np.int64(2)))])
    yield "duplicate_members", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({"a": "int"})), ("a.npy", _npy(np.int64(1))),
            ("a.npy", _npy(np.int64(2)))])
    yield "empty_name_part", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({"a//b": "int"})), ("a//b.npy", _npy(np.int64(1)))])
    yield "kind_int_holds_float_array", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({"a": "int"})), ("a.npy", _npy(np.ones(3)))])
    yield "kind_str_holds_number", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({"a": "str"})), ("a.npy", _npy(np.float64(1)))])
    yield "kind_bool_holds_2d", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({"a": "bool"})), ("a.npy", _npy(np.ones((2, 2), bool)))])
    yield "kind_tensor_complex", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({"a": "tensor"})), ("a.npy", _npy(np.ones(2, np.complex64)))])
    yield "object_array", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({"a": "array"})),
            ("a.npy", _npy(np.array([{"x": 1}], dtype=object)))])
    yield "structured_dtype", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({"a": "array"})),
            ("a.npy", _npy(np.zeros(2, dtype=[("x", "<f4"), ("y", "<i4")])))])
    yield "datetime_dtype", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({"a": "array"})),
            ("a.npy", _npy(np.array(["2020-01-01"], dtype="datetime64[D]")))])
    yield "absurd_shape", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({"a": "array"})),
            ("a.npy", _npy_with_header((10 ** 6, 10 ** 6), payload=b"\0" * 16))])
    yield "absurd_shape_overflowing_int64", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({"a": "array"})),
            ("a.npy", _npy_with_header((2 ** 62, 2 ** 62), payload=b"\0" * 16))])
    yield "shape_smaller_than_data", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({"a": "array"})),
            ("a.npy", _npy_with_header((2,), payload=b"\0" * 64))])
    yield "negative_shape", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({"a": "array"})),
            ("a.npy", _npy_with_header((-4,), payload=b""))])
    yield "bad_npy_magic", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({"a": "array"})), ("a.npy", b"\x00" * 64)])
    yield "member_not_npy", lambda p: _zip(
        p, [(_MANIFEST + ".npy", m({})), ("a.txt", b"x")])
    yield "directory", None
    yield "truncated_half", "truncate"
    yield "truncated_one_byte", "truncate1"
    yield "bit_flips_in_data", "flip"


def _declared_size_lie(path):
    """A stored member whose local header claims 2**31 bytes: the size fields are patched."""
    _zip(path, [(_MANIFEST + ".npy", _manifest({"a": "array"})), ("a.npy", _npy(np.ones(4)))])
    raw = bytearray(path.read_bytes())
    pos = raw.find(b"PK\x01\x02")                  # central directory entries: patch sizes
    while pos != -1:
        raw[pos + 24:pos + 28] = struct.pack("<I", 2 ** 31)
        pos = raw.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(raw))


CASES = list(_cases())


@pytest.mark.parametrize("name,make", CASES, ids=[c[0] for c in CASES])
def test_malformed_file_raises_value_error_naming_the_path(tmp_path, name, make):
    path = tmp_path / f"{name}.npz"
    if make is None:
        path.mkdir()
    elif make == "truncate" or make == "truncate1":
        raw = _good(tmp_path).read_bytes()
        path.write_bytes(raw[:len(raw) // 2] if make == "truncate" else raw[:-1])
    elif make == "flip":
        raw = bytearray(_good(tmp_path).read_bytes())
        for i in range(40, len(raw), 37):
            raw[i] ^= 0xFF
        path.write_bytes(bytes(raw))
    else:
        make(path)
    if name == "plain_npy":                      # np.save appends .npy to the name
        os.replace(str(path) + ".npy", path)
    with pytest.raises(ValueError, match=str(path).replace("\\", "\\\\")):
        engine.load(path)


def test_declared_uncompressed_size_lie_is_refused(tmp_path):
    path = tmp_path / "lie.npz"
    _declared_size_lie(path)
    with pytest.raises(ValueError, match="lie.npz"):
        engine.load(path)


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        engine.load(tmp_path / "nope.npz")


def test_file_object_with_garbage_raises_value_error():
    with pytest.raises(ValueError, match="not a valid engine checkpoint"):
        engine.load(io.BytesIO(b"PK\x03\x04garbage"))


def test_big_endian_arrays_load_in_native_order_at_full_precision(tmp_path):
    path = tmp_path / "be.npz"
    _zip(path, [(_MANIFEST + ".npy", _manifest({"t": "tensor", "a": "array"})),
                ("t.npy", _npy(np.array([1 / 3], dtype=">f8"))),
                ("a.npy", _npy(np.array([1 / 3], dtype=">f8")))])
    back = engine.load(path)
    assert back["t"].data.dtype == np.float64 and back["t"].data.dtype.isnative
    assert back["a"].dtype == np.float64 and back["a"][0] == 1 / 3


def test_loaded_arrays_are_writable(tmp_path):
    back = engine.load(_good(tmp_path))
    back["model"]["w"][0] = 5.0
    assert back["model"]["w"][0] == 5.0


# ----------------------------------------------------------------- stale temporary files
def _temps(folder):
    return sorted(n for n in os.listdir(folder) if ".tmp-" in n)


def test_stale_temp_file_of_a_dead_process_is_removed_by_the_next_save(tmp_path):
    path = tmp_path / "ck.npz"
    dead_pid = 2 ** 22 + 12345              # above pid_max on Linux defaults: never alive
    host = engine.io._HOST
    stale = tmp_path / f".ck.npz.tmp-{dead_pid}-{host}-abcdef012345"
    stale.write_bytes(b"half a checkpoint")
    other = tmp_path / f".other.npz.tmp-{dead_pid}-{host}-abcdef012345"   # another target's
    other.write_bytes(b"x")
    elsewhere = tmp_path / f".ck.npz.tmp-{dead_pid}-0badf00d-abcdef012345"  # another machine's
    elsewhere.write_bytes(b"x")
    engine.save({"v": 1}, path)
    assert _temps(tmp_path) == sorted([other.name, elsewhere.name])
    assert engine.load(path)["v"] == 1


def test_temp_file_of_a_live_process_is_kept_unless_old(tmp_path):
    path = tmp_path / "ck.npz"
    live = tmp_path / f".ck.npz.tmp-{os.getppid()}-{engine.io._HOST}-abcdef012345"
    live.write_bytes(b"a save in progress elsewhere")
    engine.save({"v": 1}, path)
    assert _temps(tmp_path) == [live.name]
    old = engine.io.STALE_AFTER_S + 10
    os.utime(live, (live.stat().st_mtime - old, live.stat().st_mtime - old))
    assert remove_stale_temp_files(path) == [live.name]
    assert _temps(tmp_path) == []


def test_atomic_write_temp_name_is_recognisable(tmp_path):
    path = tmp_path / "f.bin"
    with atomic_write(path) as f:
        names = _temps(tmp_path)
        f.write(b"x")
    assert len(names) == 1 and names[0].startswith(f".f.bin.tmp-{os.getpid()}-")
    assert _temps(tmp_path) == []


# ----------------------------------------------------------------- what save refuses
def _cyclic():
    d = {"a": 1}
    d["self"] = d
    return d


@pytest.mark.parametrize("obj, match", [
    (_cyclic(), "cycle"),
    ({"big": 2 ** 70}, "int64"),
    ({"big": [1, -2 ** 64]}, "int64"),
    ({"s": "abc\0"}, "NUL"),
    ({"o": np.array([{}], dtype=object)}, "object"),
    ({"f": lambda: 1}, "cannot store"),
    ({"l": [1, "a"]}, "numbers only"),
    ({3: 1}, "keys must be"),
])
def test_save_refuses_what_it_cannot_store_exactly(tmp_path, obj, match):
    with pytest.raises((ValueError, TypeError), match=match):
        engine.save(obj, tmp_path / "x.npz")
    assert _temps(tmp_path) == [] and not (tmp_path / "x.npz").exists()


def test_fortran_order_and_empty_arrays_round_trip(tmp_path):
    f = np.asfortranarray(np.arange(12, dtype=np.float64).reshape(3, 4))
    obj = {"f": f, "e": np.zeros((0, 5), np.float32), "s": np.array(["ab", "c"]),
           "c": np.array([1 + 2j])}
    engine.save(obj, tmp_path / "f.npz")
    back = engine.load(tmp_path / "f.npz")
    for k, v in obj.items():
        assert back[k].dtype == v.dtype and back[k].shape == v.shape
        np.testing.assert_array_equal(back[k], v)


@pytest.mark.parametrize("name", ["absurd_shape", "absurd_shape_overflowing_int64"])
def test_absurd_declared_shapes_allocate_little(tmp_path, name):
    import tracemalloc
    make = dict(CASES)[name]
    path = tmp_path / f"{name}.npz"
    make(path)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError):
            engine.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20
