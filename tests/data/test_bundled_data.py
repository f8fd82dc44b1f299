"""The tabular sets bundled in the package: shapes, labels, names, and their checksums."""
import hashlib
from pathlib import Path

import numpy as np
import pytest

import engine.data as D
from engine.data import bundled

SHARED_TABULAR = Path(__file__).resolve().parents[3] / "shared" / "data" / "tabular"

# name: (loader, n_samples, n_features, class counts in label order, or None for regression)
SETS = {
    "iris": (D.load_iris, 150, 4, [50, 50, 50]),
    "breast_cancer": (D.load_breast_cancer, 569, 30, [212, 357]),
    "wine": (D.load_wine, 178, 13, [59, 71, 48]),
    "diabetes": (D.load_diabetes, 442, 10, None),
    "digits": (D.load_digits, 1797, 64, None),
}


@pytest.mark.parametrize("name", sorted(SETS))
def test_shapes_dtypes_and_labels(name):
    load, n, d, counts = SETS[name]
    X, y = load()
    assert X.shape == (n, d) and X.dtype == np.float32 and y.shape == (n,)
    assert np.isfinite(X).all()
    if name == "diabetes":
        assert y.dtype == np.float32 and 25 <= y.min() and y.max() <= 346
    else:
        assert y.dtype == np.int64
    if counts is not None:
        assert np.bincount(y).tolist() == counts
    names = load(return_names=True)
    assert len(names.feature_names) == d and names.X.shape == (n, d)
    np.testing.assert_array_equal(names.y, y)
    X2, y2 = names                                  # a Bunch unpacks like the plain return value
    np.testing.assert_array_equal(X2, X)
    if name == "diabetes":
        assert names.target_names is None
    else:
        assert len(names.target_names) == int(y.max()) + 1


def test_names_and_values_match_the_files():
    iris = D.load_iris(return_names=True)
    assert iris.feature_names == ("sepal_length", "sepal_width", "petal_length", "petal_width")
    assert iris.target_names == ("setosa", "versicolor", "virginica")
    np.testing.assert_allclose(iris.X[0], [5.1, 3.5, 1.4, 0.2], rtol=1e-6)
    cancer = D.load_breast_cancer(return_names=True)
    assert cancer.target_names == ("malignant", "benign") and cancer.y[0] == 0     # first row malignant
    assert cancer.feature_names[0] == "mean_radius"
    digits = D.load_digits()[0]
    assert digits.min() == 0 and digits.max() == 16


def test_digits_counts():
    _, y = D.load_digits()
    counts = np.bincount(y)
    assert len(counts) == 10 and counts.sum() == 1797 and counts.min() >= 170


def test_returned_arrays_are_copies():
    X, _ = D.load_iris()
    X[:] = 0
    assert D.load_iris()[0].max() > 0


def test_bundled_checksum_table_matches_the_package_files():
    for filename, digest in bundled.CHECKSUMS.items():
        assert hashlib.sha256(bundled.data_path(filename).read_bytes()).hexdigest() == digest


@pytest.mark.skipif(not (SHARED_TABULAR / "SHA256SUMS").exists(),
                    reason=f"{SHARED_TABULAR}/SHA256SUMS absent (the shared/ folder beside the repository, "
                           "as CI lays it out): the bundled copies are still checked against the "
                           "package's own table")
def test_bundled_copies_match_the_published_checksums():
    published = {}
    for line in (SHARED_TABULAR / "SHA256SUMS").read_text().splitlines():
        if line.strip():
            digest, filename = line.split()
            published[filename.lstrip("*")] = digest
    assert set(published) == set(bundled.CHECKSUMS)
    for filename, digest in published.items():
        assert bundled.CHECKSUMS[filename] == digest
        assert hashlib.sha256(bundled.data_path(filename).read_bytes()).hexdigest() == digest


def test_a_damaged_copy_is_refused(tmp_path, monkeypatch):
    damaged = bundled.data_path("iris.csv").read_text().replace("5.1", "5.2", 1)
    (tmp_path / "iris.csv").write_text(damaged)
    monkeypatch.setattr(bundled, "_FOLDER", tmp_path)
    monkeypatch.setattr(bundled, "_CACHE", {})
    with pytest.raises(ValueError, match="SHA-256"):
        D.load_iris()
    (tmp_path / "iris.csv").unlink()
    with pytest.raises(FileNotFoundError, match="iris.csv"):
        D.load_iris()


def test_bad_arguments():
    with pytest.raises(TypeError, match="return_names"):
        D.load_wine(return_names="yes")
    with pytest.raises(ValueError, match="bundled files"):
        bundled.data_path("titanic.csv")
