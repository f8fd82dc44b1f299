"""gradcheck itself: it must pass correct gradients and catch wrong ones."""
import sys

import numpy as np
import pytest

import engine
from engine import Function, GradcheckError, Tensor, gradcheck


def t64(values, requires_grad=True):
    return Tensor(values, requires_grad=requires_grad, dtype=engine.float64)


class WrongSquare(Function):
    """y = x², but backward forgets the factor 2 (a typical mistake)."""

    def forward(self, x):
        self.x = x
        return x * x

    def backward(self, gy):
        return gy * self.x


class OneBadElement(Function):
    """y = 3x, with a backward that is wrong at flat position 4 only."""

    def forward(self, x):
        return 3 * x

    def backward(self, gy):
        g = 3 * gy
        g.reshape(-1)[4] += 1.0  # g is a fresh array here
        return g


class WrongSecondInput(Function):
    """y = a·b, but ∂L/∂b is given the wrong sign."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, gy):
        return gy * self.b, -gy * self.a


def test_passes_for_correct_gradients():
    x = t64([0.5, -1.2, 2.0])
    assert gradcheck(lambda x: (x * x).exp(), [x]) is True
    assert gradcheck(lambda x: x.sum(), x) is True  # a single Tensor instead of a list


def test_catches_a_wrong_backward():
    x = t64([0.5, -1.5, 2.0])
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: WrongSquare()(x), [x])
    message = str(info.value)
    assert "input 0" in message and "analytic" in message and "numeric" in message
    # The worst element is where |x| is largest (x = 2): analytic 2, numeric 4.
    assert "(2,)" in message and "analytic 2.0" in message
    assert "numeric 4.0" in message or "numeric 3.99999" in message


def test_gradcheck_error_is_an_assertion_error():
    assert issubclass(GradcheckError, AssertionError)
    with pytest.raises(AssertionError):
        gradcheck(lambda x: WrongSquare()(x), [t64([1.0])])


def test_raise_exception_false_returns_false():
    assert gradcheck(lambda x: WrongSquare()(x), [t64([1.0, 2.0])], raise_exception=False) is False
    assert gradcheck(lambda x: x * x, [t64([1.0, 2.0])], raise_exception=False) is True


def test_reports_the_worst_element_index_in_the_input_shape():
    x = t64(np.ones((2, 3)))
    with pytest.raises(GradcheckError, match=r"input index \(1, 1\)"):
        gradcheck(lambda x: OneBadElement()(x), [x])


def test_reports_which_input_is_wrong():
    a, b = t64([1.0, 2.0]), t64([3.0, 4.0])
    with pytest.raises(GradcheckError, match="input 1"):
        gradcheck(lambda a, b: WrongSecondInput()(a, b), [a, b])
    # With b not requiring grad, the wrong gradient is never used.
    b.requires_grad_(False)
    assert gradcheck(lambda a, b: WrongSecondInput()(a, b), [a, b])


def test_projection_mode_also_catches_errors():
    x = t64(np.linspace(0.5, 2.0, 6))
    assert gradcheck(lambda x: x * x, [x], full_jacobian=False)
    with pytest.raises(GradcheckError, match="random projection"):
        gradcheck(lambda x: WrongSquare()(x), [x], full_jacobian=False)


def test_large_outputs_use_projection_automatically(monkeypatch):
    # sys.modules: the attribute engine.gradcheck is the function, not the module.
    monkeypatch.setattr(sys.modules["engine.gradcheck"], "FULL_JACOBIAN_MAX_OUTPUTS", 3)
    with pytest.raises(GradcheckError, match="random projection"):
        gradcheck(lambda x: WrongSquare()(x), [t64([1.0, 2.0, 3.0, 4.0])])


def test_full_jacobian_catches_errors_a_projection_could_miss():
    # Output element 0 gets the wrong gradient +1 and element 1 gets -1, so
    # their sum (an all-ones projection) would look right; the Jacobian does not.
    class Cancelling(Function):
        def forward(self, x):
            return x * 1.0

        def backward(self, gy):
            return gy + np.array([1.0, -1.0]) * gy[::-1]

    x = t64([1.0, 2.0])
    with pytest.raises(GradcheckError, match=r"d\(output index \(\d,\)\)"):
        gradcheck(lambda x: Cancelling()(x), [x])


def test_float32_inputs_are_refused_with_an_explanation():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"float64.*significant digits"):
        gradcheck(lambda x: x * x, [x])
    # float32 inputs that do not require grad are fine (they are not perturbed).
    c = Tensor([1.0, 2.0])
    assert gradcheck(lambda x, c: x * c, [t64([3.0, 4.0]), c])


def test_tuple_outputs():
    a, b = t64([1.0, 2.0]), t64([[0.5], [1.5]])
    assert gradcheck(lambda a, b: (a * b, a.exp(), b.sum()), [a, b])
    with pytest.raises(GradcheckError):
        gradcheck(lambda a, b: (a * b, WrongSquare()(a)), [a, b])


def test_output_that_does_not_depend_on_inputs():
    x = t64([1.0, 2.0])
    assert gradcheck(lambda x: (x * 2, Tensor([5.0], dtype=engine.float64)), [x])


def test_input_grads_are_left_as_they_were():
    x, y = t64([1.0, 2.0]), t64([3.0])
    x.grad = Tensor([7.0, 7.0], dtype=engine.float64)
    gradcheck(lambda x, y: x * y, [x, y])
    np.testing.assert_array_equal(x.grad.data, [7.0, 7.0])
    assert y.grad is None
    np.testing.assert_array_equal(x.data, [1.0, 2.0])  # perturbations undone exactly


def test_non_leaf_inputs_are_checked_too():
    x = t64([1.0, 2.0]) * 3
    assert not x.is_leaf
    assert gradcheck(lambda x: x * x, [x])
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: WrongSquare()(x), [x])


def test_tolerances_are_used():
    # A gradient 0.1% off passes with rtol=1e-2 and fails with rtol=1e-5.
    class Slightly(Function):
        def forward(self, x):
            return 2 * x

        def backward(self, gy):
            return 2.002 * gy

    x = t64([1.0, 2.0])
    assert gradcheck(lambda x: Slightly()(x), [x], rtol=1e-2)
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: Slightly()(x), [x], rtol=1e-5, atol=1e-8)


def test_nan_gradient_fails():
    class NaNGrad(Function):
        def forward(self, x):
            return x * 1.0

        def backward(self, gy):
            return gy * np.nan

    with pytest.raises(GradcheckError):
        gradcheck(lambda x: NaNGrad()(x), [t64([1.0])])
