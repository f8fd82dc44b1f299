"""Hypothesis fuzzing of every public function of ``engine.nn.functional``.

Each function has a strategy that draws its arguments, valid and invalid alike (shapes that
do not fit, zero-sized axes, NaN and infinity in the data, bad settings).  A valid call must
give the same values and gradients on the native and the reference backend, in float32 and
float64; an invalid one must raise ValueError or TypeError on both.  A function added to
``F`` without a strategy here fails ``test_every_function_has_a_strategy``.
"""
import inspect

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.nn import functional as F
from fuzz_helpers import (FUZZ, Arr, Raw, bad_scalars, check, choose, dtypes, rarely, shapes,
                          values)

STRATEGIES = {}


def strategy(*names):
    """Register the decorated strategy for the functions ``names``; it draws
    (function, args, kwargs, known_bad)."""
    def register(make):
        for name in names:
            STRATEGIES[name] = make(name)
        return make
    return register


def public_functions():
    return sorted(name for name, fn in vars(F).items()
                  if not name.startswith("_") and inspect.isfunction(fn)
                  and fn.__module__.startswith(("engine.nn", "engine.ops")))


REDUCTIONS = st.sampled_from(["mean", "sum", "none"])
BAD_REDUCTIONS = st.sampled_from(["avg", "Mean", "", None, 1, True])


@strategy("relu", "sigmoid", "tanh", "silu", "softplus")
def _plain(name):
    @st.composite
    def draw_case(draw):
        dtype = draw(dtypes)
        x = draw(values(draw(shapes()), dtype))
        if rarely(draw, 3):       # not a float Tensor at all
            return getattr(F, name), [draw(st.sampled_from([x.astype(np.int64), "x", None]))], {}, \
                False
        return getattr(F, name), [Arr(x)], {}, False
    return draw_case()


@strategy("elu", "leaky_relu", "heaviside")
def _one_setting(name):
    @st.composite
    def draw_case(draw):
        x = draw(values(draw(shapes()), draw(dtypes)))
        setting, bad = choose(draw, st.floats(-3, 3))
        return getattr(F, name), [Arr(x), setting], {}, bad
    return draw_case()


@strategy("gelu")
def _gelu(name):
    @st.composite
    def draw_case(draw):
        x = draw(values(draw(shapes()), draw(dtypes)))
        approximate, bad = choose(draw, st.sampled_from(["none", "tanh"]),
                                  st.sampled_from(["fast", None, 1, ""]))
        return F.gelu, [Arr(x), approximate], {}, bad
    return draw_case()


@strategy("softmax", "log_softmax")
def _softmax(name):
    @st.composite
    def draw_case(draw):
        x = draw(values(draw(shapes(min_dims=1)), draw(dtypes)))
        n = x.ndim
        axis, bad = choose(draw, st.integers(-n, n - 1),
                           st.one_of(st.sampled_from([1.5, "0", True]),
                                     st.integers(n, n + 3), st.integers(-n - 3, -n - 1)))
        key = draw(st.sampled_from(["axis", "dim"]))
        return getattr(F, name), [Arr(x)], {key: axis}, bad
    return draw_case()


@strategy("prelu")
def _prelu(name):
    @st.composite
    def draw_case(draw):
        dtype = draw(dtypes)
        # NaN in x: see test_prelu_weight_gradient_keeps_nan below (a kernel difference
        # reported to the owners of the C kernels, not fuzzed here until it is fixed).
        x = draw(values(draw(shapes(min_dims=1)), dtype, special=False))
        c = x.shape[1] if x.ndim >= 2 else 1
        count = draw(st.sampled_from([1, c, c + 1, 0]))
        weight = draw(values((count,), dtype, special=False))
        return F.prelu, [Arr(x), Arr(weight)], {}, False
    return draw_case()


@strategy("linear")
def _linear(name):
    @st.composite
    def draw_case(draw):
        dtype = draw(dtypes)
        lead = draw(shapes(0, 2))
        n_in, n_out = draw(st.integers(0, 5)), draw(st.integers(0, 5))
        x = draw(values(lead + (n_in,), dtype))
        w_in = draw(st.sampled_from([n_in, n_in, n_in + 1]))
        weight = draw(values((n_out, w_in), dtype, special=False))
        bias = draw(st.sampled_from([None, n_out, n_out, n_out + 1]))
        args = [Arr(x), Arr(weight)]
        if bias is not None:
            args.append(Arr(draw(values((bias,), dtype, special=False))))
        return F.linear, args, {}, False
    return draw_case()


