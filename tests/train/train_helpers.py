"""Small stand-ins for the layers, loss and optimizer that other branches provide: enough to
drive ``engine.train.fit`` in tests without depending on them."""
import numpy as np

import engine
from engine import nn
from engine.nn import functional as F


class TinyMLP(nn.Module):
    """in → hidden (tanh) → out, with an optional dropout drawn from the engine's generator."""

    def __init__(self, n_in, n_hidden, n_out, seed=0, dropout=0.0, dtype=np.float64):
        super().__init__()
        rng = np.random.default_rng(seed)
        self.w1 = nn.Parameter(rng.normal(0, 1 / np.sqrt(n_in), (n_hidden, n_in)), dtype=dtype)
        self.b1 = nn.Parameter(np.zeros(n_hidden), dtype=dtype)
        self.w2 = nn.Parameter(rng.normal(0, 1 / np.sqrt(n_hidden), (n_out, n_hidden)), dtype=dtype)
        self.b2 = nn.Parameter(np.zeros(n_out), dtype=dtype)
        self.dropout = dropout

    def forward(self, x):
        h = F.tanh(F.linear(x, self.w1, self.b1))
        if self.training and self.dropout:
            keep = engine.random.get_generator().random(h.shape) >= self.dropout
            h = h * (keep / (1 - self.dropout)).astype(h.dtype)
        return F.linear(h, self.w2, self.b2)


def cross_entropy(logits, y):
    """−mean log softmax(z)[y], built from ops (a stand-in for F.cross_entropy)."""
    onehot = np.zeros(logits.shape, dtype=logits.dtype)
    onehot[np.arange(len(y)), np.asarray(y).astype(np.int64)] = 1
    return -(F.log_softmax(logits, axis=1) * onehot).sum() / len(y)


def mse(out, y):
    d = out - np.asarray(y, dtype=out.dtype)
    return (d * d).mean()


class MiniSGD:
    """SGD with momentum and PyTorch's API (zero_grad, step, param_groups, state_dict)."""

    def __init__(self, params, lr=0.1, momentum=0.0):
        self.params = list(params)
        self.param_groups = [{"params": self.params, "lr": lr, "momentum": momentum}]
        self.velocity = [np.zeros_like(p.data) for p in self.params]

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        g = self.param_groups[0]
        for p, v in zip(self.params, self.velocity):
            if p.grad is None:
                continue
            v *= g["momentum"]
            v += p.grad.numpy()
            p.data -= g["lr"] * v

    def state_dict(self):
        return {"lr": self.param_groups[0]["lr"], "momentum": self.param_groups[0]["momentum"],
                "velocity": {str(i): v.copy() for i, v in enumerate(self.velocity)}}

    def load_state_dict(self, state):
        self.param_groups[0]["lr"] = float(state["lr"])
        self.param_groups[0]["momentum"] = float(state["momentum"])
        for i, v in enumerate(self.velocity):
            v[...] = state["velocity"][str(i)]
