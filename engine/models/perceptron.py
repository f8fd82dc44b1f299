"""Rosenblatt's perceptron, trained with the perceptron rule exactly as the slides write it.

Training pairs (x_j, ŷ_j): ŷ_j is the *desired* output (0 or 1) for input x_j. The neuron's
output at step t is the Heaviside step of its weighted sum,

    y_j(t) = H(w(t)·x_j + b(t)),      H(z) = 1 if z ≥ 0 else 0,

and after each sample (one at a time, not a batch) every weight moves by

    w_i(t+1) = w_i(t) + α (ŷ_j − y_j(t)) x_{j,i}        (b: the weight w_0 of the input x_0 = 1)

so nothing changes when the output is right, and a wrong output pushes w towards (ŷ = 1) or
away from (ŷ = 0) the input. This is not gradient descent: H has no useful derivative. The rule
converges (an epoch without an error) whenever the two classes can be separated by a straight
line (hyperplane) — AND, OR — and never otherwise (XOR).
"""
import numpy as np

from ..validate import non_negative_int, positive_int, positive_real


def heaviside(z):
    """H(z) = 1 for z ≥ 0, else 0 (as int64)."""
    return (np.asarray(z) >= 0).astype(np.int64)


class Perceptron:
    """``Perceptron(n_inputs, lr=1.0)``: weights w (n_inputs,) and bias b, both starting at 0
    (or drawn from N(0, 0.1²) with ``init="random"`` and ``random_state``)."""

    def __init__(self, n_inputs, lr=1.0, init="zeros", random_state=None):
        self.n_inputs = positive_int(n_inputs, "n_inputs")
        self.lr = positive_real(lr, "lr (α)")
        if init == "zeros":
            self.w, self.b = np.zeros(self.n_inputs), 0.0
        elif init == "random":
            rng = np.random.default_rng(random_state)
            self.w, self.b = rng.normal(0, 0.1, self.n_inputs), float(rng.normal(0, 0.1))
        else:
            raise ValueError(f"init must be 'zeros' or 'random', got {init!r}")
        self.errors_ = []          # errors per epoch of the last fit
        self.history_ = []         # (w, b) after each epoch

    def _check_x(self, X):
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ValueError(f"X must have shape (n_samples, {self.n_inputs}), got {X.shape}")
        return X

    def net_input(self, X):
        """w·x + b for each row x of X."""
        return self._check_x(X) @ self.w + self.b

    def predict(self, X):
        """y = H(w·x + b): 0 or 1 for each row of X."""
        return heaviside(self.net_input(X))

    def fit(self, X, y, epochs=100):
        """Apply the perceptron rule sample by sample, for at most ``epochs`` passes; stop after
        the first epoch without an error. Returns the number of errors (updates) per epoch."""
        X = self._check_x(X)
        y = np.asarray(y)
        if y.shape != (len(X),) or not np.isin(y, (0, 1)).all():
            raise ValueError(f"y must be {len(X)} desired outputs, each 0 or 1; got shape {y.shape} "
                             f"with values {np.unique(y)[:5]}")
        epochs = non_negative_int(epochs, "epochs")
        self.errors_, self.history_ = [], []
        for _ in range(epochs):
            errors = 0
            for x_j, target in zip(X, y):                     # one sample at a time
                y_t = int(self.w @ x_j + self.b >= 0)         # y_j(t) = H(w·x_j + b)
                delta = self.lr * (int(target) - y_t)         # α (ŷ_j − y_j(t))
                if delta:
                    self.w = self.w + delta * x_j             # w_i += α (ŷ_j − y_j(t)) x_{j,i}
                    self.b = self.b + delta                   # x_0 = 1
                    errors += 1
            self.errors_.append(errors)
            self.history_.append((self.w.copy(), self.b))
            if errors == 0:
                break
        return list(self.errors_)

    def __call__(self, X):
        return self.predict(X)

    def __repr__(self):
        return f"Perceptron(n_inputs={self.n_inputs}, lr={self.lr}, w={np.round(self.w, 4)}, b={self.b:.4g})"