def _window(draw, dims, low, high):
    """An int or a tuple of ``dims`` ints in [low, high] (mostly), sometimes below ``low`` or
    malformed."""
    if rarely(draw, 30):
        return draw(st.sampled_from([1.5, "2", None, True, (1,) * (dims + 1), ()]))
    if rarely(draw, 30):
        return draw(st.sampled_from([low - 1, (low - 1,) * dims]))
    if draw(st.booleans()):
        return draw(st.integers(low, high))
    return tuple(draw(st.integers(low, high)) for _ in range(dims))


@strategy("conv1d", "conv2d", "conv3d")
def _conv(name):
    dims = int(name[4])

    @st.composite
    def draw_case(draw):
        dtype = draw(dtypes)
        groups = draw(st.sampled_from([1, 1, 1, 2, 2, 3, 0, -1]))
        g = max(groups, 1)
        c_in = g * draw(st.integers(1, 2)) + draw(st.sampled_from([0] * 7 + [1]))
        c_out = g * draw(st.integers(1, 2))
        n = draw(st.integers(0, 2))     # N = 0 too: an empty batch has zero weight gradients
        spatial = tuple(draw(st.integers(2, 7 if dims < 3 else 5)) for _ in range(dims))
        x = draw(values((n, c_in) + spatial, dtype, special=draw(st.booleans())))
        kernel = tuple(draw(st.integers(1, 3)) for _ in range(dims))
        weight = draw(values((c_out, max(c_in // g, 1)) + kernel, dtype, special=False))
        if n and rarely(draw, 9):
            x = x[0]                             # a batch axis missing
        kwargs = dict(stride=_window(draw, dims, 1, 3), dilation=_window(draw, dims, 1, 2),
                      groups=groups)
        kwargs["padding"] = draw(st.sampled_from(["same", "valid", "full"])) \
            if rarely(draw, 6) else _window(draw, dims, 0, 2)
        bias = None if draw(st.booleans()) else Arr(draw(values(
            (draw(st.sampled_from([c_out, c_out, c_out + 1])),), dtype, special=False)))
        return getattr(F, name), [Arr(x), Arr(weight), bias], kwargs, False
    return draw_case()


@strategy("conv_transpose2d")
def _conv_transpose(name):
    @st.composite
    def draw_case(draw):
        dtype = draw(dtypes)
        groups = draw(st.sampled_from([1, 1, 1, 1, 2, 2, 2, 0]))
        g = max(groups, 1)
        c_in = g * draw(st.integers(1, 2))
        c_out = g * draw(st.integers(1, 2))
        x = draw(values((draw(st.integers(1, 2)), c_in) + tuple(draw(st.integers(1, 5))
                                                               for _ in range(2)), dtype))
        weight = draw(values((c_in + draw(st.sampled_from([0] * 7 + [1])), c_out // g,
                              draw(st.integers(1, 3)), draw(st.integers(1, 3))), dtype,
                             special=False))
        kwargs = dict(stride=_window(draw, 2, 1, 3), padding=_window(draw, 2, 0, 1),
                      output_padding=_window(draw, 2, 0, 1), groups=groups,
                      dilation=_window(draw, 2, 1, 2))
        bias = None if draw(st.booleans()) else Arr(draw(values((c_out,), dtype, special=False)))
        return F.conv_transpose2d, [Arr(x), Arr(weight), bias], kwargs, False
    return draw_case()


@strategy("max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d")
def _pool(name):
    dims = int(name[-2])

    @st.composite
    def draw_case(draw):
        dtype = draw(dtypes)
        lead = () if rarely(draw, 10) else draw(st.sampled_from([(2, 3), (1, 1), (0, 2), (3,)]))
        # NaN into a 2-D max pool: test_max_pool_keeps_nan below (a kernel difference, reported)
        x = draw(values(lead + tuple(draw(st.integers(1, 8)) for _ in range(dims)), dtype,
                        special=name != "max_pool2d"))
        kernel = _window(draw, dims, 1, 4)
        kwargs = dict(kernel_size=kernel,
                      stride=None if draw(st.booleans()) else _window(draw, dims, 1, 3),
                      padding=_window(draw, dims, 0, 2) if rarely(draw, 3) else 0)
        if name == "max_pool2d" and rarely(draw, 10):
            kwargs[draw(st.sampled_from(["dilation", "ceil_mode", "return_indices"]))] = 2
        return getattr(F, name), [Arr(x)], kwargs, False
    return draw_case()


@strategy("adaptive_avg_pool2d")
def _adaptive(name):
    @st.composite
    def draw_case(draw):
        dtype = draw(dtypes)
        lead = draw(st.sampled_from([(2, 3), (1,), (0, 2), ()]))
        x = draw(values(lead + (draw(st.integers(0, 7)), draw(st.integers(0, 7))), dtype))
        size, bad = choose(draw, st.one_of(st.integers(1, 8), st.tuples(
            st.one_of(st.none(), st.integers(1, 8)), st.one_of(st.none(), st.integers(1, 8)))),
            st.sampled_from([0, -1, 2.5, "2", True, (2,), (2, 2, 2), (0, 1), (2.0, 2)]))
        return F.adaptive_avg_pool2d, [Arr(x), size], {}, bad
    return draw_case()


@strategy("interpolate", "upsample")
def _interpolate(name):
    @st.composite
    def draw_case(draw):
        dtype = draw(dtypes)
        dims = draw(st.sampled_from([1, 2, 2, 2, 3]))
        x = draw(values((draw(st.integers(0, 2)), 2) + tuple(draw(st.integers(1, 5))
                                                             for _ in range(dims)), dtype))
        mode = draw(st.sampled_from(["nearest"] * 3 + [{1: "linear"}.get(dims, "bilinear")] * 3 +
                                    ["linear", "bilinear", "cubic"]))
        align = None if mode == "nearest" and not rarely(draw, 8) else \
            draw(st.sampled_from([None, True, False, False, True, 1]))
        kwargs = dict(mode=mode, align_corners=align)
        if draw(st.booleans()):
            kwargs["size"], bad = choose(draw, st.one_of(
                st.integers(1, 9), st.lists(st.integers(1, 9), min_size=dims, max_size=dims)),
                st.sampled_from([0, -2, 2.5, "4", True, (3, 0), 10 ** 12]))
        else:
            kwargs["scale_factor"], bad = choose(draw, st.one_of(
                st.floats(0.3, 3.0), st.integers(1, 3),
                st.lists(st.floats(0.5, 2.5), min_size=dims, max_size=dims)),
                st.sampled_from([0, -2.0, float("nan"), float("inf"), "2", True, 1e12]))
        if rarely(draw, 10):
            kwargs["size"], kwargs["scale_factor"] = 4, 2.0
            bad = True
        return getattr(F, name), [Arr(x)], kwargs, bad
    return draw_case()


@strategy("batch_norm")
def _batch_norm(name):
    @st.composite
    def draw_case(draw):
        dtype = draw(dtypes)
        c = draw(st.integers(1, 4))
        shape = (draw(st.integers(0, 4)), c) + draw(shapes(0, 2, 1, 4))
        x = draw(values(shape, dtype))
        stats_c = draw(st.sampled_from([c, c, c, c + 1]))
        mean = Raw(draw(values((stats_c,), dtype, special=False)))
        var = Raw(draw(values((stats_c,), dtype, special=False, low=0.5, high=2.0)))
        training = draw(st.booleans())
        momentum, bad_m = choose(draw, st.floats(0, 1), st.sampled_from([-0.1, 1.5, float("nan"),
                                                                         "0.1", None]))
        eps, bad_e = choose(draw, st.floats(1e-6, 1e-2), st.sampled_from([0.0, -1e-5,
                                                                          float("nan"), "1e-5"]))
        weight = None if draw(st.booleans()) else Arr(draw(values((c,), dtype, special=False)))
        bias = None if draw(st.booleans()) else Arr(draw(values((c,), dtype, special=False)))
        return F.batch_norm, [Arr(x), mean, var, weight, bias, training, momentum, eps], {}, \
            bad_m or bad_e
    return draw_case()


@strategy("layer_norm")
def _layer_norm(name):
    @st.composite
    def draw_case(draw):
        dtype = draw(dtypes)
        x = draw(values(draw(shapes(1, 3, 0, 4)), dtype))
        k = draw(st.integers(1, x.ndim))
        normalized = tuple(x.shape[x.ndim - k:])
        if rarely(draw, 6):
            normalized = draw(st.sampled_from([(), (0,), (2.5,), "3", (x.shape[-1] + 1,)]))
        eps, bad = choose(draw, st.floats(1e-6, 1e-2), st.sampled_from([0.0, -1.0, float("nan"),
                                                                         "1e-5", None]))
        shape = normalized if isinstance(normalized, tuple) else ()
        weight = bias = None
        if draw(st.booleans()) and all(isinstance(d, int) for d in shape):
            weight = Arr(draw(values(shape, dtype, special=False)))
            bias = None if draw(st.booleans()) else Arr(draw(values(shape, dtype, special=False)))
        return F.layer_norm, [Arr(x), normalized, weight, bias, eps], {}, bad
    return draw_case()


@strategy("dropout", "dropout2d")
def _dropout(name):
    @st.composite
    def draw_case(draw):
        x = draw(values(draw(shapes(min_dims=1 if name == "dropout" else 2)), draw(dtypes)))
        p, bad = choose(draw, st.floats(0, 0.95), st.sampled_from(
            [1.0, -0.1, 1.5, float("nan"), float("inf"), "0.5", None, True]))
        training, bad_t = choose(draw, st.booleans(), st.sampled_from([1, "yes", None]), 6)
        return getattr(F, name), [Arr(x), p, training], {}, bad or bad_t
    return draw_case()


@strategy("embedding")
def _embedding(name):
    @st.composite
    def draw_case(draw):
        dtype = draw(dtypes)
        rows, dim = draw(st.integers(1, 6)), draw(st.integers(1, 4))
        weight = draw(values((rows, dim), dtype, special=False))
        shape = draw(shapes(0, 3, 0, 4))
        low, high = draw(st.sampled_from([(0, rows - 1), (0, rows - 1), (-2, rows - 1),
                                           (0, rows + 2)]))
        idx = np.random.default_rng(draw(st.integers(0, 999))).integers(low, high + 1, shape)
        bad = idx.size > 0 and (idx.min() < 0 or idx.max() >= rows)
        form = draw(st.sampled_from(range(10)))
        if form == 0:
            idx, bad = idx.astype(np.float64), True
        elif form == 1:
            idx, bad = Arr(idx.astype(dtype)), True
        elif form == 2:
            idx, bad = draw(st.sampled_from(["1", None, 1.5])), True
        return F.embedding, [idx, Arr(weight)], {}, bad
    return draw_case()


@strategy("one_hot")
def _one_hot(name):
    @st.composite
    def draw_case(draw):
        shape = draw(shapes(0, 3, 0, 4))
        low, high = draw(st.sampled_from([(0, 4), (0, 4), (-2, 4), (0, 9)]))
        labels = np.random.default_rng(draw(st.integers(0, 999))).integers(low, high + 1, shape)
        classes, bad = draw(st.sampled_from([-1, -1, 5, 10, 0, -3, 2.5, True, "5", None])), False
        if classes == -1:
            bad = labels.size == 0 or labels.min() < 0
        elif isinstance(classes, bool) or not isinstance(classes, int) or classes < 1:
            bad = True
        else:
            bad = labels.size > 0 and (labels.min() < 0 or labels.max() >= classes)
        form = draw(st.sampled_from(range(8)))
        if form == 0:
            labels, bad = labels.astype(np.float64), True
        elif form == 1:
            labels, bad = Arr(labels.astype(np.float32)), True
        elif form == 2:
            labels, bad = draw(st.sampled_from(["1", None, 1.5])), True
        else:
            labels = Arr(labels, grad=False)
        return F.one_hot, [labels, classes], {}, bad
    return draw_case()


@strategy("mse_loss", "l1_loss", "hinge_loss", "binary_cross_entropy",
          "binary_cross_entropy_with_logits", "smooth_l1_loss", "kl_div_normal")
def _pair_loss(name):
    @st.composite
    def draw_case(draw):
        dtype = draw(dtypes)
        shape = draw(shapes(0, 3))
        probabilities = name == "binary_cross_entropy"
        low, high = (0.01, 0.99) if probabilities else (None, None)
        a = draw(values(shape, dtype, low=low, high=high, special=not probabilities))
        other = shape if draw(st.integers(0, 5)) else draw(shapes(0, 3))
        if name == "hinge_loss":
            b = np.where(draw(values(other, dtype, special=False)) > 0, 1.0, -1.0).astype(dtype)
        elif name in ("binary_cross_entropy", "binary_cross_entropy_with_logits"):
            b = draw(values(other, dtype, low=0.0, high=1.0))
        else:
            b = draw(values(other, dtype))
        reduction, bad = choose(draw, REDUCTIONS, BAD_REDUCTIONS)
        kwargs = {"reduction": reduction}
        if name == "smooth_l1_loss":
            kwargs["beta"], bad_b = choose(draw, st.floats(0, 3), st.sampled_from(
                [-1.0, float("nan"), float("inf"), "1", None]))
            bad = bad or bad_b
        if name == "binary_cross_entropy_with_logits" and draw(st.booleans()):
            pos = draw(st.sampled_from([(), (1,), shape[-1:] if shape else (), (7,)]))
            kwargs["pos_weight"] = draw(values(pos, dtype, low=0.1, high=3.0))
            if rarely(draw, 5):
                kwargs["pos_weight"], bad = draw(st.sampled_from([np.array([-1.0]),
                                                                  np.array([np.nan])])), True
        return getattr(F, name), [Arr(a), Arr(b, grad=draw(st.booleans()))], kwargs, bad
    return draw_case()


@strategy("cross_entropy", "nll_loss")
def _class_loss(name):
    @st.composite
    def draw_case(draw):
        dtype = draw(dtypes)
        n, c = draw(st.integers(0, 5)), draw(st.integers(1, 5))
        extra = () if name == "cross_entropy" else draw(shapes(0, 2, 1, 3))
        logits = draw(values((n, c) + extra, dtype))
        low, high = draw(st.sampled_from([(0, c - 1), (0, c - 1), (-1, c - 1), (0, c)]))
        target = np.random.default_rng(draw(st.integers(0, 999))).integers(low, high + 1,
                                                                          (n,) + extra)
        bad = target.size > 0 and (target.min() < 0 or target.max() >= c)
        kwargs = {}
        kwargs["reduction"], bad_r = choose(draw, REDUCTIONS, BAD_REDUCTIONS)
        if draw(st.booleans()):
            w_len = draw(st.sampled_from([c, c, c + 1]))
            kwargs["weight"] = draw(values((w_len,), dtype, low=0.1, high=2.0))
        if name == "cross_entropy":
            kwargs["label_smoothing"], bad_s = choose(draw, st.floats(0, 1), st.sampled_from(
                [-0.1, 1.5, float("nan"), "0.1", None]))
        else:
            bad_s = False
            if bad and draw(st.booleans()):
                kwargs["ignore_index"], bad = -1 if low < 0 else c, False
        if rarely(draw, 10):
            target, bad = target.astype(np.float64), True
        return getattr(F, name), [Arr(logits), target], kwargs, bad or bad_r or bad_s
    return draw_case()


def test_every_function_has_a_strategy():
    missing = [name for name in public_functions() if name not in STRATEGIES]
    assert not missing, f"engine.nn.functional functions without a fuzz strategy: {missing}"
    extra = [name for name in STRATEGIES if name not in public_functions()]
    assert not extra, f"strategies for functions that are gone: {extra}"


COUNTS = {}


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_fuzz_functional(name):
    counts = COUNTS.setdefault(name, {"accepted": 0, "refused": 0})

    @FUZZ
    @given(STRATEGIES[name])
    def fuzz(case):
        fn, args, kwargs, bad = case
        counts[check(fn, args, kwargs, bad=bad)] += 1

    fuzz()


def test_bad_scalars_are_in_every_setting_strategy():
    # The shared list really holds values of every bad kind (a guard against trimming it).
    kinds = {type(v).__name__ for v in bad_scalars.wrapped_strategy.elements} \
        if hasattr(bad_scalars, "wrapped_strategy") else None
    assert kinds is None or {"float", "bool", "str", "NoneType", "complex"} <= kinds


def test_prelu_weight_gradient_keeps_nan():
    x = np.array([[1.0, np.nan, -2.0]]).reshape(1, 1, 3)
    assert check(F.prelu, [Arr(x), Arr(np.array([0.25]))]) == "accepted"


@pytest.mark.parametrize("name, weight", [("conv1d", (4, 1, 1)), ("conv2d", (3, 2, 2, 2)),
                                          ("conv_transpose2d", (2, 3, 2, 2))])
def test_conv_weight_gradient_of_an_empty_batch(name, weight):
    x = np.zeros((0, 2) + (3,) * (len(weight) - 2), dtype=np.float32)
    groups = 2 if name == "conv1d" else 1
    w = np.random.default_rng(0).standard_normal(weight).astype(np.float32)
    for _ in range(3):         # uninitialised memory is not always garbage: try a few times
        assert check(getattr(F, name), [Arr(x), Arr(w)], {"groups": groups}) == "accepted"
        fn = getattr(F, name)
        from engine import Tensor
        wt = Tensor(w, requires_grad=True)
        fn(Tensor(x), wt, groups=groups).sum().backward()
        np.testing.assert_array_equal(wt.grad.numpy(), 0)


@pytest.mark.parametrize("name", ["max_pool2d"])
def test_max_pool_keeps_nan(name):
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4) if name == "max_pool1d" else \
        np.arange(48, dtype=np.float32).reshape(2, 3, 2, 4)
    x.reshape(-1)[5] = np.nan
    assert check(getattr(F, name), [Arr(x), 2]) == "accepted"
