"""The small tabular sets shipped inside the package, so the course runs offline.

``load_iris()``, ``load_breast_cancer()``, ``load_wine()``, ``load_diabetes()``, ``load_digits()``
return ``(X, y)``: ``X`` float32 of shape (n_samples, n_features); ``y`` int64 class labels
(float32 for the regression target of ``diabetes``). With ``return_names=True`` they return a
``Bunch`` instead, whose ``X, y, feature_names, target_names`` (``None`` for diabetes) and
``description`` are attributes (and it unpacks as ``X, y`` too)::

    X, y = load_iris()
    iris = load_iris(return_names=True)
    iris.feature_names   # ('sepal_length', 'sepal_width', 'petal_length', 'petal_width')
    iris.target_names    # ('setosa', 'versicolor', 'virginica'): y == 0 is setosa

Class labels are numbered in the order of ``target_names`` (for ``breast_cancer``: 0 malignant,
1 benign, as scikit-learn numbers them). The CSV copies in ``engine/data/tabular_sets/`` are checked
against the SHA-256 sums in ``CHECKSUMS`` each time one is read, so a damaged copy is never used.
Sources and licences (all CC BY 4.0 via the UCI repository, except diabetes: Efron et al. 2004) are
in ``SOURCES``.
"""
import csv
import hashlib
import io
from pathlib import Path

import numpy as np

_FOLDER = Path(__file__).resolve().parent / "tabular_sets"

CHECKSUMS = {
    "breast_cancer.csv": "518936fa92ca3d8a78c420aee22030c4e519ffcba3be15dd23e83f2fc22e20e5",
    "diabetes.csv": "9193026b7622ff944f0a6855a10107b24caf50dad69787c46e6890e69c27faca",
    "digits.csv": "ba6ee5aa91a99912e5e4e601339a3d45bb1c136a5df153daf68d7a8e45a04ce5",
    "iris.csv": "9cc1c345c71bcc9b486b74cbf6063fa66f4bb5e0f603a4b3c3471ec2e5e8e355",
    "wine.csv": "0b1878a85c7319cb85c8f5eed4731bac48b130b99bb19169c8ac7f55fbc984f7",
}

SOURCES = {
    "iris": "Fisher's Iris data (R. A. Fisher, 1936); UCI Machine Learning Repository, CC BY 4.0",
    "breast_cancer": "Breast Cancer Wisconsin (Diagnostic) (W. Wolberg, W. Street, O. Mangasarian, "
                     "1995); UCI Machine Learning Repository, CC BY 4.0",
    "wine": "Wine recognition (M. Forina et al., 1991); UCI Machine Learning Repository, CC BY 4.0",
    "diabetes": "Diabetes progression (B. Efron, T. Hastie, I. Johnstone, R. Tibshirani, "
                "'Least Angle Regression', 2004), raw unscaled features",
    "digits": "Optical recognition of handwritten digits (E. Alpaydin, C. Kaynak, 1998); "
              "UCI Machine Learning Repository, CC BY 4.0",
}

# name -> (label column, class names in label order, or None for a regression target)
_SPECS = {
    "iris": ("species", ("setosa", "versicolor", "virginica")),
    "breast_cancer": ("diagnosis", ("malignant", "benign")),
    "wine": ("cultivar", ("class_0", "class_1", "class_2")),
    "diabetes": ("progression", None),
    "digits": ("digit", tuple(str(d) for d in range(10))),
}


class Bunch(dict):
    """A dict whose keys are also attributes; unpacks as ``X, y`` like the plain return value."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __iter__(self):  # X, y = load_iris(return_names=True) works too
        return iter((self["X"], self["y"]))


def data_path(filename):
    """Path of a bundled CSV file (e.g. ``"iris.csv"``)."""
    if filename not in CHECKSUMS:
        raise ValueError(f"no bundled file {filename!r}; the bundled files are {', '.join(sorted(CHECKSUMS))}")
    return _FOLDER / filename


def _read_verified(filename):
    path = data_path(filename)
    if not path.is_file():
        raise FileNotFoundError(f"bundled data file missing: {path} (reinstall the package)")
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != CHECKSUMS[filename]:
        raise ValueError(f"{path}: SHA-256 {digest} does not match the expected {CHECKSUMS[filename]}; "
                         "the bundled copy is damaged (reinstall the package)")
    return raw.decode("utf-8")


_CACHE = {}


def _load(name, return_names):
    if name not in _CACHE:
        label, classes = _SPECS[name]
        rows = list(csv.reader(io.StringIO(_read_verified(name + ".csv"))))
        header, body = rows[0], [r for r in rows[1:] if r]
        j = header.index(label)
        features = tuple(h for i, h in enumerate(header) if i != j)
        X = np.array([[float(v) for i, v in enumerate(r) if i != j] for r in body], dtype=np.float32)
        if classes is None:
            y = np.array([float(r[j]) for r in body], dtype=np.float32)
        else:
            index = {c: k for k, c in enumerate(classes)}
            try:
                y = np.array([index[r[j]] for r in body], dtype=np.int64)
            except KeyError as exc:
                raise ValueError(f"{name}.csv: unexpected label {exc.args[0]!r} in column {label!r} "
                                 f"(expected one of {classes})") from None
        _CACHE[name] = (X, y, features, classes)
    X, y, features, classes = _CACHE[name]
    X, y = X.copy(), y.copy()
    if not return_names:
        return X, y
    return Bunch(X=X, y=y, feature_names=features, target_names=classes,
                 target_column=_SPECS[name][0], description=SOURCES[name])


def _check_flag(return_names):
    if not isinstance(return_names, (bool, np.bool_)):
        raise TypeError(f"return_names must be True or False, got {type(return_names).__name__}")


def load_iris(return_names=False):
    """Fisher's Iris: 150 flowers, 4 features (cm), 3 species (50 each). ``(X, y)`` or a ``Bunch``."""
    _check_flag(return_names)
    return _load("iris", return_names)


def load_breast_cancer(return_names=False):
    """Breast Cancer Wisconsin (Diagnostic): 569 tumours, 30 features; y = 0 malignant (212),
    1 benign (357): binary and imbalanced. ``(X, y)`` or a ``Bunch``."""
    _check_flag(return_names)
    return _load("breast_cancer", return_names)


def load_wine(return_names=False):
    """Wine recognition: 178 wines, 13 chemical features, 3 cultivars (59/71/48): the small set
    for k-fold cross-validation. ``(X, y)`` or a ``Bunch``."""
    _check_flag(return_names)
    return _load("wine", return_names)


def load_diabetes(return_names=False):
    """Diabetes progression: 442 patients, 10 raw baseline features (age, sex, bmi, bp, s1…s6);
    y (float32) = disease progression one year later (25…346). ``(X, y)`` or a ``Bunch``."""
    _check_flag(return_names)
    return _load("diabetes", return_names)


def load_digits(return_names=False):
    """Handwritten digits, 8×8: 1797 images as 64 columns (row by row) with values 0…16; y = digit
    0…9. Reshape with ``X.reshape(-1, 1, 8, 8)``. ``(X, y)`` or a ``Bunch``."""
    _check_flag(return_names)
    return _load("digits", return_names)
