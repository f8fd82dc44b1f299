"""``engine.data``: loading, splitting, preprocessing, resampling, augmenting and batching data.

- files: ``read_idx``/``write_idx`` (IDX), ``load_mnist``, ``load_fashion_mnist``,
  ``load_csv``, ``load_json``
- bundled tabular sets (shipped in the package, checksum-verified): ``load_iris``,
  ``load_breast_cancer``, ``load_wine``, ``load_diabetes``, ``load_digits`` → ``(X, y)``
  (``return_names=True``: a ``Bunch`` with ``feature_names``, ``target_names``)
- toy sets: ``make_xor, make_blobs, make_moons, make_circles, make_celsius``
- splits: ``train_val_test_split``, ``KFold``, ``StratifiedKFold``
- preprocessing: ``StandardScaler``, ``MinMaxScaler``, ``SimpleImputer``
- imbalance: ``class_weights``, ``oversample``, ``undersample``
- augmentation (NumPy batches N, C, H, W): ``Compose``, ``RandomShift``, ``RandomCrop``,
  ``RandomHorizontalFlip``, ``RandomVerticalFlip``, ``GaussianNoise``, ``Cutout``, ``Normalize``
- batching: ``TensorDataset``, ``DataLoader``
"""
from .bundled import (Bunch, load_breast_cancer, load_diabetes, load_digits, load_iris,
                      load_wine)
from .idx import read_idx, write_idx
from .loader import DataLoader, TensorDataset
from .mnist import FASHION_MNIST_CLASSES, load_fashion_mnist, load_mnist
from .preprocessing import MinMaxScaler, SimpleImputer, StandardScaler
from .sampling import class_weights, oversample, undersample
from .split import KFold, StratifiedKFold, train_val_test_split
from .tabular import Table, load_csv, load_json
from .toy import make_blobs, make_celsius, make_circles, make_moons, make_xor
from .transforms import (Compose, Cutout, GaussianNoise, Normalize, RandomCrop,
                         RandomHorizontalFlip, RandomOcclusion, RandomShift, RandomVerticalFlip,
                         Transform)

__all__ = [
    "read_idx", "write_idx", "load_mnist", "load_fashion_mnist", "FASHION_MNIST_CLASSES",
    "load_csv", "load_json", "Table",
    "load_iris", "load_breast_cancer", "load_wine", "load_diabetes", "load_digits", "Bunch",
    "make_xor", "make_blobs", "make_moons", "make_circles", "make_celsius",
    "train_val_test_split", "KFold", "StratifiedKFold",
    "StandardScaler", "MinMaxScaler", "SimpleImputer",
    "class_weights", "oversample", "undersample",
    "Transform", "Compose", "RandomShift", "RandomCrop", "RandomHorizontalFlip",
    "RandomVerticalFlip", "GaussianNoise", "Cutout", "RandomOcclusion", "Normalize",
    "TensorDataset", "DataLoader",
]
