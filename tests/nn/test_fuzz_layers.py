"""Hypothesis fuzzing of every layer constructor in ``engine.nn`` (losses included).

Settings are drawn valid and invalid alike; an invalid one must be refused when the layer is
built, with ValueError or TypeError.  A layer that builds is then applied to a drawn input
(which may not fit it) on the native and the reference backend: the outputs and the input's
gradient must agree, or both backends must refuse the input with ValueError/TypeError.  A
layer added to ``engine.nn`` without a strategy here fails ``test_every_layer_has_a_strategy``.
"""
import inspect
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import engine
from engine import nn
from fuzz_helpers import (DOCUMENTED, FUZZ, Arr, check, choose, dtypes, rarely, shapes,
                          values)

BAD_SIZES = st.sampled_from([0, -1, 2.7, 3.0, True, "3", None, math.nan])
BAD_FLAGS = st.sampled_from([0, 1, "yes", None])
BAD_REALS = st.sampled_from([math.nan, math.inf, -math.inf, True, "0.1", None])
sizes = st.integers(1, 4)
NOT_LAYERS = {"Module", "Sequential", "ModuleList", "ModuleDict"}
STRATEGIES = {}


def strategy(*names):
    def register(make):
        for name in names:
            STRATEGIES[name] = make(name)
        return make
    return register


def layer_classes():
    return sorted(name for name in nn.__all__ if inspect.isclass(getattr(nn, name))
                  and issubclass(getattr(nn, name), nn.Module) and name not in NOT_LAYERS)


class Case:
    """A drawn layer: its class, settings, whether they are known bad, and its inputs (a
    function of the built layer: a list of Arr or plain values)."""

    def __init__(self, cls, args=(), kwargs=None, bad=False, inputs=None):
        self.cls, self.args, self.kwargs = cls, tuple(args), dict(kwargs or {})
        self.bad, self.inputs = bad, inputs

    def __repr__(self):
        return f"{self.cls.__name__}(*{self.args!r}, **{self.kwargs!r}) bad={self.bad}"


def check_layer(case):
    try:
        layer = case.cls(*case.args, **case.kwargs)
    except DOCUMENTED:
        return "refused"
    except Exception as err:    # noqa: BLE001
        raise AssertionError(f"{case!r} raised {type(err).__name__}: {err}") from err
    assert not case.bad, f"{case!r} was built from an invalid setting"
    if case.inputs is None:
        return "built"
    inputs = case.inputs(layer)

    def apply(*xs):
        engine.manual_seed(1)           # the same weights on both backends
        fresh = case.cls(*case.args, **case.kwargs)
        return fresh(*xs)
    apply.__name__ = case.cls.__name__
    return check(apply, inputs)


def _input(draw, shape, dtype):
    """An input of ``shape``, or (one time in eight) of another shape."""
    if rarely(draw, 8):
        shape = draw(shapes(0, 5))
    return Arr(draw(values(shape, dtype)))


@strategy("ReLU", "Sigmoid", "Tanh", "Softplus", "SiLU", "Identity")
def _plain(name):
    @st.composite
    def draw_case(draw):
        x = draw(values(draw(shapes()), draw(dtypes)))
        args, kwargs, bad = [], {}, False
        if rarely(draw, 4):        # a setting these layers do not have
            args, bad = [draw(st.sampled_from([0.5, "x", None]))], True
        elif name != "Identity" and rarely(draw, 4):
            kwargs["inplace"], bad = choose(draw, st.booleans(), BAD_FLAGS, 2)
        return Case(getattr(nn, name), args, kwargs, bad, inputs=lambda layer: [Arr(x)])
    return draw_case()


@strategy("LeakyReLU", "ELU", "Heaviside")
def _one_setting(name):
    @st.composite
    def draw_case(draw):
        value, bad = choose(draw, st.floats(-3, 3), BAD_REALS)
        x = draw(values(draw(shapes()), draw(dtypes)))
        return Case(getattr(nn, name), [value], bad=bad, inputs=lambda layer: [Arr(x)])
    return draw_case()


