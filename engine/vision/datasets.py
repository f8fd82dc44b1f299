"""torchvision-style datasets: ``MNIST`` and ``FashionMNIST``.

``MNIST(root, train=True, transform=None, target_transform=None, download=False)`` looks for the
four IDX files (``.gz`` or not), in order, in:

1. ``<root>/MNIST/raw`` (torchvision's layout; ``<root>/FashionMNIST/raw`` for Fashion-MNIST),
   ``<root>/mnist`` (the engine's own folder name; ``fashion-mnist``) and ``<root>`` itself;
2. ``$ENGINE_DATA/mnist`` (``fashion-mnist``), then the engine's cache (``~/.cache/engine``);
3. with ``download=True``, downloads them into ``<root>/MNIST/raw``, each file kept only if its
   published checksum matches (``engine.data.mnist.fetch``).

``dataset[i]`` is ``(image, label)``: the image a uint8 array (28, 28) through ``transform``,
the label an int through ``target_transform``.  ``dataset[index_array]`` (or a slice) gives a
whole batch, ``(images, labels)``, when the transforms work on batches.
"""
import os
from pathlib import Path

import numpy as np

from ..data import mnist as _mnist

__all__ = ["MNIST", "FashionMNIST"]


class MNIST:
    """The MNIST digits: 60 000 training images (``train=True``) or 10 000 test images."""

    engine_name = "mnist"       # the engine's folder and engine.data.mnist's key
    folder = "MNIST"            # torchvision's
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six",
               "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        self.root = Path(os.path.expanduser(str(root)))
        self.train = bool(train)
        self.transform, self.target_transform = transform, target_transform
        folder = self._find()
        raw_dir = self.root / self.folder / "raw"
        if folder is None:
            if download:
                raw_dir.mkdir(parents=True, exist_ok=True)
            try:
                folder = _mnist.locate(self.engine_name, None, download, cache_dir=raw_dir)
            except FileNotFoundError as exc:
                hint = "" if download else " (pass download=True to fetch them)"
                raise FileNotFoundError(f"{type(self).__name__}: no data set found in {root} "
                                        f"or $ENGINE_DATA{hint}.\n{exc}") from None
        (train_x, train_y), (test_x, test_y) = _mnist.load_raw(self.engine_name, folder)
        self.data, labels = (train_x, train_y) if self.train else (test_x, test_y)
        self.targets = labels.astype(np.int64)
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    def _find(self):
        candidates = [self.root / self.folder / "raw", self.root / self.engine_name, self.root]
        env = os.environ.get("ENGINE_DATA")
        if env:
            candidates.append(Path(env) / _mnist.DATASETS[self.engine_name]["folder"])
        candidates.append(_mnist.default_cache_dir() / _mnist.DATASETS[self.engine_name]["folder"])
        return next((c for c in candidates if _mnist._complete(c)), None)

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        if isinstance(index, (int, np.integer)):
            image, label = self.data[index], int(self.targets[index])
            if self.transform is not None:
                image = self.transform(image)
            if self.target_transform is not None:
                label = self.target_transform(label)
            return image, label
        # a batch (slice or index array): every transform must work on batches
        images = self.data[index][:, None]                  # (N, 1, 28, 28) uint8
        if self.transform is not None:
            if not hasattr(self.transform, "batch"):
                raise TypeError(f"{self.transform!r} works on single samples only")
            images = self.transform.batch(images)
        if self.target_transform is not None:
            raise TypeError("target_transform works on single labels only")
        return images, self.targets[index]

    def __repr__(self):
        split = "Train" if self.train else "Test"
        return (f"Dataset {type(self).__name__}\n    Number of datapoints: {len(self)}\n"
                f"    Root location: {self.root}\n    Split: {split}")


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: the same layout as MNIST, ten kinds of clothing."""

    engine_name = "fashion-mnist"
    folder = "FashionMNIST"
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]
