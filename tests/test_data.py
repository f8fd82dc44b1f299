"""engine.data: IDX/MNIST/CSV/JSON loading, toy sets, splits, preprocessing, resampling,
augmentation and the DataLoader."""
import gzip
import hashlib
import json
import struct
from pathlib import Path

import numpy as np
import pytest

from engine import data as D
from engine.data import mnist as mnist_mod

HERE = Path(__file__).resolve()


def shared_path(*parts):
    """The project's shared/ folder, beside the repository (the tests skip when it is absent)."""
    return HERE.parents[2].joinpath("shared", *parts)


# ----------------------------------------------------------------------------- IDX
def idx_bytes(array, code):
    array = np.asarray(array)
    return (bytes([0, 0, code, array.ndim]) + struct.pack(">" + "I" * array.ndim, *array.shape)
            + array.astype(array.dtype.newbyteorder(">")).tobytes())


def test_read_idx_raw_and_gzip(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    labels = np.array([7, 3], dtype=np.uint8)
    (tmp_path / "img").write_bytes(idx_bytes(images, 0x08))
    (tmp_path / "lab.gz").write_bytes(gzip.compress(idx_bytes(labels, 0x08)))
    got = D.read_idx(tmp_path / "img")
    assert got.dtype == np.uint8 and got.shape == (2, 3, 4)
    np.testing.assert_array_equal(got, images)
    np.testing.assert_array_equal(D.read_idx(tmp_path / "lab.gz"), labels)
    floats = np.array([[1.5, -2.0], [3.25, 0.0]], dtype=np.float32)
    (tmp_path / "f").write_bytes(idx_bytes(floats, 0x0D))
    got = D.read_idx(tmp_path / "f")
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, floats)
    ints = np.array([-70000, 5, 123456], dtype=np.int32)
    (tmp_path / "i").write_bytes(idx_bytes(ints, 0x0C))
    np.testing.assert_array_equal(D.read_idx(tmp_path / "i"), ints)


def test_write_idx_round_trip(tmp_path):
    a = np.random.default_rng(0).normal(size=(3, 5)).astype(np.float64)
    D.write_idx(tmp_path / "a.gz", a)
    assert (tmp_path / "a.gz").read_bytes()[:2] == b"\x1f\x8b"
    np.testing.assert_array_equal(D.read_idx(tmp_path / "a.gz"), a)


@pytest.mark.parametrize("payload, what", [
    (idx_bytes(np.zeros((2, 3), np.uint8), 0x08)[:-1], "truncated"),
    (idx_bytes(np.zeros((2, 3), np.uint8), 0x08) + b"\x00", "trailing"),
    (b"\x01\x00\x08\x01" + struct.pack(">I", 1) + b"\x00", "not an IDX"),
    (b"\x00\x00\x42\x01" + struct.pack(">I", 1) + b"\x00", "type code"),
    (b"\x00\x00\x08\x03\x00\x00", "header"),
    (b"\x00\x00", "not an IDX"),
    (gzip.compress(idx_bytes(np.zeros(4, np.uint8), 0x08))[:-6], "gzip"),
])
def test_read_idx_bad_files_name_the_path(tmp_path, payload, what):
    path = tmp_path / "broken-file"
    path.write_bytes(payload)
    with pytest.raises(ValueError, match=what) as info:
        D.read_idx(path)
    assert str(path) in str(info.value)


# ----------------------------------------------------------------------------- MNIST
STEMS = mnist_mod._FILES


def write_fake_mnist(folder, n_train=5, n_test=3, gz=True, seed=0):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    arrays = []
    for n in (n_train, n_test):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        images[0, 0, 0], images[0, 0, 1] = 0, 255
        arrays += [images, rng.integers(0, 10, size=n).astype(np.uint8)]
    for stem, a in zip(STEMS, arrays):
        data = idx_bytes(a, 0x08)
        (folder / (stem + (".gz" if gz else ""))).write_bytes(gzip.compress(data) if gz else data)
    return arrays