@strategy("PReLU")
def _prelu(name):
    @st.composite
    def draw_case(draw):
        count, bad = choose(draw, sizes, BAD_SIZES)
        init, bad_i = choose(draw, st.floats(-1, 1), BAD_REALS)
        dtype = draw(dtypes)
        c = count if isinstance(count, int) and not bad else 1
        shape = (draw(st.integers(0, 3)), draw(st.sampled_from([c, c, c + 1]))) + \
            draw(shapes(0, 2))
        x = draw(values(shape, dtype, special=False))   # NaN: see test_fuzz_functional
        return Case(nn.PReLU, [count, init], {"dtype": dtype}, bad or bad_i,
                    lambda layer: [Arr(x)])
    return draw_case()


@strategy("GELU")
def _gelu(name):
    @st.composite
    def draw_case(draw):
        approximate, bad = choose(draw, st.sampled_from(["none", "tanh"]),
                                  st.sampled_from(["fast", None, 0]))
        x = draw(values(draw(shapes()), draw(dtypes)))
        return Case(nn.GELU, [approximate], bad=bad, inputs=lambda layer: [Arr(x)])
    return draw_case()


@strategy("Softmax", "LogSoftmax")
def _softmax(name):
    @st.composite
    def draw_case(draw):
        x = draw(values(draw(shapes(1, 4)), draw(dtypes)))
        dim, bad = choose(draw, st.integers(-4, 3), st.sampled_from([1.5, "0", True]))
        return Case(getattr(nn, name), kwargs={"dim": dim}, bad=bad,
                    inputs=lambda layer: [Arr(x)])
    return draw_case()


@strategy("Linear", "Dense")
def _linear(name):
    @st.composite
    def draw_case(draw):
        n_in, bad_in = choose(draw, sizes, BAD_SIZES)
        n_out, bad_out = choose(draw, sizes, BAD_SIZES)
        bias, bad_b = choose(draw, st.booleans(), BAD_FLAGS, 8)
        dtype = draw(dtypes)
        lead = draw(shapes(0, 2))
        return Case(getattr(nn, name), [n_in, n_out], {"bias": bias, "dtype": dtype},
                    bad_in or bad_out or bad_b,
                    lambda layer: [_input(draw, lead + (layer.in_features,), dtype)])
    return draw_case()


def _window(draw, dims, low, high):
    """(value, bad): an int or a tuple of ``dims`` ints in [low, high], or a malformed one."""
    if rarely(draw, 16):
        return draw(st.sampled_from([1.5, "2", None, True, (1,) * (dims + 1), (), (low - 1,) * dims])), True
    if draw(st.booleans()):
        return draw(st.integers(low, high)), False
    return tuple(draw(st.integers(low, high)) for _ in range(dims)), False


@strategy("Conv1d", "Conv2d", "Conv3d", "ConvTranspose2d")
def _conv(name):
    cls = getattr(nn, name)
    dims = cls.dims

    @st.composite
    def draw_case(draw):
        groups, bad_g = choose(draw, st.sampled_from([1, 1, 2]), BAD_SIZES, 8)
        g = groups if isinstance(groups, int) and not bad_g else 1
        c_in, bad_i = choose(draw, st.integers(1, 2).map(lambda k: k * g), BAD_SIZES, 8)
        c_out, bad_o = choose(draw, st.integers(1, 2).map(lambda k: k * g), BAD_SIZES, 8)
        kernel, bad_k = _window(draw, dims, 1, 3)
        stride, bad_s = _window(draw, dims, 1, 2)
        padding, bad_p = _window(draw, dims, 0, 1)
        dilation, bad_d = _window(draw, dims, 1, 2)
        bias, bad_b = choose(draw, st.booleans(), BAD_FLAGS, 8)
        kwargs = dict(stride=stride, padding=padding, dilation=dilation, groups=groups,
                      bias=bias, dtype=draw(dtypes))
        if cls.transposed:
            # output_padding must stay below the stride (checked at the first forward)
            kwargs["output_padding"] = draw(st.integers(0, 1))
        bad = bad_g or bad_i or bad_o or bad_k or bad_s or bad_p or bad_d or bad_b
        spatial = tuple(draw(st.integers(3, 7 if dims < 3 else 5)) for _ in range(dims))
        n = draw(st.integers(1, 2))     # N = 0: see test_fuzz_functional (empty batch)
        return Case(cls, [c_in, c_out, kernel], kwargs, bad,
                    lambda layer: [_input(draw, (n, layer.in_channels) + spatial,
                                          layer.weight.dtype)])
    return draw_case()


