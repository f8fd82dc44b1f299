"""The models' constructors refuse bad sizes and rates with ValueError/TypeError naming them."""
import math

import numpy as np
import pytest

from engine import models as M
from engine import nn

NAN, INF = math.nan, math.inf
BAD_SIZES = [0, -1, 2.7, True, "3", None, NAN, INF]
BAD_RATES = [NAN, INF, -INF, True, "0.5", None]


def sizes(make, name):
    return [(lambda v=v: make(v), name) for v in BAD_SIZES]


def rates(make, name, extra=()):
    return [(lambda v=v: make(v), name) for v in BAD_RATES + list(extra)]


CASES = {
    "MLP": sizes(lambda v: M.MLP((v, 3)), "sizes") + sizes(lambda v: M.MLP((2, v)), "sizes") +
    rates(lambda v: M.MLP((2, 3, 2), dropout=v), "dropout", [-0.1, 1.0]) +
    [(lambda v=v: M.MLP(v), "sizes") for v in ((3,), 3, (), "23")],
    "LeNet5": sizes(lambda v: M.LeNet5(num_classes=v), "num_classes") +
    sizes(lambda v: M.LeNet5(in_channels=v), "in_channels") +
    [(lambda v=v: M.LeNet5(image_size=v), "image_size") for v in (27, 0, "28", None)] +
    [(lambda v=v: M.LeNet5(pooling=v), "pooling") for v in ("sum", None)],
    "VGGNet": sizes(lambda v: M.VGGNet(in_channels=v), "in_channels") +
    sizes(lambda v: M.VGGNet(num_classes=v), "num_classes") +
    sizes(lambda v: M.VGGNet(hidden=v), "hidden") +
    sizes(lambda v: M.VGGNet(image_size=v), "image_size") +
    rates(lambda v: M.VGGNet(dropout=v), "dropout", [1.0, -0.5]) +
    [(lambda v=v: M.VGGNet(channels=v), "channels") for v in ((), (0, 32), (2.5,), None)],
    "Autoencoder": sizes(lambda v: M.Autoencoder(v, 2), "input_dim") +
    sizes(lambda v: M.Autoencoder(8, v), "latent_dim") +
    [(lambda v=v: M.Autoencoder(8, 2, hidden=v), "hidden") for v in ((0,), (-3,), (2.5,), (True,))],
    "VAE": sizes(lambda v: M.VAE(v, 2), "input_dim") + sizes(lambda v: M.VAE(8, v), "latent_dim") +
    rates(lambda v: M.VAE(8, 2, beta=v), "beta", [-1.0]),
    "ConvAutoencoder": sizes(lambda v: M.ConvAutoencoder(latent_dim=v), "latent_dim") +
    [(lambda v=v: M.ConvAutoencoder(channels=v), "channels") for v in ((), (0,), (2.5, 4))],
    "ConvVAE": sizes(lambda v: M.ConvVAE(latent_dim=v), "latent_dim") +
    rates(lambda v: M.ConvVAE(beta=v), "beta", [-1.0]),
    "DenoisingAutoencoder": rates(lambda v: M.DenoisingAutoencoder(M.Autoencoder(8, 2),
                                                                   noise_std=v), "noise_std",
                                  [-0.5]),
    "DenoisingDataset": rates(lambda v: M.DenoisingDataset(np.zeros((4, 8)), noise_std=v),
                              "noise_std", [-0.5]),
    "Perceptron": sizes(lambda v: M.Perceptron(v), "n_inputs") +
    rates(lambda v: M.Perceptron(3, lr=v), "lr", [0.0, -1.0]) +
    [(lambda v=v: M.Perceptron(3, init=v), "init") for v in ("ones", None)],
    "LinearRegression": sizes(lambda v: M.LinearRegression(v), "n_inputs") +
    sizes(lambda v: M.LinearRegression(2, v), "n_outputs"),
    "LogisticRegression": sizes(lambda v: M.LogisticRegression(v), "n_inputs"),
    "SoftmaxRegression": sizes(lambda v: M.SoftmaxRegression(v, 3), "n_inputs") +
    sizes(lambda v: M.SoftmaxRegression(3, v), "n_classes"),
    "PolynomialRegression": sizes(lambda v: M.PolynomialRegression(v), "degree"),
    "GANTrainer": sizes(lambda v: M.GANTrainer(nn.Linear(2, 2), nn.Linear(2, 1), k=v), "k") +
    sizes(lambda v: M.GANTrainer(nn.Linear(2, 2), nn.Linear(2, 1), noise_dim=v), "noise_dim") +
    [(lambda v=v: M.GANTrainer(nn.Linear(2, 2), nn.Linear(2, 1), generator_loss=v),
      "generator_loss") for v in ("wasserstein", None)] +
    [(lambda v=v: M.GANTrainer(v, nn.Linear(2, 1)), "generator") for v in (None, "G", 3)],
}
ALL = [(model, make, name) for model, cases in CASES.items() for make, name in cases]


@pytest.mark.parametrize("model, make, name", ALL, ids=[f"{c[0]}-{i}" for i, c in enumerate(ALL)])
def test_bad_setting_is_refused(model, make, name):
    with pytest.raises((ValueError, TypeError), match=name):
        make()


def count_bad_inputs():
    return {model: len(cases) for model, cases in CASES.items()}


def test_polynomial_features_of_an_absurd_degree_is_refused_at_once():
    # ran a Python loop over 10**9 powers (minutes, then out of memory)
    with pytest.raises(ValueError, match="GiB"):
        M.polynomial_features(np.ones(3), 10 ** 12)
    x = np.array([1.5, -2.0, 0.5])
    np.testing.assert_array_equal(M.polynomial_features(x, 3),
                                  np.stack([x, x ** 2, x ** 3], axis=1).astype(np.float32))
