"""Recurrent layers ``RNN`` (tanh or relu) and ``LSTM``, with PyTorch's parameter names and shapes.

They are built from differentiable operations (matmul, sigmoid, tanh, slicing, stack), so
backpropagation through time is just backward() through the unrolled loop: every time step
adds its own nodes to the graph and the gradients of the shared weights are summed over steps.

Shapes (``batch_first=False``, PyTorch's default): input x (T, N, input_size); output
(T, N, hidden_size) — the last layer's h_t at every step; h_n (and c_n) (num_layers, N,
hidden_size).  ``batch_first=True`` uses (N, T, ·) for x and the output.  A 2-D input
(T, input_size) is one unbatched sequence.
"""
import math

import numpy as np

from .. import dtypes, ops
from ..backend import backend_of
from ..tensor import Tensor, _wrap
from ..validate import boolean, fits_in_memory, one_of, positive_int
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


class _RNNBase(Module):
    gates = 1  # blocks of hidden_size rows in weight_ih / weight_hh

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dtype=None):
        super().__init__()
        self.input_size = positive_int(input_size, "input_size")
        self.hidden_size = positive_int(hidden_size, "hidden_size")
        self.num_layers = positive_int(num_layers, "num_layers")
        self.bias, self.batch_first = boolean(bias, "bias"), boolean(batch_first, "batch_first")
        dtype = dtypes.get_default_dtype() if dtype is None else dtypes.as_float_dtype(dtype)
        rows = self.gates * self.hidden_size
        total = self.num_layers * rows * (max(self.input_size, self.hidden_size) +
                                          self.hidden_size + 2)
        fits_in_memory((total,), dtype, f"{type(self).__name__}'s parameters (all layers)")
        for layer in range(self.num_layers):
            n_in = self.input_size if layer == 0 else self.hidden_size
            setattr(self, f"weight_ih_l{layer}", Parameter(np.empty((rows, n_in), dtype=dtype)))
            setattr(self, f"weight_hh_l{layer}",
                    Parameter(np.empty((rows, self.hidden_size), dtype=dtype)))
            if self.bias:
                setattr(self, f"bias_ih_l{layer}", Parameter(np.empty(rows, dtype=dtype)))
                setattr(self, f"bias_hh_l{layer}", Parameter(np.empty(rows, dtype=dtype)))
        self.reset_parameters()

    def reset_parameters(self):
        """PyTorch's default: every weight and bias ~ U(±1/√hidden_size)."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for param in self.parameters():
            init.uniform_(param, -bound, bound)

    def _layer_params(self, layer):
        get = lambda name: getattr(self, f"{name}_l{layer}", None)  # noqa: E731
        return get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh")

    def _prepare(self, x):
        if not isinstance(x, Tensor):
            x = Tensor(x, dtype=self.weight_ih_l0.dtype)
        unbatched = x.ndim == 2
        if x.ndim not in (2, 3) or x.shape[-1] != self.input_size:
            raise ValueError(f"{type(self).__name__} expects input of shape (T, N, "
                             f"{self.input_size}) (or (N, T, {self.input_size}) with batch_first, "
                             f"or (T, {self.input_size}) unbatched), got {x.shape}")
        if x.shape[1 if self.batch_first and not unbatched else 0] == 0:
            raise ValueError(f"{type(self).__name__}: the sequence length must be at least 1, "
                             f"got input of shape {x.shape} (as in PyTorch: an empty sequence "
                             f"has no final state)")
        if unbatched:
            x = x.reshape(x.shape[0], 1, x.shape[1])
        elif self.batch_first:
            x = x.transpose(1, 0, 2)
        return x, unbatched

    def _initial(self, state, n, unbatched, name):
        shape = (self.num_layers, n, self.hidden_size)
        if state is None:
            weight = self.weight_ih_l0.data       # the state starts on the weights' device
            return _wrap(backend_of(weight).xp.zeros(shape, dtype=weight.dtype))
        if not isinstance(state, Tensor):
            state = Tensor(state, dtype=self.weight_ih_l0.dtype)
        if unbatched and state.ndim == 2:
            state = state.reshape(self.num_layers, 1, self.hidden_size)
        if state.shape != shape:
            raise ValueError(f"{type(self).__name__}: {name} must have shape {shape}, "
                             f"got {state.shape}")
        return state

    def _finish(self, output, finals, unbatched):
        """(T, N, H) outputs and per-layer final states -> PyTorch's layout."""
        states = [ops.stack(f, axis=0) for f in finals]   # each (num_layers, N, H)
        if unbatched:
            output = output.reshape(output.shape[0], self.hidden_size)
            states = [s.reshape(self.num_layers, self.hidden_size) for s in states]
        elif self.batch_first:
            output = output.transpose(1, 0, 2)
        return output, states

    def extra_repr(self):
        extras = "" if self.num_layers == 1 else f", num_layers={self.num_layers}"
        if self.batch_first:
            extras += ", batch_first=True"
        return f"{self.input_size}, {self.hidden_size}{extras}"


