"""Layers, losses, initialisers and gradient clipping refuse bad settings when they are built,
with a ValueError/TypeError naming the setting (never a crash, a NaN later, or silence)."""
import math

import numpy as np
import pytest

from engine import nn
from engine.nn import Parameter, init
from engine.nn import functional as F
from engine.nn.utils import clip_grad_norm_, clip_grad_value_

NAN, INF = math.nan, math.inf
BAD_SIZES = [0, -1, 2.7, 3.0, True, False, "3", None, NAN, INF]
BAD_FLAGS = [0, 1, "yes", None, 1.0]
BAD_REALS = [(NAN, ValueError), (INF, ValueError), (-INF, ValueError), (True, TypeError),
             ("0.5", TypeError), (None, TypeError), (1j, TypeError)]


def sizes(make, name):
    return [(lambda v=v: make(v), (ValueError, TypeError), name) for v in BAD_SIZES]


def flags(make, name):
    return [(lambda v=v: make(v), TypeError, name) for v in BAD_FLAGS]


def reals(make, name, extra=()):
    return [(lambda v=v: make(v), e, name) for v, e in list(BAD_REALS) + list(extra)]


def windows(make, name, dims, minimum, none_ok=False):
    bad = [2.5, True, "2", (2,) * (dims + 1), [], (2.0,) * dims, (True,) * dims,
           minimum - 1, (minimum - 1,) * dims] + ([] if none_ok else [None])
    return [(lambda v=v: make(v), (ValueError, TypeError), name) for v in bad]