@strategy("MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d")
def _pool(name):
    dims = int(name[-2])

    @st.composite
    def draw_case(draw):
        kernel, bad_k = _window(draw, dims, 1, 4)
        stride, bad_s = (None, False) if draw(st.booleans()) else _window(draw, dims, 1, 3)
        bad_s = bad_s and stride is not None        # None: the stride is the kernel size
        padding, bad_p = _window(draw, dims, 0, 2)
        k = (kernel,) * dims if isinstance(kernel, int) else kernel
        p = (padding,) * dims if isinstance(padding, int) else padding
        bad = bad_k or bad_s or bad_p
        if not bad and any(pi > ki // 2 for pi, ki in zip(p, k)):
            bad = True                  # padding beyond half the window
        dtype = draw(dtypes)
        shape = (draw(st.integers(0, 2)), 2) + tuple(draw(st.integers(1, 7)) for _ in range(dims))
        nan_ok = name != "MaxPool2d"        # no NaN into a 2-D max pool: see test_fuzz_functional
        return Case(getattr(nn, name), [kernel], {"stride": stride, "padding": padding}, bad,
                    lambda layer: [Arr(draw(values(shape, dtype, special=nan_ok)))])
    return draw_case()


@strategy("AdaptiveAvgPool2d")
def _adaptive(name):
    @st.composite
    def draw_case(draw):
        size, bad = choose(draw, st.one_of(sizes, st.tuples(st.one_of(st.none(), sizes),
                                                            st.one_of(st.none(), sizes))),
                           st.sampled_from([0, -1, 2.5, True, "2", (2,), (0, 2), (2, 2, 2)]))
        shape = (draw(st.integers(1, 2)), 2, draw(st.integers(1, 6)), draw(st.integers(1, 6)))
        dtype = draw(dtypes)
        return Case(nn.AdaptiveAvgPool2d, [size], bad=bad,
                    inputs=lambda layer: [_input(draw, shape, dtype)])
    return draw_case()


@strategy("Flatten")
def _flatten(name):
    @st.composite
    def draw_case(draw):
        start, bad_s = choose(draw, st.integers(-4, 3), st.sampled_from([1.5, "1", None]))
        end, bad_e = choose(draw, st.integers(-4, 3), st.sampled_from([1.5, "1", None]))
        x = draw(values(draw(shapes(0, 4)), draw(dtypes)))
        return Case(nn.Flatten, [start, end], bad=bad_s or bad_e, inputs=lambda layer: [Arr(x)])
    return draw_case()


@strategy("Reshape")
def _reshape(name):
    @st.composite
    def draw_case(draw):
        # shapes of the 12 features of each sample (one in seven drawn not to fit)
        dims = list(draw(st.sampled_from([(12,), (3, 4), (2, 6), (2, 2, 3), (-1,), (3, -1),
                                          (-1, 2, 2), (5,)])))
        bad = False
        if rarely(draw, 6):
            dims[0], bad = draw(st.sampled_from([0, -2, 2.5, "2", True])), True
        elif rarely(draw, 8):
            dims, bad = [-1, -1], True
        x = draw(values((draw(st.integers(1, 3)), 12), draw(dtypes)))
        return Case(nn.Reshape, dims, bad=bad, inputs=lambda layer: [Arr(x)])
    return draw_case()


@strategy("Dropout", "Dropout2d")
def _dropout(name):
    @st.composite
    def draw_case(draw):
        p, bad = choose(draw, st.floats(0, 0.9), st.sampled_from([1.0, -0.5, math.nan, "0.5",
                                                                   None, True]))
        x = draw(values(draw(shapes(2, 4)), draw(dtypes)))
        return Case(getattr(nn, name), [p], bad=bad, inputs=lambda layer: [Arr(x)])
    return draw_case()


@strategy("BatchNorm1d", "BatchNorm2d")
def _batch_norm(name):
    @st.composite
    def draw_case(draw):
        c, bad_c = choose(draw, sizes, BAD_SIZES)
        eps, bad_e = choose(draw, st.floats(1e-6, 1e-2), st.sampled_from([0.0, -1.0, math.nan,
                                                                         "1e-5"]))
        momentum, bad_m = choose(draw, st.one_of(st.none(), st.floats(0, 1)),
                                 st.sampled_from([-0.1, 1.5, math.inf, "0.1"]))
        affine, bad_a = choose(draw, st.booleans(), BAD_FLAGS, 8)
        dtype = draw(dtypes)
        spatial = (draw(st.integers(1, 3)),) * (2 if name == "BatchNorm2d" else
                                                draw(st.integers(0, 1)))
        n = draw(st.integers(2, 4))
        return Case(getattr(nn, name), [c], dict(eps=eps, momentum=momentum, affine=affine,
                                                 dtype=dtype), bad_c or bad_e or bad_m or bad_a,
                    lambda layer: [_input(draw, (n, layer.num_features) + spatial, dtype)])
    return draw_case()


@strategy("LayerNorm")
def _layer_norm(name):
    @st.composite
    def draw_case(draw):
        shape, bad = choose(draw, st.one_of(sizes, st.lists(sizes, min_size=1, max_size=2)
                                            .map(tuple)),
                            st.sampled_from([0, 2.5, True, "3", (), (2, 0), None]))
        eps, bad_e = choose(draw, st.floats(1e-6, 1e-2), st.sampled_from([0.0, math.nan, "1"]))
        dtype = draw(dtypes)
        lead = draw(shapes(0, 2, 1, 3))
        return Case(nn.LayerNorm, [shape], dict(eps=eps, dtype=dtype), bad or bad_e,
                    lambda layer: [_input(draw, lead + layer.normalized_shape, dtype)])
    return draw_case()


@strategy("RNN", "LSTM")
def _rnn(name):
    @st.composite
    def draw_case(draw):
        n_in, bad_i = choose(draw, sizes, BAD_SIZES, 6)
        hidden, bad_h = choose(draw, sizes, BAD_SIZES, 6)
        layers, bad_l = choose(draw, st.integers(1, 2), BAD_SIZES, 6)
        batch_first, bad_f = choose(draw, st.booleans(), BAD_FLAGS, 8)
        dtype = draw(dtypes)
        kwargs = dict(num_layers=layers, batch_first=batch_first, dtype=dtype)
        bad = bad_i or bad_h or bad_l or bad_f
        if name == "RNN":
            kwargs["nonlinearity"], bad_n = choose(draw, st.sampled_from(["tanh", "relu"]),
                                                   st.sampled_from(["sigmoid", None]), 8)
            bad = bad or bad_n
        t, n = draw(st.integers(1, 3)), draw(st.integers(1, 2))
        return Case(getattr(nn, name), [n_in, hidden], kwargs, bad,
                    lambda layer: [_input(draw, (t, n, layer.input_size), dtype)])
    return draw_case()


@strategy("Embedding")
def _embedding(name):
    @st.composite
    def draw_case(draw):
        rows, bad_r = choose(draw, sizes, BAD_SIZES)
        dim, bad_d = choose(draw, sizes, BAD_SIZES)
        seed = draw(st.integers(0, 999))
        high = draw(st.sampled_from([0, 0, 2]))

        def inputs(layer):
            rng = np.random.default_rng(seed)
            return [rng.integers(0, layer.num_embeddings + high, draw(shapes(0, 2)))]
        return Case(nn.Embedding, [rows, dim], {"dtype": draw(dtypes)}, bad_r or bad_d, inputs)
    return draw_case()


@strategy("Upsample")
def _upsample(name):
    @st.composite
    def draw_case(draw):
        kwargs, bad = {}, False
        if draw(st.booleans()):
            kwargs["scale_factor"], bad = choose(draw, st.sampled_from([1, 2, 1.5, (2, 1)]),
                                                 st.sampled_from([0, -2, math.nan, math.inf,
                                                                  "2", True]))
        else:
            kwargs["size"], bad = choose(draw, st.sampled_from([3, (4, 5), 1]),
                                         st.sampled_from([0, -1, 2.5, "4", True, (3, 0)]))
        kwargs["mode"] = draw(st.sampled_from(["nearest", "nearest", "bilinear", "cubic"]))
        bad = bad or kwargs["mode"] == "cubic"
        dtype = draw(dtypes)
        shape = (draw(st.integers(1, 2)), 2, draw(st.integers(1, 4)), draw(st.integers(1, 4)))
        return Case(nn.Upsample, kwargs=kwargs, bad=bad,
                    inputs=lambda layer: [_input(draw, shape, dtype)])
    return draw_case()


@strategy("MSELoss", "L1Loss", "HingeLoss", "BCELoss", "BCEWithLogitsLoss", "KLDivNormal",
          "SmoothL1Loss")
def _pair_loss(name):
    @st.composite
    def draw_case(draw):
        reduction, bad = choose(draw, st.sampled_from(["mean", "sum", "none"]),
                                st.sampled_from(["avg", None, 1, ""]))
        kwargs = {"reduction": reduction}
        if name == "SmoothL1Loss":
            kwargs["beta"], bad_b = choose(draw, st.floats(0, 2), BAD_REALS)
            bad = bad or bad_b
        dtype = draw(dtypes)
        shape = draw(shapes(1, 3, 1, 4))
        low, high = (0.05, 0.95) if name == "BCELoss" else (-2.0, 2.0)
        a = draw(values(shape, dtype, special=False, low=low, high=high))
        b = draw(values(shape, dtype, special=False, low=0.0, high=1.0))
        if name == "HingeLoss":
            b = np.where(b > 0.5, 1.0, -1.0).astype(dtype)     # targets ±1
        return Case(getattr(nn, name), kwargs=kwargs, bad=bad,
                    inputs=lambda layer: [Arr(a), Arr(b, grad=False)])
    return draw_case()


@strategy("CrossEntropyLoss", "NLLLoss")
def _class_loss(name):
    @st.composite
    def draw_case(draw):
        c = draw(st.integers(1, 4))
        kwargs, bad = {}, False
        kwargs["reduction"], bad_r = choose(draw, st.sampled_from(["mean", "sum", "none"]),
                                            st.sampled_from(["avg", None]))
        if draw(st.booleans()):
            kwargs["weight"], bad_w = choose(draw, st.just(np.linspace(0.5, 2.0, c)),
                                             st.sampled_from([np.ones((2, 2)), np.array([-1.0]),
                                                              np.array([np.nan]), "w"]))
            bad = bad or bad_w
        if name == "CrossEntropyLoss":
            kwargs["label_smoothing"], bad_s = choose(draw, st.floats(0, 1), BAD_REALS)
            bad = bad or bad_s
        else:
            kwargs["ignore_index"], bad_x = choose(draw, st.just(-100), st.sampled_from([1.5, "x"]))
            bad = bad or bad_x
        dtype = draw(dtypes)
        n = draw(st.integers(1, 4))
        logits = draw(values((n, c), dtype, special=False))
        target = np.random.default_rng(draw(st.integers(0, 99))).integers(0, c, n)
        return Case(getattr(nn, name), kwargs=kwargs, bad=bad or bad_r,
                    inputs=lambda layer: [Arr(logits), target])
    return draw_case()


def test_every_layer_has_a_strategy():
    missing = [name for name in layer_classes() if name not in STRATEGIES]
    assert not missing, f"engine.nn layers without a fuzz strategy: {missing}"


COUNTS = {}


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_fuzz_layer(name):
    counts = COUNTS.setdefault(name, {})

    @FUZZ
    @given(STRATEGIES[name])
    def fuzz(case):
        outcome = check_layer(case)
        counts[outcome] = counts.get(outcome, 0) + 1

    fuzz()
    assert counts.get("refused", 0) > 0, f"{name}: no invalid setting was drawn"
