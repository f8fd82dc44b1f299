"""Regression and the linear classifiers: one layer of neurons without a hidden layer.

- ``LinearRegression(n_inputs, n_outputs=1)``: ŷ = w·x + b, trained with the MSE cost
  J(w, b) = (1/m) Σ (y_i − ŷ_i)². With one input it is the slides' single neuron learning
  °C → °F (w → 1.8, b → 32).
- ``LogisticRegression(n_inputs)``: p(y = 1 | x) = σ(w·x + b); outputs the logit w·x + b (use
  ``F.binary_cross_entropy_with_logits``; ``predict_proba`` applies σ).
- ``SoftmaxRegression(n_inputs, n_classes)``: p(c | x) = softmax(Wx + b)_c; outputs the scores
  (use ``F.cross_entropy``).
- ``polynomial_features(x, degree)`` and ``PolynomialRegression(degree)``: a linear model on
  x, x², …, x^d — linear in its weights, a curve in x.
"""
import numpy as np

from .. import nn
from ..validate import fits_in_memory, positive_int


class LinearRegression(nn.Module):
    """ŷ = w·x + b (``self.linear.weight`` is w, (n_outputs, n_inputs); ``.bias`` is b)."""

    def __init__(self, n_inputs, n_outputs=1):
        super().__init__()
        self.linear = nn.Linear(positive_int(n_inputs, "n_inputs"), positive_int(n_outputs, "n_outputs"))

    @property
    def w(self):
        return self.linear.weight.numpy().copy()

    @property
    def b(self):
        return self.linear.bias.numpy().copy()

    def forward(self, x):
        return self.linear(x)


class LogisticRegression(LinearRegression):
    """Binary classifier: logit z = w·x + b, p(y = 1 | x) = σ(z) = 1 / (1 + e^−z)."""

    def __init__(self, n_inputs):
        super().__init__(n_inputs, 1)

    def predict_proba(self, x):
        from ..nn import functional as F
        return F.sigmoid(self.forward(x))


class SoftmaxRegression(nn.Module):
    """Multi-class linear classifier: scores Wx + b, p(c | x) = softmax(Wx + b)_c."""

    def __init__(self, n_inputs, n_classes):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear = nn.Linear(positive_int(n_inputs, "n_inputs"), positive_int(n_classes, "n_classes"))

    def forward(self, x):
        return self.linear(self.flatten(x))


def polynomial_features(x, degree):
    """Columns x, x², …, x^degree of a 1-D input (shape (N,) or (N, 1)), float32 (N, degree)."""
    degree = positive_int(degree, "degree")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    if x.ndim != 1:
        raise ValueError(f"x must have shape (N,) or (N, 1), got {x.shape}")
    # the powers, the exponents and the float32 copy together (the working set)
    fits_in_memory((degree, 2 * len(x) + 2), np.float64, "polynomial_features' working set")
    # one vectorised power (a Python loop over a huge degree would run for minutes)
    return (x[:, None] ** np.arange(1, degree + 1)).astype(np.float32)


class PolynomialRegression(nn.Module):
    """ŷ = b + Σ_k w_k x^k, k = 1..degree; ``forward`` takes the features of
    ``polynomial_features(x, degree)`` (keep x in about [−1, 1] so the powers stay comparable)."""

    def __init__(self, degree):
        super().__init__()
        self.degree = positive_int(degree, "degree")
        self.linear = nn.Linear(self.degree, 1)

    def features(self, x):
        return polynomial_features(x, self.degree)

    def forward(self, features):
        return self.linear(features)
