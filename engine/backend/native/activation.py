"""Activation kernels, computed by the compiled C kernels (``engine._C``).

The same names, signatures and results as ``reference/activation.py`` (read that one for the
equations). Each function checks its inputs here (dtype, shape, contiguity: a clear
``TypeError``/``ValueError`` instead of a crash), then hands flat C-contiguous views to
``engine._C``, which runs the C kernel chosen for this CPU (letting go of the GIL for a big
array).

The elementwise kernels of one float setting (``reference.activation.ELEMENTWISE``) are not
written out one by one: ``_wrap`` makes each from its reference twin's signature and the C
pair ``_C.<name>_forward`` / ``_C.<name>_backward``. PReLU (a weight per channel), Heaviside
(no backward kernel: its gradient is 0) and the softmax family (along an axis) follow by hand.
"""
import inspect

from ... import _C
from .._checks import float_input, normalize_axis, output, prelu_layout, same_as, split_at_axis
from ..reference import activation as _reference

__all__ = list(_reference.__all__)


# ------------------------------------------- elementwise: y = f(x), gx = gy · f'(x or y)

def _elementwise(kernel, x, out, *params):
    """y = f(x) elementwise: check, then run ``kernel(x_flat, y_flat, *params)``."""
    x = float_input(x)
    y = output(out, x.shape, x.dtype)
    kernel(x.reshape(-1), y.reshape(-1), *params)
    return y


def _elementwise_backward(kernel, saved, gy, out, *params, saved_name="x"):
    """gx = gy · f'(saved) elementwise, where ``saved`` is the forward's input or output."""
    saved = float_input(saved, saved_name)
    gy = same_as(saved, gy, "gy", saved_name)
    gx = output(out, saved.shape, saved.dtype)
    kernel(saved.reshape(-1), gy.reshape(-1), gx.reshape(-1), *params)
    return gx


def _wrap(name):
    """The native pair ``name``, ``name_backward``: the reference twins' signatures, C inside.

    A twin's float setting (``negative_slope``, ``alpha``; at most one) may be given by
    position or by name; the backward's first argument is x or y, as in its twin.
    """
    twin, twin_backward = getattr(_reference, name), getattr(_reference, name + "_backward")
    try:
        forward_kernel = getattr(_C, name + "_forward")
        backward_kernel = getattr(_C, name + "_backward")
    except AttributeError as err:   # a new activation whose C body is not compiled in yet
        raise ImportError(f"engine._C has no compiled {name} kernels ({err}); rebuild the "
                          f"extension (pip install .) after adding its C body") from None
    settings = [p for p in inspect.signature(twin).parameters.values()
                if p.name not in ("x", "out")]
    saved_name = next(iter(inspect.signature(twin_backward).parameters))

    if not settings:
        def forward(x, out=None):
            return _elementwise(forward_kernel, x, out)

        def backward(saved, gy, out=None):
            return _elementwise_backward(backward_kernel, saved, gy, out, saved_name=saved_name)
    else:
        (setting,) = settings
        key, default = setting.name, setting.default

        def value(args, kwargs):
            """The setting from ``(value,)`` or ``{key: value}``, else its default, as a float."""
            if len(args) + len(kwargs) > 1 or (kwargs and key not in kwargs):
                raise TypeError(f"{name} takes one setting, {key}; got {args} {kwargs}")
            return float(args[0] if args else kwargs.get(key, default))

        def forward(x, *args, out=None, **kwargs):
            setting = float(args[0]) if len(args) == 1 and not kwargs else value(args, kwargs)
            return _elementwise(forward_kernel, x, out, setting)

        def backward(saved, gy, *args, out=None, **kwargs):
            setting = float(args[0]) if len(args) == 1 and not kwargs else value(args, kwargs)
            return _elementwise_backward(backward_kernel, saved, gy, out, setting,
                                         saved_name=saved_name)

    for function, model in ((forward, twin), (backward, twin_backward)):
        function.__name__ = function.__qualname__ = model.__name__
        function.__module__ = __name__
        function.__doc__ = model.__doc__
        function.__signature__ = inspect.signature(model)
    return forward, backward


