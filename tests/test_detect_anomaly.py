"""engine.autograd.detect_anomaly(): names the first Function whose forward or backward made
NaN/Inf, and where it was called; off by default."""
import numpy as np
import pytest

import engine
from engine import Tensor, autograd
from engine.nn import functional as F

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def test_off_by_default_and_restored():
    assert not autograd.is_anomaly_enabled()
    with autograd.detect_anomaly():
        assert autograd.is_anomaly_enabled()
        with autograd.detect_anomaly():
            assert autograd.is_anomaly_enabled()
        assert autograd.is_anomaly_enabled()
    assert not autograd.is_anomaly_enabled()
    assert autograd.set_detect_anomaly(True) is False
    assert autograd.set_detect_anomaly(False) is True
    with pytest.raises(TypeError):
        autograd.set_detect_anomaly("yes")


# Forward passes that turn finite inputs into NaN/Inf: (expected Function name, computation).
FORWARD_CASES = {
    "log of 0": ("Log", lambda a: a.log()),
    "sqrt of -1": ("Sqrt", lambda a: (a - 2.0).sqrt()),
    "divide by 0": ("Div", lambda a: a / (a - a)),
    "exp overflow": ("Exp", lambda a: (a * 1000.0).exp()),
    "pow of negative": ("Pow", lambda a: (a - 5.0) ** 0.5),
}


@pytest.mark.parametrize("case", sorted(FORWARD_CASES))
def test_forward_names_the_function_and_the_place(case):
    name, compute = FORWARD_CASES[case]
    a = Tensor(np.array([0.0, 1.0, 2.0]), requires_grad=True)
    with autograd.detect_anomaly():
        with pytest.raises(RuntimeError, match=rf"Function '{name}' returned (nan|inf) values in its 0th output in forward") as info:
            compute(a)
    assert "test_detect_anomaly.py" in str(info.value)
    compute(a)   # off again: NaN goes through silently, as before


def test_backward_names_the_function_that_made_the_nan_gradient():
    a = Tensor(np.array([0.0, 4.0]), requires_grad=True)
    with autograd.detect_anomaly():
        loss = a.sqrt().sum()     # finite forward, infinite gradient at 0
        with pytest.raises(RuntimeError, match=r"(?s)Function 'SqrtBackward' returned inf values in its "
                                               r"0th output.*test_detect_anomaly.py"):
            loss.backward()


def test_backward_of_a_nan_upstream_gradient():
    a = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    loss = (a * 2.0).sum()
    with autograd.detect_anomaly():
        with pytest.raises(RuntimeError, match="Function 'SumBackward' returned nan values.*before anomaly"):
            autograd.backward(loss, np.array(np.nan))


def test_inputs_already_nan_do_not_blame_the_next_function():
    a = Tensor(np.array([np.nan, 1.0]), requires_grad=True)
    with autograd.detect_anomaly():
        b = a * 2.0 + 1.0        # NaN came in with the data: no Function made it
    assert np.isnan(b.numpy()[0])


def test_check_nan_false_records_but_does_not_check():
    a = Tensor(np.array([0.0]), requires_grad=True)
    with autograd.detect_anomaly(check_nan=False):
        assert np.isinf(a.log().numpy()).all()


def test_a_finite_training_step_is_unchanged_by_anomaly_mode():
    engine.manual_seed(0)
    model = engine.nn.Linear(3, 2)
    x = Tensor(np.ones((4, 3), dtype=np.float32))
    with autograd.detect_anomaly():
        loss = F.mse_loss(model(x), Tensor(np.zeros((4, 2), dtype=np.float32)))
        loss.backward()
    g = model.weight.grad.numpy().copy()
    model.zero_grad()
    F.mse_loss(model(x), Tensor(np.zeros((4, 2), dtype=np.float32))).backward()
    np.testing.assert_array_equal(g, model.weight.grad.numpy())


def test_as_a_decorator():
    @autograd.detect_anomaly()
    def f(a):
        return a.log()
    with pytest.raises(RuntimeError, match="'Log'"):
        f(Tensor(np.array([0.0]), requires_grad=True))
    assert not autograd.is_anomaly_enabled()
