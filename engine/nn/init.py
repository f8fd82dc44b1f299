"""Weight initialisers (PyTorch's semantics), in place on a Parameter, using engine.random.

Why scale matters: with fan_in inputs of variance Var(x), a unit of y = Σ w·x has variance
fan_in·Var(w)·Var(x).  Xavier/Glorot keeps it about constant in both directions with
Var(w) = gain²·2/(fan_in + fan_out); Kaiming/He uses Var(w) = gain²/fan (gain √2 for ReLU,
which zeroes half its inputs).  A uniform U(−b, b) has variance b²/3, hence the √3 below.
"""
import math

from ..autograd import no_grad
from .. import random
from ..versions import bump
from ..tensor import Tensor
from ..validate import finite_real, non_negative_real, one_of, real_number

_NONLINEARITIES = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                   "conv_transpose2d", "conv_transpose3d", "sigmoid", "identity", "tanh", "relu",
                   "leaky_relu", "selu")


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity (the factor on the standard deviation).

    linear/conv/sigmoid: 1, tanh: 5/3, relu: √2, leaky_relu: √(2 / (1 + slope²)) (slope
    ``param``, default 0.01), selu: 3/4.
    """
    one_of(nonlinearity, "nonlinearity", _NONLINEARITIES)
    linear = _NONLINEARITIES[:9]
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else finite_real(param, "negative_slope (param)")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"unsupported nonlinearity {nonlinearity!r}")


def _calculate_fan_in_and_fan_out(tensor):
    """fan_in = in_features × receptive field, fan_out = out_features × receptive field.

    Weights are (out, in, *kernel), as in Linear (out, in) and Conv2d (out, in, kh, kw).
    """
    shape = tensor.shape
    if len(shape) < 2:
        raise ValueError(f"fan in and fan out need a tensor of at least 2 dimensions, got shape {shape}")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _fan(tensor, mode):
    one_of(mode, "mode", ("fan_in", "fan_out"))
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _tensor(tensor):
    if not isinstance(tensor, Tensor):
        raise TypeError(f"init functions fill a Tensor (a Parameter) in place, got "
                        f"{type(tensor).__name__}")
    return tensor


def _fill(tensor, values):
    with no_grad():
        tensor.data[...] = values
    bump(tensor.data)     # an in-place change backward() must notice (engine/versions.py)
    return tensor


def uniform_(tensor, a=0.0, b=1.0):
    """Fill with U(a, b)."""
    _tensor(tensor)
    return _fill(tensor, random.uniform(a, b, tensor.shape))     # checks a <= b, both finite


def normal_(tensor, mean=0.0, std=1.0):
    """Fill with N(mean, std²)."""
    _tensor(tensor)
    return _fill(tensor, random.normal(mean, std, tensor.shape))   # checks std >= 0, finite


def constant_(tensor, val):
    return _fill(_tensor(tensor), real_number(val, "val"))


def zeros_(tensor):
    return _fill(tensor, 0.0)


def ones_(tensor):
    return _fill(tensor, 1.0)


def xavier_uniform_(tensor, gain=1.0):
    """U(−a, a), a = gain·√(6 / (fan_in + fan_out))  (Glorot & Bengio, 2010)."""
    gain = non_negative_real(gain, "gain")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(_tensor(tensor))
    if tensor.data.size == 0:
        return tensor               # nothing to fill (and no fan to divide by), as PyTorch
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -a, a)


def xavier_normal_(tensor, gain=1.0):
    """N(0, std²), std = gain·√(2 / (fan_in + fan_out))."""
    gain = non_negative_real(gain, "gain")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(_tensor(tensor))
    if tensor.data.size == 0:
        return tensor
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def kaiming_uniform_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    """U(−b, b), b = gain·√(3 / fan), gain = calculate_gain(nonlinearity, a)  (He et al., 2015)."""
    gain, fan = calculate_gain(nonlinearity, finite_real(a, "a")), _fan(_tensor(tensor), mode)
    if tensor.data.size == 0:
        return tensor
    bound = gain * math.sqrt(3.0 / fan)
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    """N(0, std²), std = gain / √fan."""
    gain, fan = calculate_gain(nonlinearity, finite_real(a, "a")), _fan(_tensor(tensor), mode)
    if tensor.data.size == 0:
        return tensor
    return normal_(tensor, 0.0, gain / math.sqrt(fan))


def default_linear_init_(weight, bias=None):
    """PyTorch's default for Linear and Conv: kaiming_uniform(a=√5) on the weight — that is
    U(±1/√fan_in) — and U(±1/√fan_in) on the bias."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = _calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        uniform_(bias, -bound, bound)
