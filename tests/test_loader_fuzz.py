"""Hypothesis fuzzing of every file loader: ``engine.load``, ``read_idx``, the MNIST readers,
``load_csv`` and ``load_json``. Valid files drawn at random read back exactly; random byte
changes, insertions and truncations of valid files give either the right data (or, for
formats without a checksum, data of the declared type) or the documented ValueError naming
the path — never another exception type. Example counts are bounded for CI."""
import gzip
import json
import os
import tempfile

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

import engine  # noqa: E402
from engine import data as D  # noqa: E402
from engine.data import mnist as mnist_mod  # noqa: E402

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
VALID = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))


@st.composite
def damaged(draw, raw):
    """``raw`` with a few random edits: byte changes, a truncation, an insertion."""
    data = bytearray(raw)
    for _ in range(draw(st.integers(0, 4))):
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        data[i] = draw(st.integers(0, 255))
    how = draw(st.sampled_from(["none", "truncate", "insert", "append"]))
    if how == "truncate":
        data = data[:draw(st.integers(0, len(data)))]
    elif how == "insert":
        i = draw(st.integers(0, len(data)))
        data[i:i] = draw(st.binary(min_size=1, max_size=16))
    elif how == "append":
        data += draw(st.binary(min_size=1, max_size=16))
    return bytes(data)