# relu, relu_backward, leaky_relu, leaky_relu_backward, elu, ...: one pair per ELEMENTWISE name
for _name in _reference.ELEMENTWISE:
    globals()[_name], globals()[_name + "_backward"] = _wrap(_name)


# ------------------------------------------------------------------ by hand

def _prelu_weight(x, weight):
    weight = float_input(weight, "weight")
    if weight.dtype != x.dtype:
        raise TypeError(f"weight must have the dtype of x ({x.dtype}), got {weight.dtype}")
    return weight, prelu_layout(x, weight)


def prelu(x, weight, out=None):
    """PReLU: y = x if x > 0, else a_c·x (one learnable slope per channel, axis 1)."""
    x = float_input(x)
    weight, layout = _prelu_weight(x, weight)
    y = output(out, x.shape, x.dtype)
    _C.prelu_forward(x.reshape(-1), weight, y.reshape(-1), *layout)
    return y


def prelu_backward(x, weight, gy, out=None):
    """PReLU': ∂L/∂x = ∂L/∂y · (1 if x > 0 else a_c);  ∂L/∂a_c = Σ_{x ≤ 0} ∂L/∂y · x.

    Returns ``(gx, gweight)``.
    """
    x = float_input(x)
    weight, layout = _prelu_weight(x, weight)
    gy = same_as(x, gy, "gy")
    gx = output(out, x.shape, x.dtype)
    gweight = output(None, weight.shape, weight.dtype)
    _C.prelu_backward(x.reshape(-1), weight, gy.reshape(-1), gx.reshape(-1), gweight, *layout)
    return gx, gweight


def heaviside(x, value_at_zero=1.0, out=None):
    """Heaviside step: y = 1 if x > 0, 0 if x < 0, ``value_at_zero`` at 0."""
    return _elementwise(_C.heaviside_forward, x, out, float(value_at_zero))


def heaviside_backward(x, gy, out=None):
    """Heaviside' = 0: no gradient flows through a step."""
    x = float_input(x)
    same_as(x, gy, "gy")
    gx = output(out, x.shape, x.dtype)
    gx.fill(0)
    return gx


# -------------------------------------------------------------- softmax

def _along_axis(kernel, arrays, axis, out):
    """Run a softmax-family kernel over ``axis``, viewing the arrays as (outer, n, inner)."""
    first = arrays[0]
    layout = split_at_axis(first.shape, normalize_axis(axis, first.ndim))
    result = output(out, first.shape, first.dtype)
    kernel(*(a.reshape(-1) for a in arrays), result.reshape(-1), *layout)
    return result


def softmax(x, axis=-1, out=None):
    """Softmax along ``axis``: y_i = e^(x_i − max x) / Σ_j e^(x_j − max x)."""
    return _along_axis(_C.softmax_forward, (float_input(x),), axis, out)


def softmax_backward(y, gy, axis=-1, out=None):
    """Softmax': ∂L/∂x_i = y_i · (∂L/∂y_i − Σ_j ∂L/∂y_j · y_j)."""
    y = float_input(y, "y")
    return _along_axis(_C.softmax_backward, (y, same_as(y, gy, "gy", "y")), axis, out)


def log_softmax(x, axis=-1, out=None):
    """Log-softmax along ``axis``: y_i = x_i − max x − log Σ_j e^(x_j − max x)."""
    return _along_axis(_C.log_softmax_forward, (float_input(x),), axis, out)


def log_softmax_backward(y, gy, axis=-1, out=None):
    """Log-softmax': ∂L/∂x_i = ∂L/∂y_i − e^(y_i) · Σ_j ∂L/∂y_j."""
    y = float_input(y, "y")
    return _along_axis(_C.log_softmax_backward, (y, same_as(y, gy, "gy", "y")), axis, out)
