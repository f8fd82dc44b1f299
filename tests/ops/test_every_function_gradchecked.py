"""Every Function subclass in the package is gradchecked (float64, central differences).

The test collects every ``Function`` subclass defined in ``engine`` (after importing every
module of engine.ops and engine.nn) and fails if one has no entry in ``CASES``: a new
Function must come with its gradcheck case here.
"""
import importlib
import pkgutil

import numpy as np
import pytest

import engine
from engine import Function, Tensor, gradcheck
from engine.ops import activation as act
from engine.ops import dropout
from engine.ops import embedding as emb
from engine.ops import conv, device, index, loss, math, normalization, pool, reduce, shape, upsample
from engine.ops import linalg
from engine.ops.linalg import MatMul


def _import_all():
    for package in (engine.ops, engine.nn):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(info.name)


def _all_subclasses(cls):
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_all_subclasses(sub))
    return found


def engine_functions():
    _import_all()
    classes = {c for c in _all_subclasses(Function) if c.__module__.startswith("engine.")}
    # Abstract helpers (no forward of their own, like _Reduction) are not operations.
    return sorted((c for c in classes if c.forward is not Function.forward),
                  key=lambda c: c.__name__)


def rand(*shape, seed=0, low=-1.0, high=1.0, grad=True):
    data = np.random.default_rng(seed + 7 * len(shape)).uniform(low, high, shape)
    return Tensor(data, requires_grad=grad, dtype=engine.float64)


def away_from_zero(*shape, seed=0):
    x = rand(*shape, seed=seed).numpy()
    return Tensor(np.sign(x) * (0.2 + np.abs(x)), requires_grad=True, dtype=engine.float64)


