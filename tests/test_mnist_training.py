"""Real data: an MLP trained one epoch on MNIST reaches at least 95% test accuracy."""
import numpy as np

import engine
from engine import nn
from engine.data import load_mnist
from engine.nn import functional as F
from engine.train import evaluate, fit

from data_helpers import mnist_dir  # skips, saying why and how to enable, when MNIST is absent


def test_mlp_one_epoch_on_mnist_reaches_95_percent():
    (x_train, y_train), (x_test, y_test) = load_mnist(path=mnist_dir(), download=False)
    assert x_train.shape == (60000, 1, 28, 28) and x_train.dtype == np.float32
    assert y_test.shape == (10000,) and set(np.unique(y_test)) == set(range(10))
    # Standardise with the training set's statistics (fit on train, apply to both).
    mean, std = x_train.mean(), x_train.std()
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    engine.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    optimizer = engine.optim.Adam(model.parameters(), lr=2e-3)
    history = fit(model, F.cross_entropy, optimizer, (x_train, y_train), epochs=1,
                  batch_size=64, verbose=0, seed=0)
    accuracy = evaluate(model, F.cross_entropy, (x_test, y_test))["accuracy"]
    print(f"MNIST test accuracy after one epoch: {accuracy:.4f} "
          f"(train loss {history['loss'][-1]:.4f})")
    assert accuracy >= 0.95
