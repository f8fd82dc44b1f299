"""The multi-layer perceptron: dense layers with a non-linearity between them.

Forward propagation (slides): a^(k) = b^(k) + W^(k) h^(k−1), h^(k) = g(a^(k)) for each hidden
layer k, and the output h^(L+1) = o(a^(L+1)) — here the raw scores a^(L+1) (logits), with o left
to the loss (``F.cross_entropy`` applies the softmax, ``binary_cross_entropy_with_logits`` the
sigmoid) unless ``output_activation`` is given.
"""
from .. import nn
from ..validate import positive_int, probability

ACTIVATIONS = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "leaky_relu": nn.LeakyReLU,
               "elu": nn.ELU, "softplus": nn.Softplus, "prelu": nn.PReLU, "identity": nn.Identity}


def activation_module(activation):
    """An activation Module from a name (``"relu"``, ``"sigmoid"``, ``"tanh"``, ...), a Module
    class or a Module instance."""
    if isinstance(activation, str):
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {activation!r}")
        return ACTIVATIONS[activation]()
    if isinstance(activation, type) and issubclass(activation, nn.Module):
        return activation()
    if isinstance(activation, nn.Module):
        return activation
    raise TypeError(f"activation must be a name, a Module class or a Module, got {type(activation).__name__}")


class MLP(nn.Module):
    """``MLP(sizes, activation="relu", output_activation=None, dropout=0.0)``.

    ``sizes = (n_in, h_1, ..., h_L, n_out)``: ``MLP((2, 4, 1), "sigmoid")`` is the 2-4-1 net that
    solves XOR. Inputs (N, n_in) — or images, flattened first; outputs (N, n_out).
    """

    def __init__(self, sizes, activation="relu", output_activation=None, dropout=0.0):
        super().__init__()
        if not isinstance(sizes, (tuple, list)) or len(sizes) < 2:
            raise ValueError(f"sizes must be a tuple (n_in, ..., n_out) of at least 2 ints, got {sizes!r}")
        self.sizes = tuple(positive_int(s, "sizes[i]") for s in sizes)
        dropout = probability(dropout, "dropout", allow_one=False)
        activation_module(activation)                      # a bad name fails here, even without a hidden layer
        layers = [nn.Flatten()]
        for k, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:])):
            layers.append(nn.Linear(n_in, n_out))
            if k < len(self.sizes) - 2:                    # hidden layer: h = g(a)
                layers.append(activation_module(activation))
                if dropout:
                    layers.append(nn.Dropout(dropout))
        if output_activation is not None:
            layers.append(activation_module(output_activation))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)
