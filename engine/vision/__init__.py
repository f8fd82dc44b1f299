"""``engine.vision``: the parts of torchvision a first course uses, with torchvision's names.

* ``datasets.MNIST``, ``datasets.FashionMNIST``: the IDX files of ``engine.data.mnist``
  (found in torchvision's ``<root>/MNIST/raw`` layout, the engine's own, ``$ENGINE_DATA``, or
  downloaded with checksum verification), samples as ``(image, label)``;
* ``transforms``: ``ToTensor``, ``Normalize``, ``Compose``, ``RandomCrop``,
  ``RandomHorizontalFlip``, ``RandomRotation``, ``RandomAffine``, ``Lambda``;
* ``utils.make_grid`` and ``utils.save_image``.

Where torchvision hands out PIL images, these hand out NumPy ``uint8`` arrays (H, W) or
(H, W, C); ``ToTensor`` turns either into a float tensor (C, H, W) in [0, 1].  A dataset whose
transforms all work on whole batches (every one here does) is read a batch at a time by
``engine.utils.data.DataLoader``.
"""
from . import datasets, transforms, utils

__all__ = ["datasets", "transforms", "utils"]