LABELS = np.array([0, 2, 1, 2])
# Each case: () -> (fn, inputs); fn is a callable of the inputs returning tensors.
CASES = {
    "Add": lambda: (lambda a, b: math.Add()(a, b), (rand(3, 4), rand(4, seed=1))),
    "Sub": lambda: (lambda a, b: math.Sub()(a, b), (rand(3, 4), rand(3, 1, seed=1))),
    "Mul": lambda: (lambda a, b: math.Mul()(a, b), (rand(3, 4), rand(4, seed=1))),
    "Div": lambda: (lambda a, b: math.Div()(a, b), (rand(3, 4), away_from_zero(3, 4, seed=1))),
    "Neg": lambda: (lambda a: math.Neg()(a), (rand(5),)),
    "Pow": lambda: (lambda a, b: math.Pow()(a, b), (rand(3, low=0.5, high=2), rand(3, seed=1))),
    "Exp": lambda: (lambda a: math.Exp()(a), (rand(5),)),
    "Log": lambda: (lambda a: math.Log()(a), (rand(5, low=0.5, high=2),)),
    "Sqrt": lambda: (lambda a: math.Sqrt()(a), (rand(5, low=0.5, high=2),)),
    "Abs": lambda: (lambda a: math.Abs()(a), (away_from_zero(5),)),
    "Clip": lambda: (lambda a: math.Clip(-0.5, 0.5)(a), (rand(6, seed=3),)),
    "Maximum": lambda: (lambda a, b: math.Maximum()(a, b), (rand(5), rand(5, seed=2))),
    "Minimum": lambda: (lambda a, b: math.Minimum()(a, b), (rand(5), rand(5, seed=2))),
    "ToDevice": lambda: (lambda a: device.ToDevice("cpu")(a), (rand(4),)),
    "Cast": lambda: (lambda a: math.Cast(engine.float64)(a), (rand(4),)),
    "Sum": lambda: (lambda a: reduce.Sum(axis=1)(a), (rand(3, 4),)),
    "Mean": lambda: (lambda a: reduce.Mean(axis=0)(a), (rand(3, 4),)),
    "Max": lambda: (lambda a: reduce.Max(axis=1)(a), (rand(3, 4),)),
    "Min": lambda: (lambda a: reduce.Min(axis=0)(a), (rand(3, 4),)),
    "Where": lambda: (lambda a, b: math.Where(np.arange(12).reshape(3, 4) % 3 == 0)(a, b),
                      (rand(3, 4), rand(4, seed=2))),
    "Clone": lambda: (lambda a: shape.Clone()(a) * 2, (rand(3, 4),)),
    "Expand": lambda: (lambda a: shape.Expand((2, 3, -1))(a), (rand(3, 1),)),
    "MaxAlongDim": lambda: (lambda a: reduce.MaxAlongDim(1)(a), (rand(3, 4),)),
    "MinAlongDim": lambda: (lambda a: reduce.MinAlongDim(0, keepdim=True)(a), (rand(3, 4),)),
    "Reshape": lambda: (lambda a: shape.Reshape((4, 3))(a), (rand(3, 4),)),
    "Transpose": lambda: (lambda a: shape.Transpose((1, 0, 2))(a), (rand(2, 3, 2),)),
    "GetItem": lambda: (lambda a: shape.GetItem(([0, 0, 2],))(a), (rand(3, 2),)),
    "Gather": lambda: (lambda a: index.Gather(1, np.array([[0, 0, 2], [1, 2, 2]]))(a),
                       (rand(2, 3),)),
    "CumSum": lambda: (lambda a: index.CumSum(0)(a), (rand(4, 3),)),
    "Concatenate": lambda: (lambda a, b: shape.Concatenate(1)(a, b), (rand(2, 3), rand(2, 2))),
    "Stack": lambda: (lambda a, b: shape.Stack(0)(a, b), (rand(2, 3), rand(2, 3, seed=4))),
    "MatMul": lambda: (lambda a, b: MatMul()(a, b), (rand(3, 4), rand(4, 2))),
    "ReLU": lambda: (lambda a: act.ReLU()(a), (away_from_zero(6),)),
    "LeakyReLU": lambda: (lambda a: act.LeakyReLU(0.1)(a), (away_from_zero(6),)),
    "PReLU": lambda: (lambda a, w: act.PReLU()(a, w), (away_from_zero(2, 3, 2), rand(3, seed=5))),
    "ELU": lambda: (lambda a: act.ELU(1.0)(a), (away_from_zero(6),)),
    "Sigmoid": lambda: (lambda a: act.Sigmoid()(a), (rand(6),)),
    "Tanh": lambda: (lambda a: act.Tanh()(a), (rand(6),)),
    "Softplus": lambda: (lambda a: act.Softplus()(a), (rand(6),)),
    "Heaviside": lambda: (lambda a: act.Heaviside()(a), (away_from_zero(6),)),
    "Softmax": lambda: (lambda a: act.Softmax(-1)(a), (rand(2, 4),)),
    "LogSoftmax": lambda: (lambda a: act.LogSoftmax(1)(a), (rand(2, 4),)),
    "GELU": lambda: (lambda a: act.GELU()(a), (rand(6) * 3,)),
    "SiLU": lambda: (lambda a: act.SiLU()(a), (rand(6) * 3,)),
    # --- losses (engine/ops/loss.py): every reduction is exercised across the cases
    "MSELoss": lambda: (lambda y, t: loss.MSELoss()(y, t), (rand(3, 2), rand(3, 2, seed=1))),
    "L1Loss": lambda: (lambda y, t: loss.L1Loss("sum")(y, t),
                       (rand(3, 2), rand(3, 2, seed=1) + 3.0)),
    "HingeLoss": lambda: (lambda y, t: loss.HingeLoss("none")(y, t),
                          (rand(5, seed=2) * 0.5, Tensor([1., -1, 1, -1, 1], dtype="float64"))),
    "CrossEntropy": lambda: (
        lambda z: loss.CrossEntropy(LABELS, weight=np.array([0.5, 2.0, 1.0]),
                                    label_smoothing=0.1)(z), (rand(4, 3),)),
    "BinaryCrossEntropy": lambda: (lambda p, t: loss.BinaryCrossEntropy()(p, t),
                                   (rand(4, low=0.1, high=0.9), rand(4, low=0, high=1, seed=3))),
    "BinaryCrossEntropyWithLogits": lambda: (
        lambda z, t: loss.BinaryCrossEntropyWithLogits(pos_weight=np.array([2.0, 0.5]))(z, t),
        (rand(3, 2) * 3, rand(3, 2, low=0, high=1, seed=3))),
    "SmoothL1Loss": lambda: (lambda y, t: loss.SmoothL1Loss("mean", beta=0.5)(y, t),
                             (rand(3, 4) * 2, rand(3, 4, seed=1))),
    "NLLLoss": lambda: (lambda x: loss.NLLLoss(np.array([0, 2, -100, 1]),
                                               weight=np.array([0.5, 2.0, 1.0]))(x), (rand(4, 3),)),
    "KLDivNormal": lambda: (lambda m, v: loss.KLDivNormal()(m, v), (rand(3, 2), rand(3, 2, seed=1))),
    # --- layers' operations
    "BatchNorm": lambda: (lambda x, g, b: normalization.BatchNorm(True)(x, g, b),
                          (rand(4, 3, 2), rand(3, low=0.5, high=1.5, seed=1), rand(3, seed=2))),
    "LayerNorm": lambda: (lambda x, g, b: normalization.LayerNorm(2)(x, g, b),
                          (rand(3, 2, 4), rand(2, 4, low=0.5, high=1.5, seed=1), rand(2, 4, seed=2))),
    "AdaptiveAvgPool": lambda: (lambda x: pool.AdaptiveAvgPool((2, 3))(x), (rand(2, 2, 5, 7),)),
    "Embedding": lambda: (lambda w: emb.Embedding(np.array([[0, 2], [2, 2]]))(w), (rand(4, 3),)),
    "Dropout": lambda: (lambda x: dropout.Dropout(0.5, mask=np.array([1., 0, 1, 1, 0]))(x), (rand(5),)),
    "Linear": lambda: (lambda x, w, b: linalg.Linear()(x, w, b),
                       (rand(5, 3), rand(4, 3, seed=1), rand(4, seed=2))),
    "ConvNd": lambda: (lambda x, w, b: conv.ConvNd(stride=2, padding=1, dilation=1, groups=2)(x, w, b),
                       (rand(2, 4, 5, 5), rand(6, 2, 3, 3, seed=1), rand(6, seed=2))),
    "ConvTransposeNd": lambda: (
        lambda x, w, b: conv.ConvTransposeNd(stride=2, padding=1, output_padding=1)(x, w, b),
        (rand(2, 3, 3, 3), rand(3, 2, 3, 3, seed=1), rand(2, seed=2))),
    # Distinct values, so the maximum of each window is unique and the max is differentiable.
    "MaxPool": lambda: (lambda x: pool.MaxPool(2, stride=2)(x),
                        (Tensor(np.random.default_rng(5).permutation(64).reshape(1, 1, 8, 8) / 7.0,
                                requires_grad=True, dtype=engine.float64),)),
    "AvgPool": lambda: (lambda x: pool.AvgPool(3, stride=2, padding=1)(x), (rand(2, 2, 5, 5),)),
    # Bilinear resizing (nearest is the same matrix product with 0/1 weights).
    "Resize": lambda: (lambda x: upsample.Resize((7, 4), (3 / 7, 5 / 4), "linear")(x),
                       (rand(2, 2, 3, 5),)),
}