def _in_file(payload, name, fn):
    """``fn(path)`` on a file holding ``payload``: its result, or the ValueError (which must
    name the path)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, name)
        with open(path, "wb") as f:
            f.write(payload)
        try:
            return fn(path)
        except ValueError as err:
            assert path in str(err), str(err)
            return err


# ----------------------------------------------------------------------------- engine.load
def _checkpoint_bytes():
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "c.npz")
        engine.save({"model": {"w": np.arange(12, dtype=np.float32).reshape(3, 4),
                               "b": engine.Tensor(np.ones(3))},
                     "epoch": 4, "lr": 0.1, "name": "x", "ids": [1, 2], "none": None}, path)
        with open(path, "rb") as f:
            return f.read()


CHECKPOINT = _checkpoint_bytes()


def _same_checkpoint(got):
    assert got["epoch"] == 4 and got["lr"] == 0.1 and got["name"] == "x"
    assert got["ids"] == [1, 2] and got["none"] is None
    np.testing.assert_array_equal(got["model"]["w"], np.arange(12, dtype=np.float32).reshape(3, 4))
    np.testing.assert_array_equal(got["model"]["b"].data, np.ones(3))


@FUZZ
@given(damaged(CHECKPOINT))
def test_engine_load_of_damaged_files(payload):
    got = _in_file(payload, "c.npz", engine.load)
    if not isinstance(got, ValueError):        # a change the zip format ignores (a comment...)
        _same_checkpoint(got)


text = st.text(st.characters(blacklist_characters="\0", blacklist_categories=("Cs",)), max_size=5)
leaf = st.one_of(st.integers(-2 ** 62, 2 ** 62), st.floats(allow_nan=False), text,
                 st.booleans(), st.none(),
                 hnp.arrays(st.sampled_from([np.float32, np.float64, np.int64, np.uint8, bool]),
                            hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)))
keys = st.text(st.characters(blacklist_characters="/\0", blacklist_categories=("Cs",)),
               min_size=1, max_size=6).filter(lambda k: k != "__engine_manifest__")
trees = st.recursive(leaf, lambda inner: st.dictionaries(keys, inner, max_size=3), max_leaves=8)


@VALID
@given(st.dictionaries(keys, trees, max_size=4))
def test_engine_save_load_round_trip(obj):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "r.npz")
        engine.save(obj, path)
        back = engine.load(path)

    def same(a, b):
        if isinstance(a, dict):
            assert isinstance(b, dict) and a.keys() == b.keys()
            for k in a:
                same(a[k], b[k])
        elif isinstance(a, np.ndarray):
            assert b.dtype == a.dtype and b.shape == a.shape
            np.testing.assert_array_equal(a, b)
        else:
            assert a == b and type(a) is type(b)
    same(obj, back)


def test_engine_save_refuses_keys_a_zip_cannot_hold(tmp_path):
    for key in ("a\0b", "a/b", ""):
        with pytest.raises(ValueError, match="keys must be"):
            engine.save({key: 1}, tmp_path / "k.npz")


# ----------------------------------------------------------------------------- IDX and MNIST
def _idx(array, code):
    return (bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
            + array.astype(array.dtype.newbyteorder(">")).tobytes())


IDX_ARRAY = np.arange(2 * 3 * 4, dtype=np.int16).reshape(2, 3, 4) * 300
IDX_RAW = _idx(IDX_ARRAY, 0x0B)
IDX_GZ = gzip.compress(IDX_RAW)


@FUZZ
@given(damaged(IDX_RAW))
def test_read_idx_of_damaged_raw_files(payload):
    got = _in_file(payload, "a.idx", D.read_idx)
    if not isinstance(got, ValueError):        # no checksum: data of the declared type
        assert isinstance(got, np.ndarray) and got.dtype.isnative and got.dtype.kind in "uif"
        assert got.nbytes <= len(payload)


@FUZZ
@given(damaged(IDX_GZ))
def test_read_idx_of_damaged_gzip_files(payload):
    got = _in_file(payload, "a.idx.gz", D.read_idx)
    if not isinstance(got, ValueError):
        # gzip's CRC catches changed data; changes to its header fields may pass
        np.testing.assert_array_equal(got, IDX_ARRAY)


@VALID
@given(hnp.arrays(st.sampled_from([np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]),
                  hnp.array_shapes(min_dims=1, max_dims=4, max_side=5)), st.booleans())
def test_idx_round_trip(array, compress):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "v.gz" if compress else "v")
        D.write_idx(path, array)
        back = D.read_idx(path)
    assert back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)


def _mnist_folder(folder):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (3, 28, 28), dtype=np.uint8)
    labels = np.array([1, 7, 9], np.uint8)
    for stem, a in zip(mnist_mod._FILES, (images, labels, images, labels)):
        with open(os.path.join(folder, stem + ".gz"), "wb") as f:
            f.write(gzip.compress(_idx(a, 0x08)))
    return images, labels


@FUZZ
@given(st.integers(0, 3), st.data())
def test_mnist_reader_with_one_damaged_file(which, data):
    with tempfile.TemporaryDirectory() as folder:
        images, labels = _mnist_folder(folder)
        path = os.path.join(folder, mnist_mod._FILES[which] + ".gz")
        with open(path, "rb") as f:
            raw = f.read()
        with open(path, "wb") as f:
            f.write(data.draw(damaged(raw)))
        try:
            (x, y), (xt, yt) = D.load_mnist(path=folder, download=False)
        except ValueError as err:
            assert mnist_mod._FILES[which] in str(err), str(err)
            return
    np.testing.assert_array_equal(y, labels)
    np.testing.assert_array_equal(yt, labels)
    np.testing.assert_allclose(x[:, 0] * 255, images, atol=1e-3)


# ----------------------------------------------------------------------------- CSV and JSON
CSV = b"a,b,label\n1.5,2,cat\n-3,,dog\n4e2,0.25,cat\n"
RECORDS = json.dumps([{"a": 1.5, "b": 2, "label": "cat"}, {"a": -3, "b": None, "label": "dog"}]
                     ).encode()


def _table_ok(table):
    assert table.x.dtype == np.float64 and table.x.ndim == 2
    assert not np.isinf(table.x).any()           # infinities never get through
    assert table.y is None or len(table.y) == len(table.x)


@FUZZ
@given(damaged(CSV), st.sampled_from([None, "label", 0]))
def test_load_csv_of_damaged_files(payload, target):
    got = _in_file(payload, "t.csv", lambda p: D.load_csv(p, target=target))
    if not isinstance(got, ValueError):
        _table_ok(got)


@FUZZ
@given(damaged(RECORDS), st.sampled_from([None, "label"]))
def test_load_json_of_damaged_files(payload, target):
    got = _in_file(payload, "t.json", lambda p: D.load_json(p, target=target))
    if not isinstance(got, ValueError):
        _table_ok(got)


cells = st.one_of(st.floats(allow_nan=False, allow_infinity=False, width=32), st.integers(-999, 999))


@VALID
@given(st.lists(st.tuples(cells, cells, st.sampled_from(["x", "y", "z"])), min_size=1, max_size=8))
def test_csv_and_json_round_trip(rows):
    text = "a,b,c\n" + "".join(f"{a!r},{b!r},{c}\n" for a, b, c in rows)
    records = json.dumps([{"a": a, "b": b, "c": c} for a, b, c in rows]).encode()
    for got in (_in_file(text.encode(), "v.csv", lambda p: D.load_csv(p, target="c")),
                _in_file(records, "v.json", lambda p: D.load_json(p, target="c"))):
        assert not isinstance(got, ValueError), got
        np.testing.assert_array_equal(got.x, np.array([[a, b] for a, b, _ in rows], np.float64))
        assert [got.classes[k] for k in got.y] == [c for _, _, c in rows]
