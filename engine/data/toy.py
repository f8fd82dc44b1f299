"""Small synthetic data sets from the course, all seeded with ``random_state``.

Features are float32 (the engine's default), class labels int64.
"""
import numpy as np

from ._utils import as_generator


def make_xor(n_samples=4, noise=0.0, random_state=None):
    """XOR: label 1 when exactly one input is 1. With the defaults, the four-row truth table
    ``[[0,0],[0,1],[1,0],[1,1]] → [0,1,1,0]``; otherwise ``n_samples`` corners (cycled, then
    shuffled) plus Gaussian noise of std ``noise``."""
    table = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    labels = np.array([0, 1, 1, 0], dtype=np.int64)
    if n_samples == 4 and noise == 0:
        return table.copy(), labels.copy()
    rng = as_generator(random_state)
    idx = rng.permutation(np.arange(n_samples) % 4)
    x = table[idx] + rng.normal(0.0, noise, size=(n_samples, 2)).astype(np.float32)
    return x.astype(np.float32), labels[idx]


def make_blobs(n_samples=100, centers=3, n_features=2, cluster_std=1.0, center_box=(-10.0, 10.0),
               random_state=None):
    """Gaussian blobs: ``centers`` (an int, or an array (k, n_features)) with equal shares of
    ``n_samples``; returns x (n, n_features), y (n,) the blob of each point, shuffled."""
    rng = as_generator(random_state)
    if np.isscalar(centers):
        centers = rng.uniform(center_box[0], center_box[1], size=(int(centers), n_features))
    centers = np.asarray(centers, dtype=np.float64)
    k = len(centers)
    y = np.arange(n_samples) % k
    x = centers[y] + rng.normal(0.0, 1.0, size=(n_samples, centers.shape[1])) * cluster_std
    order = rng.permutation(n_samples)
    return x[order].astype(np.float32), y[order].astype(np.int64)


def _two_classes(points0, points1, noise, random_state):
    """Points of class 0 then class 1 as (x float32, y int64), plus Gaussian noise of std
    ``noise``, shuffled."""
    rng = as_generator(random_state)
    x = np.concatenate([points0, points1])
    y = np.concatenate([np.zeros(len(points0), np.int64), np.ones(len(points1), np.int64)])
    x = x + rng.normal(0.0, noise, size=x.shape) if noise else x
    order = rng.permutation(len(x))
    return x[order].astype(np.float32), y[order]


def make_moons(n_samples=100, noise=0.0, random_state=None):
    """Two interleaving half circles (n//2 of class 0 on top, the rest class 1 below)."""
    n0 = n_samples // 2
    t0 = np.linspace(0, np.pi, n0)
    t1 = np.linspace(0, np.pi, n_samples - n0)
    return _two_classes(np.stack([np.cos(t0), np.sin(t0)], 1),
                        np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)], 1), noise, random_state)


def make_circles(n_samples=100, noise=0.0, factor=0.8, random_state=None):
    """Two concentric circles: class 0 outer (radius 1), class 1 inner (radius ``factor``)."""
    if not 0 < factor < 1:
        raise ValueError(f"factor must be in (0, 1), got {factor}")
    n0 = n_samples // 2
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n_samples - n0, endpoint=False)
    return _two_classes(np.stack([np.cos(t0), np.sin(t0)], 1),
                        factor * np.stack([np.cos(t1), np.sin(t1)], 1), noise, random_state)


CELSIUS = np.array([0.0, 8.0, 15.0, 22.0])


def make_celsius(n_samples=None, noise=0.0, low=-40.0, high=100.0, random_state=None):
    """The slides' regression: °C → °F with F = 1.8·C + 32.

    Default: the four slide points C = 0, 8, 15, 22 → F = 32, 46.4, 59, 71.6, as float32 columns
    (4, 1). With ``n_samples``: C uniform in [low, high], F plus Gaussian noise of std ``noise``.
    """
    if n_samples is None:
        if noise:
            raise ValueError("noise needs n_samples (the four slide points are exact)")
        c = CELSIUS.copy()
    else:
        rng = as_generator(random_state)
        c = rng.uniform(low, high, size=n_samples)
    f = 1.8 * c + 32.0
    if noise:
        f = f + rng.normal(0.0, noise, size=f.shape)
    return c[:, None].astype(np.float32), f[:, None].astype(np.float32)