FUNCTIONS = engine_functions()


def test_every_function_has_a_case():
    missing = [c.__name__ for c in FUNCTIONS if c.__name__ not in CASES]
    assert not missing, (f"Function subclasses without a gradcheck case in "
                         f"tests/test_every_function_gradchecked.py: {missing}")


@pytest.mark.parametrize("cls", FUNCTIONS, ids=lambda c: c.__name__)
def test_gradcheck(cls):
    if cls.__name__ not in CASES:
        pytest.fail(f"no gradcheck case for {cls.__module__}.{cls.__name__}")
    fn, inputs = CASES[cls.__name__]()
    assert gradcheck(fn, inputs)


def test_batchnorm_eval_mode_gradcheck():
    """Evaluation mode (running statistics as constants) has its own, simpler backward."""
    rm, rv = np.array([0.1, -0.2, 0.3]), np.array([0.5, 1.5, 2.0])
    fn = lambda x, g, b: normalization.BatchNorm(False, 1e-5, rm, rv)(x, g, b)  # noqa: E731
    assert gradcheck(fn, (rand(4, 3), rand(3, seed=1), rand(3, seed=2)))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_reductions_gradcheck(reduction):
    fn = lambda z: loss.CrossEntropy(LABELS, reduction=reduction)(z)  # noqa: E731
    assert gradcheck(fn, (rand(4, 3),))


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_both_forms_gradcheck(approximate):
    assert gradcheck(lambda a: act.GELU(approximate)(a), (rand(3, 4) * 3,))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nll_and_smooth_l1_reductions_gradcheck(reduction):
    assert gradcheck(lambda x: loss.NLLLoss(LABELS, reduction=reduction)(x), (rand(4, 3),))
    assert gradcheck(lambda x: loss.NLLLoss(np.array([[0, 1], [2, 0]]), reduction=reduction)(x),
                     (rand(2, 3, 2),))          # (N, C, d): one label per position
    assert gradcheck(lambda y, t: loss.SmoothL1Loss(reduction, beta=1.0)(y, t),
                     (rand(3, 4) * 3, rand(3, 4, seed=1)))


def test_layer_norm_without_affine_gradcheck():
    assert gradcheck(lambda x: normalization.LayerNorm(1)(x), (rand(3, 5),))


def test_dropout2d_gradcheck():
    mask = np.array([[[[1.0]], [[0.0]]], [[[1.0]], [[1.0]]]])
    assert gradcheck(lambda x: dropout.Dropout(0.5, mask=mask, channelwise=True)(x),
                     (rand(2, 2, 3, 3),))