@pytest.mark.parametrize("gz", [True, False])
def test_load_mnist_from_path(tmp_path, gz):
    arrays = write_fake_mnist(tmp_path, gz=gz)
    (x_train, y_train), (x_test, y_test) = D.load_mnist(path=tmp_path, download=False)
    assert x_train.shape == (5, 1, 28, 28) and x_test.shape == (3, 1, 28, 28)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    np.testing.assert_allclose(x_train[:, 0], arrays[0] / 255, rtol=1e-6)
    np.testing.assert_array_equal(y_train, arrays[1])
    np.testing.assert_array_equal(y_test, arrays[3])
    (xf, _), _ = D.load_mnist(path=tmp_path, flatten=True)
    assert xf.shape == (5, 784)


def test_load_mnist_incomplete_folder(tmp_path):
    write_fake_mnist(tmp_path)
    (tmp_path / (STEMS[3] + ".gz")).unlink()
    with pytest.raises(FileNotFoundError, match="t10k-labels"):
        D.load_mnist(path=tmp_path)


def test_load_mnist_label_count_mismatch(tmp_path):
    write_fake_mnist(tmp_path)
    (tmp_path / (STEMS[1] + ".gz")).write_bytes(
        gzip.compress(idx_bytes(np.zeros(4, np.uint8), 0x08)))
    with pytest.raises(ValueError, match="labels"):
        D.load_mnist(path=tmp_path)


