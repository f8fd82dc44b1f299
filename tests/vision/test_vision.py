"""engine.vision: torchvision-shaped MNIST/FashionMNIST, transforms, make_grid/save_image."""
import zlib

import numpy as np
import pytest

import engine
from engine import Tensor
from engine.data import write_idx
from engine.tensor import to_numpy
from engine.utils.data import DataLoader
from engine.vision import datasets, transforms, utils

FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def fake_mnist(folder, n_train=12, n_test=5, seed=0):
    """Four small IDX files shaped like MNIST's (random pixels, labels 0..9)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    arrays = (rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
              (np.arange(n_train) % 10).astype(np.uint8),
              rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
              (np.arange(n_test)[::-1] % 10).astype(np.uint8))
    for stem, a in zip(FILES, arrays):
        write_idx(folder / stem, a)
    return arrays


@pytest.fixture
def no_env(monkeypatch, tmp_path):
    monkeypatch.delenv("ENGINE_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.mark.parametrize("layout", ["MNIST/raw", "mnist", "."])
def test_mnist_found_in_torchvision_and_engine_layouts(tmp_path, no_env, layout):
    arrays = fake_mnist(tmp_path / layout)
    train = datasets.MNIST(tmp_path, train=True)
    test = datasets.MNIST(str(tmp_path), train=False)
    assert (len(train), len(test)) == (12, 5)
    image, label = train[3]
    assert image.dtype == np.uint8 and image.shape == (28, 28) and label == 3
    np.testing.assert_array_equal(image, arrays[0][3])
    assert test[0][1] == 4 and isinstance(test[0][1], int)
    assert train.classes[3] == "3 - three"


def test_mnist_from_engine_data_and_missing_files(tmp_path, no_env, monkeypatch):
    with pytest.raises(FileNotFoundError, match="download=True"):
        datasets.MNIST(tmp_path / "nothing")
    fake_mnist(tmp_path / "env" / "fashion-mnist")
    monkeypatch.setenv("ENGINE_DATA", str(tmp_path / "env"))
    ds = datasets.FashionMNIST(tmp_path / "nothing", train=False)
    assert len(ds) == 5 and ds.classes[9] == "Ankle boot"


def test_transforms_on_one_sample_and_on_batches(tmp_path, no_env):
    fake_mnist(tmp_path / "MNIST" / "raw")
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    ds = datasets.MNIST(tmp_path, transform=tf, target_transform=None)
    x, y = ds[2]
    assert isinstance(x, Tensor) and x.shape == (1, 28, 28) and x.dtype == np.float32
    want = (ds.data[2] / 255.0 - 0.1307) / 0.3081
    np.testing.assert_allclose(x.numpy()[0], want, rtol=1e-5, atol=1e-6)
    images, labels = ds[np.array([2, 5, 7])]              # a whole batch in one call
    np.testing.assert_allclose(images[0], x.numpy(), rtol=1e-6)
    np.testing.assert_array_equal(labels, [2, 5, 7])
    batches = list(DataLoader(ds, batch_size=5))
    assert [tuple(b[0].shape) for b in batches] == [(5, 1, 28, 28)] * 2 + [(2, 1, 28, 28)]
    assert to_numpy(batches[1][1]).dtype == np.int64
    # a transform without a batch form: the loader reads item by item and gets the same
    slow = datasets.MNIST(tmp_path, transform=transforms.Compose(
        [transforms.ToTensor(), transforms.Lambda(lambda t: t * 2.0)]))
    xs, ys = next(iter(DataLoader(slow, batch_size=4)))
    np.testing.assert_allclose(xs.numpy()[1, 0], ds.data[1] / 255.0 * 2, rtol=1e-6)
    np.testing.assert_array_equal(to_numpy(ys), [0, 1, 2, 3])


def test_to_tensor_layouts():
    rgb = np.random.default_rng(0).integers(0, 256, (4, 5, 3), dtype=np.uint8)
    t = transforms.ToTensor()(rgb)
    assert t.shape == (3, 4, 5)
    np.testing.assert_allclose(t.numpy()[2], rgb[:, :, 2] / 255.0, rtol=1e-6)
    with pytest.raises(ValueError, match="ToTensor"):
        transforms.ToTensor()(np.zeros((2, 2, 2, 2), np.uint8))
    with pytest.raises(ValueError, match="std"):
        transforms.Normalize((0.5,), (0.0,))


def test_random_flip_and_crop_keep_the_form_of_the_sample():
    engine.manual_seed(0)
    image = np.arange(16, dtype=np.uint8).reshape(4, 4)
    flipped = transforms.RandomHorizontalFlip(p=1.0)(image)
    np.testing.assert_array_equal(flipped, image[:, ::-1])
    crop = transforms.RandomCrop(4, padding=2)(image)
    assert crop.shape == (4, 4) and crop.dtype == np.uint8
    # the crop is a window of the padded image
    padded = np.pad(image, 2)
    assert any(np.array_equal(crop, padded[r:r + 4, c:c + 4]) for r in range(5) for c in range(5))
    batch = transforms.RandomCrop(3).batch(np.zeros((6, 1, 4, 4), np.float32))
    assert batch.shape == (6, 1, 3, 3)


def test_rotation_by_right_angles_and_affine_identity():
    image = np.arange(16, dtype=np.float32).reshape(1, 4, 4)
    np.testing.assert_array_equal(transforms.RandomRotation((90, 90))(image)[0], np.rot90(image[0]))
    np.testing.assert_array_equal(transforms.RandomRotation((-90, -90))(image)[0],
                                  np.rot90(image[0], -1))
    same = transforms.RandomAffine(0, translate=(0, 0), scale=(1, 1), shear=0)(image)
    np.testing.assert_array_equal(same, image)
    shifted = transforms.RandomAffine(0, translate=(0.25, 0))
    engine.manual_seed(1)
    outs = [shifted(np.ones((1, 8, 8), np.float32)) for _ in range(20)]
    assert any(o[0, :, 0].sum() == 0 or o[0, :, -1].sum() == 0 for o in outs)   # filled gaps
    engine.manual_seed(2)
    a = transforms.RandomAffine(30).batch(np.ones((3, 1, 9, 9), np.float32))
    engine.manual_seed(2)
    b = transforms.RandomAffine(30).batch(np.ones((3, 1, 9, 9), np.float32))
    np.testing.assert_array_equal(a, b)                   # manual_seed repeats the draws
    with pytest.raises(ValueError, match="translate"):
        transforms.RandomAffine(0, translate=(2, 0))


def test_make_grid_and_save_image(tmp_path):
    x = np.stack([np.full((1, 2, 3), k / 4, np.float32) for k in range(5)])
    grid = utils.make_grid(Tensor(x), nrow=3, padding=1).numpy()
    assert grid.shape == (3, 2 * 3 + 1, 3 * 4 + 1)
    assert grid[0, 1, 1] == 0.0 and grid[0, 1, 5] == 0.25 and grid[0, 4, 1] == 0.75
    assert grid[0, 0, 0] == 0.0 and grid[0, 4, 12] == 0.0             # padding; empty cell
    utils.save_image(Tensor(x), tmp_path / "grid.png", nrow=3, padding=1)
    png = (tmp_path / "grid.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (13, 7)
    start = png.index(b"IDAT") + 4
    length = int.from_bytes(png[start - 8:start - 4], "big")
    rows = np.frombuffer(zlib.decompress(png[start:start + length]), np.uint8).reshape(7, -1)
    pixels = rows[:, 1:].reshape(7, 13, 3)
    assert pixels[4, 1, 0] == round(0.75 * 255) and pixels[1, 5, 2] == round(0.25 * 255)
    plt = pytest.importorskip("matplotlib.pyplot")
    np.testing.assert_allclose(plt.imread(tmp_path / "grid.png")[:, :, 0], pixels[:, :, 0] / 255)
    with pytest.raises(ValueError, match="PNG"):
        utils.save_image(Tensor(x), tmp_path / "grid.jpg")