LAYER_CASES = {
    "Linear": sizes(lambda v: nn.Linear(v, 3), "in_features") +
    sizes(lambda v: nn.Linear(3, v), "out_features") + flags(lambda v: nn.Linear(3, 3, bias=v), "bias"),
    **{cls.__name__: sizes(lambda v, c=cls: c(v, 4, 3), "in_channels") +
       sizes(lambda v, c=cls: c(4, v, 3), "out_channels") +
       windows(lambda v, c=cls: c(4, 4, v), "kernel_size", cls.dims, 1) +
       windows(lambda v, c=cls: c(4, 4, 3, stride=v), "stride", cls.dims, 1) +
       windows(lambda v, c=cls: c(4, 4, 3, dilation=v), "dilation", cls.dims, 1) +
       windows(lambda v, c=cls: c(4, 4, 3, padding=v), "padding", cls.dims, 0) +
       sizes(lambda v, c=cls: c(4, 4, 3, groups=v), "groups") +
       [(lambda c=cls: c(4, 6, 3, groups=4), ValueError, "groups"),
        (lambda c=cls: c(4, 4, 3, bias=1), TypeError, "bias")]
       for cls in (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose2d)},
    "Conv2d padding string": [
        (lambda: nn.Conv2d(2, 2, 3, padding="full"), ValueError, "padding"),
        (lambda: nn.Conv2d(2, 2, 3, padding="same", stride=2), ValueError, "stride"),
        (lambda: nn.ConvTranspose2d(2, 2, 3, padding="same"), ValueError, "padding")],
    **{cls.__name__: windows(lambda v, c=cls: c(v), "kernel_size", dims, 1) +
       windows(lambda v, c=cls: c(2, stride=v), "stride", dims, 1, none_ok=True) +
       windows(lambda v, c=cls: c(4, padding=v), "padding", dims, 0) +
       [(lambda c=cls: c(2, padding=2), ValueError, "padding")]
       for cls, dims in ((nn.MaxPool1d, 1), (nn.MaxPool2d, 2), (nn.AvgPool1d, 1),
                         (nn.AvgPool2d, 2))},
    "AdaptiveAvgPool2d": [(lambda v=v: nn.AdaptiveAvgPool2d(v), (ValueError, TypeError),
                           "output_size") for v in (0, -1, 2.5, True, "2", (2,), (2, 2, 2),
                                                    (0, 2), (2.0, 2))],
    "Flatten": [(lambda v=v: nn.Flatten(v), TypeError, "start_dim") for v in (1.5, "1", None, True)] +
    [(lambda v=v: nn.Flatten(1, v), TypeError, "end_dim") for v in (1.5, "1", None)],
    "Reshape": [(lambda v=v: nn.Reshape(*v), ValueError, "Reshape")
                for v in ((2.5,), (0, 4), (-1, -1), ("4",), (True, 4), (-2, 3))],
    **{cls.__name__: reals(lambda v, c=cls: c(v), "dropout probability",
                           [(-0.1, ValueError), (1.0, ValueError), (1.5, ValueError)]) +
       flags(lambda v, c=cls: c(0.5, inplace=v), "inplace")
       for cls in (nn.Dropout, nn.Dropout2d)},
    **{cls.__name__: sizes(lambda v, c=cls: c(v), "num_features") +
       reals(lambda v, c=cls: c(3, eps=v), "eps", [(0.0, ValueError), (-1e-5, ValueError)]) +
       [case for case in reals(lambda v, c=cls: c(3, momentum=v), "momentum",
                               [(-0.1, ValueError), (1.1, ValueError)])
        if case[0].__defaults__[0] is not None] +        # momentum=None: a cumulative average
       flags(lambda v, c=cls: c(3, affine=v), "affine") +
       flags(lambda v, c=cls: c(3, track_running_stats=v), "track_running_stats")
       for cls in (nn.BatchNorm1d, nn.BatchNorm2d)},
    "LayerNorm": sizes(lambda v: nn.LayerNorm(v), "normalized_shape") +
    [(lambda v=v: nn.LayerNorm(v), (ValueError, TypeError), "normalized_shape")
     for v in ((), (3, 0), (3, 2.5), [True])] +
    reals(lambda v: nn.LayerNorm(3, eps=v), "eps", [(0.0, ValueError), (-1.0, ValueError)]) +
    flags(lambda v: nn.LayerNorm(3, elementwise_affine=v), "elementwise_affine"),
    "Embedding": sizes(lambda v: nn.Embedding(v, 3), "num_embeddings") +
    sizes(lambda v: nn.Embedding(5, v), "embedding_dim"),
    **{cls.__name__: sizes(lambda v, c=cls: c(v, 4), "input_size") +
       sizes(lambda v, c=cls: c(3, v), "hidden_size") +
       sizes(lambda v, c=cls: c(3, 4, num_layers=v), "num_layers") +
       flags(lambda v, c=cls: c(3, 4, bias=v), "bias") +
       flags(lambda v, c=cls: c(3, 4, batch_first=v), "batch_first")
       for cls in (nn.RNN, nn.LSTM)},
    "RNN nonlinearity": [(lambda v=v: nn.RNN(3, 4, nonlinearity=v), ValueError, "nonlinearity")
                         for v in ("sigmoid", None, 1)],
    "Upsample": [(lambda v=v: nn.Upsample(scale_factor=v), (ValueError, TypeError), "scale_factor")
                 for v in (0, -2, NAN, INF, True, "2", None and 0, (2, NAN), (), (0.0, 2))] +
    [(lambda v=v: nn.Upsample(size=v), (ValueError, TypeError), "size")
     for v in (0, -3, 2.5, True, "8", (8, 0), (8, 2.5))] +
    [(lambda: nn.Upsample(), ValueError, "exactly one"),
     (lambda: nn.Upsample(size=4, scale_factor=2), ValueError, "exactly one"),
     (lambda: nn.Upsample(scale_factor=2, mode="cubic"), ValueError, "mode"),
     (lambda: nn.Upsample(scale_factor=2, mode="bilinear", align_corners=1), TypeError,
      "align_corners"),
     (lambda: nn.Upsample(scale_factor=2, align_corners=True), ValueError, "align_corners")],
    "LeakyReLU": reals(lambda v: nn.LeakyReLU(v), "negative_slope"),
    "ELU": reals(lambda v: nn.ELU(v), "alpha"),
    "Heaviside": reals(lambda v: nn.Heaviside(v), "value_at_zero"),
    "PReLU": sizes(lambda v: nn.PReLU(v), "num_parameters") + reals(lambda v: nn.PReLU(1, v), "init"),
    "GELU": [(lambda v=v: nn.GELU(v), ValueError, "approximate") for v in ("fast", None)],
}