def test_engine_data_env(tmp_path, monkeypatch):
    arrays = write_fake_mnist(tmp_path / "mnist", n_train=4)
    monkeypatch.setenv("ENGINE_DATA", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (x_train, y_train), _ = D.load_mnist(download=False)
    assert x_train.shape == (4, 1, 28, 28)
    np.testing.assert_array_equal(y_train, arrays[1])


def test_no_files_no_download_message(tmp_path, monkeypatch):
    monkeypatch.delenv("ENGINE_DATA", raising=False)
    with pytest.raises(FileNotFoundError) as info:
        D.load_mnist(download=False, cache_dir=tmp_path / "cache")
    msg = str(info.value)
    assert "download=False" in msg and "ENGINE_DATA" in msg and str(tmp_path / "cache") in msg


def test_no_network_clear_message(tmp_path, monkeypatch):
    monkeypatch.delenv("ENGINE_DATA", raising=False)
    with pytest.raises(FileNotFoundError) as info:     # port 9 on localhost: refused at once
        D.load_mnist(cache_dir=tmp_path / "cache", mirrors=["http://127.0.0.1:9/"], timeout=5)
    msg = str(info.value)
    assert "could not be downloaded" in msg and "http://127.0.0.1:9/" in msg
    assert not list((tmp_path / "cache").glob("*.gz"))


def test_fetch_file_url_checksums(tmp_path):
    src = tmp_path / "src.bin"
    src.write_bytes(b"hello mnist")
    md5 = hashlib.md5(b"hello mnist").hexdigest()
    sha = hashlib.sha256(b"hello mnist").hexdigest()
    dest = mnist_mod.fetch(src.as_uri(), tmp_path / "out" / "dest.bin", md5=md5, sha256=sha)
    assert Path(dest).read_bytes() == b"hello mnist"
    bad = tmp_path / "out" / "bad.bin"
    with pytest.raises(ValueError, match="md5 checksum mismatch"):
        mnist_mod.fetch(src.as_uri(), bad, md5="0" * 32)
    with pytest.raises(ValueError, match="sha256 checksum mismatch"):
        mnist_mod.fetch(src.as_uri(), bad, md5=md5, sha256="0" * 64)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["dest.bin"]  # no leftovers


def test_download_from_mirror(tmp_path, monkeypatch):
    """The download path end to end, with a file:// mirror and the fake files' checksums."""
    monkeypatch.delenv("ENGINE_DATA", raising=False)
    mirror = tmp_path / "mirror"
    arrays = write_fake_mnist(mirror)
    digests = {alg: {s: hashlib.new(alg, (mirror / (s + ".gz")).read_bytes()).hexdigest()
                     for s in STEMS} for alg in ("md5", "sha256")}
    spec = dict(mnist_mod.DATASETS["mnist"], **digests)
    monkeypatch.setitem(mnist_mod.DATASETS, "mnist", spec)
    cache = tmp_path / "cache"
    (_, y_train), _ = D.load_mnist(cache_dir=cache, mirrors=[mirror.as_uri() + "/"])
    np.testing.assert_array_equal(y_train, arrays[1])
    assert sorted(p.name for p in cache.iterdir()) == sorted(s + ".gz" for s in STEMS)
    # a corrupt mirror: checksum mismatch → not found, nothing left in the cache
    spec["md5"] = dict(spec["md5"], **{STEMS[0]: "0" * 32})
    cache2 = tmp_path / "cache2"
    with pytest.raises(FileNotFoundError, match="checksum mismatch"):
        D.load_mnist(cache_dir=cache2, mirrors=[mirror.as_uri() + "/"])
    assert not (cache2 / (STEMS[0] + ".gz")).exists()


def test_real_mnist():
    from data_helpers import mnist_dir     # $ENGINE_DATA/mnist, ../shared, the cache; else skip saying how
    (x_train, y_train), (x_test, y_test) = D.load_mnist(path=mnist_dir(), download=False)
    assert x_train.shape == (60000, 1, 28, 28) and x_test.shape == (10000, 1, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert y_train.min() == 0 and y_train.max() == 9
    assert set(np.unique(y_test).tolist()) == set(range(10))


# ----------------------------------------------------------------------------- CSV / JSON
CSV = """a, b ,label,name
1,2.5,cat,x
3,,dog,y
NA,4,cat,z
5,6,bird,w
"""


def test_load_csv(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text(CSV)
    t = D.load_csv(p, target="label", columns=["a", "b"])
    assert t.feature_names == ["a", "b"]
    assert t.classes == ["bird", "cat", "dog"]
    assert t.y.dtype == np.int64 and t.y.tolist() == [1, 2, 1, 0]
    np.testing.assert_array_equal(np.isnan(t.x), [[0, 0], [0, 1], [1, 0], [0, 0]])
    assert t.x[0].tolist() == [1.0, 2.5] and t.x[3].tolist() == [5.0, 6.0]
    t2 = D.load_csv(p, target=0, columns=[1])               # numeric target stays float
    assert t2.y.dtype == np.float64 and np.isnan(t2.y[2]) and t2.y[3] == 5.0
    assert t2.feature_names == ["b"]
    with pytest.raises(ValueError, match="name"):           # non-numeric feature column
        D.load_csv(p, target="label")
    with pytest.raises(ValueError, match="not a column"):
        D.load_csv(p, target="nope")


def test_load_csv_no_header(tmp_path):
    p = tmp_path / "n.csv"
    p.write_text("1,2,0\n3,4,1\n")
    t = D.load_csv(p, target=2, header=False)
    assert t.x.tolist() == [[1, 2], [3, 4]] and t.y.tolist() == [0, 1]


IRIS = shared_path("data", "tabular", "iris.csv")


@pytest.mark.skipif(not IRIS.exists(), reason=f"{IRIS} absent (the shared/ folder beside the repository); "
                    "engine.data.load_iris() reads the copy bundled in the package (tests/test_bundled_data.py)")
def test_iris():
    t = D.load_csv(IRIS, target="species")
    assert t.x.shape == (150, 4) and len(t.classes) == 3
    assert np.bincount(t.y).tolist() == [50, 50, 50]
    assert not np.isnan(t.x).any()


def test_load_json_both_layouts(tmp_path):
    records = [{"a": 1, "b": None, "y": "no"}, {"a": 2, "b": 3.5, "y": "yes"}]
    (tmp_path / "r.json").write_text(json.dumps(records))
    (tmp_path / "c.json").write_text(json.dumps({"a": [1, 2], "b": [None, 3.5], "y": ["no", "yes"]}))
    for name in ("r.json", "c.json"):
        t = D.load_json(tmp_path / name, target="y")
        assert t.feature_names == ["a", "b"] and t.classes == ["no", "yes"]
        assert t.y.tolist() == [0, 1]
        assert t.x[0, 0] == 1 and np.isnan(t.x[0, 1]) and t.x[1].tolist() == [2, 3.5]
    (tmp_path / "bad.json").write_text("3")
    with pytest.raises(ValueError, match="bad.json"):
        D.load_json(tmp_path / "bad.json")


# ----------------------------------------------------------------------------- toy sets
def test_make_celsius():
    c, f = D.make_celsius()
    assert c.shape == (4, 1) and c.dtype == np.float32
    assert c[:, 0].tolist() == [0, 8, 15, 22]
    np.testing.assert_allclose(f[:, 0], [32, 46.4, 59, 71.6], rtol=1e-6)
    c, f = D.make_celsius(50, random_state=1)
    np.testing.assert_allclose(f, 1.8 * c + 32, rtol=1e-5)
    c2, _ = D.make_celsius(50, random_state=1)
    np.testing.assert_array_equal(c, c2)


@pytest.mark.parametrize("make", [D.make_blobs, D.make_moons, D.make_circles, D.make_xor])
def test_toy_shapes_and_seed(make):
    x, y = make(n_samples=40, random_state=3)
    assert x.shape == (40, 2) and x.dtype == np.float32 and y.shape == (40,)
    assert y.dtype == np.int64
    x2, y2 = make(n_samples=40, random_state=3)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    x3, _ = make(n_samples=40, random_state=4)
    if make is not D.make_xor:              # noise-free xor is the same corners in a new order
        assert not np.array_equal(x, x3)


def test_toy_geometry():
    x, y = D.make_xor()
    assert x.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and y.tolist() == [0, 1, 1, 0]
    x, y = D.make_circles(100, factor=0.5, random_state=0)
    r = np.linalg.norm(x, axis=1)
    np.testing.assert_allclose(r[y == 0], 1, rtol=1e-5)
    np.testing.assert_allclose(r[y == 1], 0.5, rtol=1e-5)
    assert np.bincount(D.make_blobs(90, centers=3, random_state=0)[1]).tolist() == [30, 30, 30]


# ----------------------------------------------------------------------------- splits
def test_train_val_test_split():
    x = np.arange(200).reshape(100, 2)
    y = np.arange(100) % 4
    (xtr, ytr), (xva, yva), (xte, yte) = D.train_val_test_split(x, y, random_state=0)
    assert (len(xtr), len(xva), len(xte)) == (70, 15, 15)
    ids = np.concatenate([xtr[:, 0], xva[:, 0], xte[:, 0]]) // 2
    assert sorted(ids.tolist()) == list(range(100))              # disjoint and complete
    np.testing.assert_array_equal(ytr, (xtr[:, 0] // 2) % 4)     # rows stay paired
    again = D.train_val_test_split(x, y, random_state=0)
    np.testing.assert_array_equal(again[0][0], xtr)
    other = D.train_val_test_split(x, y, random_state=1)
    assert not np.array_equal(other[0][0], xtr)
    with pytest.raises(ValueError):
        D.train_val_test_split(x, y, ratios=(0.5, 0.2, 0.2))


def test_stratified_split_keeps_proportions():
    y = np.array([0] * 80 + [1] * 20)
    x = np.arange(100)
    parts = D.train_val_test_split(x, y, stratify=True, random_state=2)
    for (xp, yp), n in zip(parts, (70, 15, 15)):
        assert len(yp) == n
        assert abs(np.mean(yp == 1) - 0.2) <= 1 / n + 1e-9
    assert np.bincount(parts[0][1]).tolist() == [56, 14]
    assert sorted(np.concatenate([p[0] for p in parts]).tolist()) == list(range(100))


@pytest.mark.parametrize("cls", [D.KFold, D.StratifiedKFold])
@pytest.mark.parametrize("shuffle", [False, True])
def test_kfold_partitions(cls, shuffle):
    x = np.zeros((23, 1))
    y = np.array([0] * 15 + [1] * 8)
    folds = list(cls(5, shuffle=shuffle, random_state=0).split(x, y))
    assert len(folds) == 5
    tests = np.concatenate([t for _, t in folds])
    assert sorted(tests.tolist()) == list(range(23))            # every sample tested once
    for train, test in folds:
        assert sorted(np.concatenate([train, test]).tolist()) == list(range(23))
        assert len(test) in (4, 5)
        if cls is D.StratifiedKFold:
            assert np.sum(y[test] == 1) in (1, 2)
    with pytest.raises(ValueError):
        list(cls(30).split(x, y))


@pytest.mark.parametrize("shuffle", [False, True])
def test_stratified_kfold_spreads_each_class(shuffle):
    y = (np.arange(25) % 5 == 0).astype(int)       # 5 positives that plain i % 5 would bunch
    x = np.zeros((25, 1))
    for _, test in D.StratifiedKFold(5, shuffle=shuffle, random_state=0).split(x, y):
        assert np.bincount(y[test], minlength=2).tolist() == [4, 1]
    with pytest.raises(ValueError):
        list(D.StratifiedKFold(5).split(x))          # labels are required


# ----------------------------------------------------------------------------- preprocessing
def test_standard_scaler_train_only_nan_aware():
    train = np.array([[1.0, 10.0], [3.0, np.nan], [5.0, 30.0]])
    s = D.StandardScaler().fit(train)
    np.testing.assert_allclose(s.mean_, [3.0, 20.0])
    np.testing.assert_allclose(s.scale_, [np.sqrt(8 / 3), 10.0])
    z = s.transform(np.array([[3.0, 40.0], [np.nan, 20.0]]))    # test set: train statistics
    np.testing.assert_allclose(z[0], [0.0, 2.0])
    assert np.isnan(z[1, 0]) and z[1, 1] == 0
    np.testing.assert_allclose(s.inverse_transform(s.transform(train)), train)
    with pytest.raises(RuntimeError):
        D.StandardScaler().transform(train)
    with pytest.raises(ValueError):
        s.transform(np.zeros((2, 3)))


def test_minmax_scaler():
    train = np.array([[0.0, -1.0], [10.0, np.nan], [5.0, 1.0]])
    m = D.MinMaxScaler((-1, 1)).fit(train)
    np.testing.assert_allclose(m.transform(np.array([[0.0, -1.0], [20.0, 0.0]])),
                               [[-1, -1], [3, 0]])
    np.testing.assert_allclose(m.inverse_transform(m.transform(train)), train)


@pytest.mark.parametrize("strategy, expected", [
    ("mean", [2.0, 5.0]), ("median", [1.5, 5.0]), ("most_frequent", [1.0, 4.0]),
    ("constant", [-1.0, -1.0])])
def test_simple_imputer(strategy, expected):
    # column 0: 1, 1, 2, 4 observed; column 1: 4, 6, 4, 6 (a tie: the smaller is most frequent)
    train = np.array([[1.0, 4.0], [1.0, np.nan], [2.0, 6.0], [np.nan, 4.0], [4.0, 6.0]])
    imp = D.SimpleImputer(strategy, fill_value=-1).fit(train)
    np.testing.assert_allclose(imp.statistics_, expected)
    out = imp.transform(np.array([[np.nan, np.nan], [7.0, 8.0]]))
    np.testing.assert_allclose(out, [expected, [7.0, 8.0]])


# ----------------------------------------------------------------------------- imbalance
def test_class_weights_and_resampling():
    y = np.array([0] * 6 + [1] * 3 + [2] * 1)
    np.testing.assert_allclose(D.class_weights(y), [10 / 18, 10 / 9, 10 / 3])
    x = np.arange(10)[:, None] * 10
    xo, yo = D.oversample(x, y, random_state=0)
    assert np.bincount(yo).tolist() == [6, 6, 6]
    np.testing.assert_array_equal(y[xo[:, 0] // 10], yo)          # pairs kept
    assert set((xo[:, 0] // 10).tolist()) == set(range(10))       # every original kept
    xu, yu = D.undersample(x, y, random_state=0)
    assert np.bincount(yu).tolist() == [1, 1, 1]
    np.testing.assert_array_equal(y[xu[:, 0] // 10], yu)
    assert len(set((xu[:, 0] // 10).tolist())) == 3
    with pytest.raises(ValueError):
        D.class_weights([0, 2])                                  # class 1 has no samples


# ----------------------------------------------------------------------------- augmentation
def images(n=6, c=2, h=8, w=8, seed=0):
    return np.random.default_rng(seed).random((n, c, h, w)).astype(np.float32)


@pytest.mark.parametrize("make", [
    lambda s: D.RandomShift(2, random_state=s), lambda s: D.RandomCrop(padding=2, random_state=s),
    lambda s: D.RandomHorizontalFlip(random_state=s), lambda s: D.RandomVerticalFlip(random_state=s),
    lambda s: D.GaussianNoise(0.1, random_state=s), lambda s: D.Cutout(3, random_state=s)])
def test_transform_shape_seed_no_mutation(make):
    x = images()
    before = x.copy()
    a, b = make(5)(x), make(5)(x)
    assert a.shape == x.shape and a.dtype == x.dtype
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(x, before)
    assert make(5)(x[0]).shape == x[0].shape                       # a single image
    assert not np.array_equal(make(5)(images(n=40)), images(n=40))  # it does change something


def test_flip_is_exact():
    x = images()
    np.testing.assert_array_equal(D.RandomHorizontalFlip(p=1.0)(x), x[..., ::-1])
    np.testing.assert_array_equal(D.RandomVerticalFlip(p=1.0)(x), x[..., ::-1, :])
    np.testing.assert_array_equal(D.RandomHorizontalFlip(p=0.0)(x), x)
    out = D.RandomHorizontalFlip(p=0.5, random_state=1)(x)
    for o, i in zip(out, x):
        assert np.array_equal(o, i) or np.array_equal(o, i[..., ::-1])


def test_shift_moves_content():
    x = np.zeros((50, 1, 8, 8), np.float32)
    x[:, 0, 4, 4] = 1.0
    out = D.RandomShift(2, random_state=0)(x)
    assert (out.sum(axis=(1, 2, 3)) == 1).all()                 # one pixel, moved ≤ 2
    r, c = np.nonzero(out[:, 0])[1:]
    assert np.abs(r - 4).max() <= 2 and np.abs(c - 4).max() <= 2
    assert len(set(zip(r.tolist(), c.tolist()))) > 1
    assert D.RandomCrop(size=5, random_state=0)(x).shape == (50, 1, 5, 5)


def test_noise_statistics():
    x = np.full((20, 1, 32, 32), 0.5, np.float32)
    n = D.GaussianNoise(0.1, clip=None, random_state=0)(x) - x
    assert abs(n.mean()) < 0.005 and abs(n.std() - 0.1) < 0.005
    clipped = D.GaussianNoise(1.0, random_state=0)(x)
    assert clipped.min() == 0.0 and clipped.max() == 1.0


def test_cutout_zeroes_a_patch():
    x = np.ones((30, 3, 10, 10), np.float32)
    out = D.Cutout(4, random_state=0)(x)
    zero = out == 0
    assert (zero == zero[:, :1]).all()                           # all channels alike
    per_image = zero[:, 0].sum(axis=(1, 2))
    assert (per_image >= 4).all() and (per_image <= 16).all() and (per_image == 16).any()
    for z in zero[:, 0]:                                         # the zeros form a rectangle
        rows, cols = np.nonzero(z.any(1))[0], np.nonzero(z.any(0))[0]
        assert z.sum() == len(rows) * len(cols)
    assert (out[~zero] == 1).all()


def test_compose_and_normalize():
    x = images()
    t = D.Compose([D.RandomHorizontalFlip(p=1.0), D.Normalize([0.5, 0.5], [0.25, 0.5])])
    out = t(x)
    np.testing.assert_allclose(out[:, 0], (x[..., ::-1][:, 0] - 0.5) / 0.25, rtol=1e-6)
    np.testing.assert_allclose(out[:, 1], (x[..., ::-1][:, 1] - 0.5) / 0.5, rtol=1e-6)
    with pytest.raises(TypeError):
        D.Compose([1])


# ----------------------------------------------------------------------------- loader
def test_tensor_dataset():
    x, y = np.arange(10).reshape(5, 2), np.arange(5)
    ds = D.TensorDataset(x, y)
    assert len(ds) == 5 and ds[3][0].tolist() == [6, 7] and ds[3][1] == 3
    with pytest.raises(ValueError):
        D.TensorDataset(x, np.arange(4))


@pytest.mark.parametrize("drop_last, sizes", [(False, [4, 4, 2]), (True, [4, 4])])
def test_dataloader_batches(drop_last, sizes):
    x, y = np.arange(20).reshape(10, 2), np.arange(10)
    dl = D.DataLoader((x, y), batch_size=4, drop_last=drop_last)
    batches = list(dl)
    assert len(dl) == len(sizes) and [len(b[1]) for b in batches] == sizes
    assert np.concatenate([b[1] for b in batches]).tolist() == list(range(sum(sizes)))
    for bx, by in batches:
        np.testing.assert_array_equal(bx[:, 0], 2 * by)
    assert [len(b[0]) for b in D.DataLoader((x, y), batch_size=None)] == [10]
    with pytest.raises(ValueError):
        D.DataLoader((x, y), batch_size=0)


def test_dataloader_shuffle():
    x, y = np.arange(11)[:, None], np.arange(11)
    dl = D.DataLoader((x, y), batch_size=3, shuffle=True, seed=7)
    epoch1 = np.concatenate([b[1] for b in dl])
    epoch2 = np.concatenate([b[1] for b in dl])
    assert sorted(epoch1.tolist()) == list(range(11)) == sorted(epoch2.tolist())
    assert not np.array_equal(epoch1, epoch2)                    # a new order each epoch
    assert not np.array_equal(epoch1, np.arange(11))
    again = D.DataLoader((x, y), batch_size=3, shuffle=True, seed=7)
    np.testing.assert_array_equal(np.concatenate([b[1] for b in again]), epoch1)
    for bx, by in D.DataLoader((x, y), batch_size=3, shuffle=True, seed=1):
        np.testing.assert_array_equal(bx[:, 0], by)


def test_dataloader_transform_and_item_dataset():
    x = images(n=5)
    dl = D.DataLoader((x, np.arange(5)), batch_size=2,
                      transform=D.RandomHorizontalFlip(p=1.0))
    np.testing.assert_array_equal(next(iter(dl))[0], x[:2, ..., ::-1])

    class Items:
        def __len__(self):
            return 5

        def __getitem__(self, i):
            if not isinstance(i, int):
                raise TypeError
            return np.full(3, i), i
    batches = list(D.DataLoader(Items(), batch_size=2))
    assert [b[1].tolist() for b in batches] == [[0, 1], [2, 3], [4]]
    assert batches[1][0].tolist() == [[2, 2, 2], [3, 3, 3]]
