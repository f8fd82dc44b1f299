"""MNIST and Fashion-MNIST: four IDX files each, found locally or downloaded and verified.

Where the files are looked for, in order:

1. ``path=`` given to the loader (a folder holding the four files, .gz or uncompressed);
2. ``$ENGINE_DATA/mnist`` (``$ENGINE_DATA/fashion-mnist``);
3. the cache ``~/.cache/engine/mnist`` (``$XDG_CACHE_HOME/engine/...``), filled on first use by
   a download from the mirrors below. Each file goes to a temporary name and is renamed only
   after its MD5 (and, for MNIST, SHA-256) matches the published checksum.
"""
import hashlib
import os
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

from ..io import atomic_write
from .idx import read_idx

_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
          "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")

DATASETS = {
    "mnist": {
        "folder": "mnist",
        "mirrors": ("https://ossci-datasets.s3.amazonaws.com/mnist/",
                    "https://storage.googleapis.com/cvdf-datasets/mnist/"),
        "md5": dict(zip(_FILES, ("f68b3c2dcbeaaa9fbdd348bbdeb94873",
                                 "d53e105ee54ea40749a09fcbcd1e9432",
                                 "9fb629c4189551a2d022fa330f9573f3",
                                 "ec29112dd5afa0611ce80d1b7f02629c"))),
        "sha256": dict(zip(_FILES, (
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"))),
    },
    "fashion-mnist": {
        "folder": "fashion-mnist",
        "mirrors": ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
        "md5": dict(zip(_FILES, ("8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                                 "25c81989df183df01b3e8a0aad5dffbe",
                                 "bef4ecab320f06d8554ea6380940ec79",
                                 "bb300cfdad3c16e7a12a480ee83cd310"))),
        "sha256": {},
    },
}


def default_cache_dir():
    """``$XDG_CACHE_HOME/engine`` or ``~/.cache/engine``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "engine"


def fetch(url, dest, md5=None, sha256=None, timeout=30.0):
    """Download ``url`` to ``dest``, verifying the checksums before the file appears.

    The bytes are hashed as they arrive and written atomically (``engine.io.atomic_write``):
    only when the MD5/SHA-256 match does ``dest`` appear (so an interrupted or corrupted
    download never looks like a good file).
    Raises ``OSError`` for network errors and ``ValueError`` for a checksum mismatch.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    expected = {algorithm: digest for algorithm, digest in (("md5", md5), ("sha256", sha256))
                if digest}
    hashes = {algorithm: hashlib.new(algorithm) for algorithm in expected}
    with urllib.request.urlopen(url, timeout=timeout) as response, atomic_write(dest) as f:
        for block in iter(lambda: response.read(1 << 20), b""):
            f.write(block)
            for h in hashes.values():
                h.update(block)
        for algorithm, digest in expected.items():
            if hashes[algorithm].hexdigest() != digest.lower():
                raise ValueError(f"{url}: {algorithm} checksum mismatch (expected {digest}); "
                                 "the download is corrupt or not the published file")
    return dest


def _find_file(folder, stem):
    for name in (stem + ".gz", stem):
        if (Path(folder) / name).is_file():
            return Path(folder) / name
    return None


def _complete(folder):
    return folder is not None and all(_find_file(folder, s) for s in _FILES)


def _download(spec, cache, mirrors, timeout):
    errors = []
    for stem in _FILES:
        if _find_file(cache, stem):
            continue
        for mirror in mirrors:
            url = mirror.rstrip("/") + "/" + stem + ".gz"
            try:
                fetch(url, cache / (stem + ".gz"), md5=spec["md5"][stem],
                      sha256=spec["sha256"].get(stem), timeout=timeout)
                break
            except (OSError, ValueError, urllib.error.URLError) as exc:
                errors.append(f"{url}: {exc}")
        else:
            return errors
    return []


def locate(name="mnist", path=None, download=True, cache_dir=None, mirrors=None, timeout=30.0):
    """The folder holding the four files of ``name`` ("mnist" or "fashion-mnist").

    Looks in ``path``, ``$ENGINE_DATA/<name>``, the cache; downloads into the cache if allowed.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; known: {sorted(DATASETS)}")
    spec = DATASETS[name]
    if path is not None:
        if not _complete(path):
            missing = [s for s in _FILES if not _find_file(path, s)]
            raise FileNotFoundError(f"{name}: {path} lacks " + ", ".join(m + "[.gz]" for m in missing))
        return Path(path)
    env = os.environ.get("ENGINE_DATA")
    if env and _complete(Path(env) / spec["folder"]):
        return Path(env) / spec["folder"]
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir() / spec["folder"]
    if _complete(cache):
        return cache
    errors = ["downloads disabled (download=False)"]
    if download:
        errors = _download(spec, cache, mirrors or spec["mirrors"], timeout)
        if not errors:
            return cache
    where = f"$ENGINE_DATA/{spec['folder']}" + ("" if env is None else f" (= {env}/{spec['folder']})")
    raise FileNotFoundError(
        f"{name} files not found and could not be downloaded.\n"
        f"Put the four files {', '.join(s + '.gz' for s in _FILES)} in one of:\n"
        f"  - a folder passed as path=...\n  - {where}\n  - {cache}\n"
        "Download errors:\n  " + "\n  ".join(errors))


def load_raw(name="mnist", path=None, download=True, cache_dir=None, mirrors=None, timeout=30.0):
    """The files of ``name`` as they are: ``(train_images, train_labels), (test_images,
    test_labels)``, images uint8 (N, H, W), labels uint8 (N,) (found as ``locate`` says)."""
    folder = locate(name, path, download, cache_dir, mirrors, timeout)
    arrays = [read_idx(_find_file(folder, stem)) for stem in _FILES]
    for images, labels, stem in ((arrays[0], arrays[1], _FILES[0]), (arrays[2], arrays[3], _FILES[2])):
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ValueError(f"{folder}/{stem}: expected images (N, H, W) and labels (N,), got "
                             f"{images.shape} and {labels.shape}")
        if images.dtype != np.uint8 or labels.dtype != np.uint8:
            raise ValueError(f"{folder}/{stem}: expected uint8 images and labels, got "
                             f"{images.dtype} and {labels.dtype}")
        if labels.size and labels.max() > 9:
            raise ValueError(f"{folder}/{stem}: labels must be 0..9, found {int(labels.max())}")
    return (arrays[0], arrays[1]), (arrays[2], arrays[3])


def _load(name, path, download, flatten, cache_dir, mirrors, timeout):
    out = []
    for images, labels in load_raw(name, path, download, cache_dir, mirrors, timeout):
        x = images.astype(np.float32)
        x *= np.float32(1 / 255)                        # bytes 0..255 → [0, 1]
        x = x.reshape(len(x), -1) if flatten else x[:, None, :, :]
        out.append((x, labels.astype(np.int64)))
    return tuple(out)


def load_mnist(path=None, download=True, flatten=False, cache_dir=None, mirrors=None, timeout=30.0):
    """MNIST digits: ``(x_train, y_train), (x_test, y_test)``.

    Images float32 in [0, 1], shape (N, 1, 28, 28) (or (N, 784) with ``flatten=True``);
    labels int64 in 0..9. 60 000 training and 10 000 test images.
    """
    return _load("mnist", path, download, flatten, cache_dir, mirrors, timeout)


def load_fashion_mnist(path=None, download=True, flatten=False, cache_dir=None, mirrors=None,
                       timeout=30.0):
    """Fashion-MNIST (Zalando): same layout as ``load_mnist``; classes are clothing items
    (``FASHION_MNIST_CLASSES``)."""
    return _load("fashion-mnist", path, download, flatten, cache_dir, mirrors, timeout)


FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
                         "Shirt", "Sneaker", "Bag", "Ankle boot")