LOSS_CASES = {
    **{cls.__name__: [(lambda v=v, c=cls: c(reduction=v), ValueError, "reduction")
                      for v in ("avg", "Mean", None, 1, "")]
       for cls in (nn.MSELoss, nn.L1Loss, nn.SmoothL1Loss, nn.NLLLoss, nn.HingeLoss,
                   nn.CrossEntropyLoss, nn.BCELoss, nn.BCEWithLogitsLoss, nn.KLDivNormal)},
    "SmoothL1Loss beta": reals(lambda v: nn.SmoothL1Loss(beta=v), "beta", [(-1.0, ValueError)]),
    "CrossEntropyLoss settings": reals(lambda v: nn.CrossEntropyLoss(label_smoothing=v),
                                       "label_smoothing", [(-0.1, ValueError), (1.1, ValueError)]) +
    [(lambda v=v: nn.CrossEntropyLoss(weight=v), e, "weight")
     for v, e in ((np.ones((2, 2)), ValueError), (np.array([1.0, NAN]), ValueError),
                  (np.array([1.0, -1.0]), ValueError), (np.array([1.0, INF]), ValueError),
                  ("ab", TypeError), (np.array(["a", "b"]), TypeError),
                  (np.array([True, False]), TypeError), (np.array(1.0), ValueError))],
    "NLLLoss settings": [(lambda v=v: nn.NLLLoss(ignore_index=v), TypeError, "ignore_index")
                         for v in (1.5, "x", None)] +
    [(lambda v=v: nn.NLLLoss(weight=v), (ValueError, TypeError), "weight")
     for v in (np.ones((2, 2)), np.array([NAN, 1.0]), np.array([-1.0, 1.0]))],
    "BCEWithLogitsLoss pos_weight": [(lambda v=v: nn.BCEWithLogitsLoss(pos_weight=v),
                                      (ValueError, TypeError), "pos_weight")
                                     for v in (np.array([NAN]), np.array([-2.0]), "3",
                                               np.array([INF, 1.0]))],
}

FUNCTION_CASES = {
    "init": [(lambda v=v: init.xavier_uniform_(Parameter(np.zeros((3, 4))), gain=v), e, "gain")
             for v, e in BAD_REALS + [(-1.0, ValueError)]] +
    [(lambda v=v: init.xavier_normal_(Parameter(np.zeros((3, 4))), gain=v), e, "gain")
     for v, e in BAD_REALS] +
    [(lambda v=v: init.kaiming_uniform_(Parameter(np.zeros((3, 4))), a=v), e, "a")
     for v, e in BAD_REALS] +
    [(lambda v=v: init.kaiming_normal_(Parameter(np.zeros((3, 4))), mode=v), ValueError, "mode")
     for v in ("fan", None, 0)] +
    [(lambda v=v: init.kaiming_normal_(Parameter(np.zeros((3, 4))), nonlinearity=v), ValueError,
      "nonlinearity") for v in ("swish", None, 3)] +
    [(lambda v=v: init.calculate_gain("leaky_relu", v), e, "negative_slope")
     for v, e in BAD_REALS if v is not None] +
    [(lambda v=v: init.uniform_(Parameter(np.zeros(3)), a=v), e, "a") for v, e in BAD_REALS] +
    [(lambda: init.uniform_(Parameter(np.zeros(3)), 2.0, 1.0), ValueError, "a <= b")] +
    [(lambda v=v: init.normal_(Parameter(np.zeros(3)), std=v), e, "std")
     for v, e in BAD_REALS + [(-1.0, ValueError)]] +
    [(lambda v=v: init.normal_(v), TypeError, "Tensor") for v in (np.zeros(3), None, [1.0])] +
    [(lambda: init.constant_(Parameter(np.zeros(3)), "1"), TypeError, "val")],
    "clip_grad": [(lambda v=v: clip_grad_norm_([_with_grad()], v), e, "max_norm")
                  for v, e in ((NAN, ValueError), (-1.0, ValueError), ("1", TypeError),
                               (None, TypeError), (True, TypeError))] +
    [(lambda v=v: clip_grad_norm_([_with_grad()], 1.0, norm_type=v), e, "norm_type")
     for v, e in ((0, ValueError), (-2, ValueError), (NAN, ValueError), ("two", TypeError),
                  (None, TypeError), (True, TypeError))] +
    [(lambda: clip_grad_norm_([_with_grad()], 1.0, error_if_nonfinite=1), TypeError,
      "error_if_nonfinite")] +
    [(lambda v=v: clip_grad_value_([_with_grad()], v), e, "clip_value")
     for v, e in ((NAN, ValueError), (-1.0, ValueError), ("1", TypeError), (None, TypeError))] +
    [(lambda v=v: clip_grad_norm_(v, 1.0), TypeError, "parameters")
     for v in (3, None, [np.ones(3)], "w")],
    "F.dropout": [(lambda v=v: F.dropout(_x(), v), e, "dropout probability")
                  for v, e in BAD_REALS + [(1.0, ValueError), (-0.5, ValueError)]] +
    [(lambda v=v: F.dropout2d(_x4(), v), e, "dropout probability") for v, e in BAD_REALS] +
    [(lambda: F.dropout(_x(), 0.5, training="yes"), TypeError, "training")],
    "F.layer_norm": [(lambda v=v: F.layer_norm(_x(), (3,), eps=v), e, "eps")
                     for v, e in BAD_REALS + [(0.0, ValueError)]],
    "F activations": [(lambda v=v: F.leaky_relu(_x(), v), e, "negative_slope") for v, e in BAD_REALS] +
    [(lambda v=v: F.elu(_x(), v), e, "alpha") for v, e in BAD_REALS],
    "F losses": [(lambda v=v: F.cross_entropy(_x(), np.array([0, 1]), label_smoothing=v), e,
                  "label_smoothing") for v, e in BAD_REALS] +
    [(lambda v=v: F.smooth_l1_loss(_x(), _x(), beta=v), e, "beta") for v, e in BAD_REALS] +
    [(lambda v=v: F.mse_loss(_x(), _x(), reduction=v), ValueError, "reduction")
     for v in ("avg", None)],
    "F.interpolate": [(lambda v=v: F.interpolate(_x4(), scale_factor=v), ValueError,
                       "scale_factor") for v in (INF, NAN, -1.0, 0)],
}