def _input_projection(x, w_ih, b_ih, b_hh):
    """x_t·W_ihᵀ + b_ih + b_hh for all steps at once: one (T·N, in) × (in, G) product."""
    t, n, _ = x.shape
    xw = F.linear(x.reshape(t * n, x.shape[2]), w_ih, b_ih)
    if b_hh is not None:
        xw = xw + b_hh
    return xw.reshape(t, n, w_ih.shape[0])


class RNN(_RNNBase):
    """Elman RNN: h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)  (``nonlinearity="relu"``
    uses ReLU).  ``forward(x, h0=None)`` returns ``(output, h_n)`` like PyTorch."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dtype=None):
        one_of(nonlinearity, "nonlinearity", ("tanh", "relu"))
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, x, h0=None):
        x, unbatched = self._prepare(x)
        h0 = self._initial(h0, x.shape[1], unbatched, "h0")
        act = F.tanh if self.nonlinearity == "tanh" else F.relu
        finals = []
        for layer in range(self.num_layers):
            w_ih, w_hh, b_ih, b_hh = self._layer_params(layer)
            xw = _input_projection(x, w_ih, b_ih, b_hh)
            h, outs = h0[layer], []
            for t in range(x.shape[0]):
                h = act(xw[t] + ops.matmul(h, w_hh.T))
                outs.append(h)
            finals.append(h)
            x = ops.stack(outs, axis=0)
        output, (h_n,) = self._finish(x, [finals], unbatched)
        return output, h_n


class LSTM(_RNNBase):
    """Long short-term memory, PyTorch's equations and gate order (i, f, g, o):

        [i, f, g, o] = x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh     (4·hidden_size columns)
        i = σ(i),  f = σ(f),  g = tanh(g),  o = σ(o)
        c_t = f ⊙ c_{t−1} + i ⊙ g,      h_t = o ⊙ tanh(c_t)

    ``forward(x, (h0, c0)=None)`` returns ``(output, (h_n, c_n))`` like PyTorch.
    """
    gates = 4

    def forward(self, x, state=None):
        x, unbatched = self._prepare(x)
        n, hs = x.shape[1], self.hidden_size
        h0, c0 = (None, None) if state is None else state
        h0 = self._initial(h0, n, unbatched, "h0")
        c0 = self._initial(c0, n, unbatched, "c0")
        final_h, final_c = [], []
        for layer in range(self.num_layers):
            w_ih, w_hh, b_ih, b_hh = self._layer_params(layer)
            xw = _input_projection(x, w_ih, b_ih, b_hh)
            h, c, outs = h0[layer], c0[layer], []
            for t in range(x.shape[0]):
                z = xw[t] + ops.matmul(h, w_hh.T)
                i = F.sigmoid(z[:, :hs])
                f = F.sigmoid(z[:, hs:2 * hs])
                g = F.tanh(z[:, 2 * hs:3 * hs])
                o = F.sigmoid(z[:, 3 * hs:])
                c = f * c + i * g
                h = o * F.tanh(c)
                outs.append(h)
            final_h.append(h)
            final_c.append(c)
            x = ops.stack(outs, axis=0)
        output, (h_n, c_n) = self._finish(x, [final_h, final_c], unbatched)
        return output, (h_n, c_n)