def _x():
    from engine import Tensor
    return Tensor(np.arange(6.0).reshape(2, 3))


def _x4():
    from engine import Tensor
    return Tensor(np.ones((1, 2, 3, 3)))


def _with_grad():
    p = Parameter(np.ones(3))
    p.grad = np.ones(3)
    return p


ALL_CASES = [(group, make, exc, name) for table in (LAYER_CASES, LOSS_CASES, FUNCTION_CASES)
             for group, cases in table.items() for make, exc, name in cases]


@pytest.mark.parametrize("group, make, exc, name", ALL_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(ALL_CASES)])
def test_bad_setting_is_refused_with_its_name(group, make, exc, name):
    with pytest.raises(exc, match=name):
        make()


def test_valid_settings_still_build():
    nn.Conv2d(2, 4, (3, 1), stride=[1, 2], padding="same" if False else 1, dilation=np.int64(1))
    nn.Conv1d(2, 2, 3, padding="same")
    nn.MaxPool2d((3, 2), stride=(1, 2), padding=(1, 0))
    nn.AdaptiveAvgPool2d((None, 3))
    nn.BatchNorm1d(3, momentum=None)
    nn.Dropout(np.float32(0.25))
    nn.Upsample(scale_factor=(2, 1.5), mode="bilinear", align_corners=False)
    nn.CrossEntropyLoss(weight=np.array([1, 2]), label_smoothing=1)
    nn.BCEWithLogitsLoss(pos_weight=np.array([[2.0]]))
    nn.Reshape(-1, 4)
    p = Parameter(np.zeros((0, 3)))
    init.kaiming_uniform_(p)                # a zero-element tensor: nothing to fill
    init.xavier_normal_(Parameter(np.zeros((3, 0))))
    clip_grad_norm_([_with_grad()], INF, norm_type="inf")


def test_gradient_clipping_with_a_negative_bound_no_longer_flips_gradients():
    p = _with_grad()
    with pytest.raises(ValueError):
        clip_grad_norm_([p], -1.0)
    np.testing.assert_array_equal(p.grad.numpy(), np.ones(3))


def count_bad_inputs():
    return {group: len(cases) for table in (LAYER_CASES, LOSS_CASES, FUNCTION_CASES)
            for group, cases in table.items()}


@pytest.mark.parametrize("make", [
    lambda: nn.Linear(10 ** 6, 10 ** 6), lambda: nn.Conv2d(10 ** 5, 10 ** 5, 100),
    lambda: nn.Conv3d(3, 3, 10 ** 4), lambda: nn.ConvTranspose2d(10 ** 6, 10 ** 6, 3),
    lambda: nn.Embedding(10 ** 12, 3), lambda: nn.LSTM(10 ** 6, 10 ** 6),
    lambda: nn.RNN(4, 10 ** 7, num_layers=10 ** 4), lambda: nn.BatchNorm2d(10 ** 13),
    lambda: nn.LayerNorm((10 ** 7, 10 ** 7)), lambda: nn.PReLU(10 ** 13),
])
def test_a_layer_larger_than_memory_is_refused_before_allocating(make):
    # It used to raise MemoryError, or to be killed while the weights were filled in.
    with pytest.raises(ValueError, match="GiB"):
        make()
