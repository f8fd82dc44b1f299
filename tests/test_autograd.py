"""The tape: Function contract, backward(), gradient accumulation, grad mode."""
import gc
import sys
import weakref

import numpy as np
import pytest

import engine
from engine import Function, Tensor, enable_grad, gradcheck, is_grad_enabled, no_grad
from engine.autograd import set_grad_enabled


def t64(values, requires_grad=True):
    return Tensor(values, requires_grad=requires_grad, dtype=engine.float64)


# ------------------------------------------------------------ accumulation
def test_tensor_used_twice_accumulates():
    x = t64([1.0, -2.0, 3.0])
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.0, -4.0, 6.0])
    x.grad = None
    (x + x).sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0, 2.0])


def test_diamond_graph():
    # x -> a, x -> b, (a, b) -> y:  y = (2x)(3x) = 6x², dy/dx = 12x
    x = t64(1.5)
    a, b = x * 2, x * 3
    y = a * b
    y.backward()
    assert x.grad.item() == pytest.approx(18.0)


def test_deeper_dag_against_numerical_gradient():
    # Shared intermediates at several depths: the topological order matters here.
    def f(x):
        a = x * 2
        b = a.exp()
        c = a + b
        d = c * b
        return (d + a * c).sum()

    assert gradcheck(f, [t64([0.1, -0.3, 0.2])])


def test_grad_accumulates_over_backward_calls_and_resets():
    x = t64([1.0, 2.0])
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.data, [6.0, 6.0])
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.data, [3.0, 3.0])


def test_grads_of_different_leaves_are_not_shared_arrays():
    # Add hands the same upstream array to both inputs; modifying one .grad
    # in place (as an optimizer might) must not change the other.
    a, b = t64([1.0, 2.0]), t64([3.0, 4.0])
    (a + b).sum().backward()
    a.grad.data *= 0
    np.testing.assert_allclose(b.grad.data, [1.0, 1.0])


def test_only_tensors_that_require_grad_get_grad():
    a, c = t64([1.0]), t64([2.0], requires_grad=False)
    (a * c).sum().backward()
    assert a.grad is not None and c.grad is None


def test_grad_dtype_matches_the_leaf():
    a = Tensor([1.0, 2.0], requires_grad=True)               # float32
    b = Tensor([3.0, 4.0], requires_grad=True, dtype=engine.float64)
    y = a * b
    assert y.dtype == np.float64
    y.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64
    np.testing.assert_allclose(a.grad.data, [3.0, 4.0])


# --------------------------------------------------------- non-leaf grads
def test_non_leaf_grad_is_none_unless_retained():
    x = t64([1.0, 2.0])
    h = x * 3
    g = x * 4
    g.retain_grad()
    y = (h * g).sum()
    y.retain_grad()
    y.backward()
    assert h.grad is None
    np.testing.assert_allclose(g.grad.data, h.data)  # dy/dg = h
    assert y.grad.item() == 1.0
    assert g.retains_grad and not h.retains_grad


def test_retain_grad_on_a_leaf_is_harmless():
    x = t64([1.0])
    x.retain_grad()
    (x * 2).sum().backward()
    assert x.grad.item() == 2.0


# ------------------------------------------------------------ graph freeing
def test_second_backward_needs_retain_graph():
    x = t64([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.data, [4.0, 8.0])  # 2x, twice
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_backward_frees_saved_values():
    x = t64([1.0, 2.0])
    y = x.exp()
    fn = y.grad_fn
    assert fn.inputs == (x,) and hasattr(fn, "y")
    y.sum().backward()
    assert fn.inputs is None and not hasattr(fn, "y")
    assert y.grad_fn is fn and not y.is_leaf  # the link stays, the contents go


def test_freed_shared_subgraph_errors_clearly():
    x = t64([1.0])
    h = x.exp()
    (h * 2).sum().backward()
    with pytest.raises(RuntimeError, match="already been freed"):
        (h * 3).sum().backward()


# -------------------------------------------------------------- deep graphs
def test_deep_chain_does_not_hit_recursion_limit():
    depth = max(2000, sys.getrecursionlimit() + 500)
    x = t64(1.0)
    y = x
    for _ in range(depth):
        y = y * 1.001
    y.backward()
    assert x.grad.item() == pytest.approx(1.001 ** depth)


def test_deep_chain_can_be_deleted_without_recursion_error():
    y = x = t64(1.0)
    for _ in range(5000):
        y = y + 1.0
    del y  # freeing a long chain of Tensor -> Function -> Tensor links
    assert x.grad is None


def test_long_rnn_like_graph():
    # Every step reuses the same weight: gradient accumulates over 1000 uses.
    w = t64(0.5)
    h = t64(1.0, requires_grad=False)
    for _ in range(1000):
        h = h * w + 1.0
    h.backward()
    # h_n = w^n + sum_{k<n} w^k, so dh/dw = sum_k k w^(k-1) over the terms.
    n = 1000
    expected = n * 0.5 ** (n - 1) + sum(k * 0.5 ** (k - 1) for k in range(1, n))
    assert w.grad.item() == pytest.approx(expected)


# ------------------------------------------------------------ backward args
def test_backward_without_requires_grad_raises():
    with pytest.raises(ValueError, match="does not require grad"):
        Tensor([1.0]).sum().backward()


def test_backward_on_non_scalar_needs_grad():
    x = t64(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"non-scalar.*\(2, 3\).*grad="):
        (x * 2).backward()


def test_backward_with_explicit_grad_is_a_vector_jacobian_product():
    x = t64([1.0, 2.0, 3.0])
    y = x * x
    y.backward(Tensor([1.0, 0.0, -1.0]))
    np.testing.assert_allclose(x.grad.data, [2.0, 0.0, -6.0])
    x.grad = None
    (x * 2).backward(np.array([1.0, 1.0, 1.0]))
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0, 2.0])


def test_backward_grad_shape_must_match():
    x = t64([1.0, 2.0])
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        (x * 2).backward(np.ones(3))


def test_backward_on_one_element_non_0d_tensor():
    x = t64([[2.0]])
    (x * x).backward()
    assert x.grad.shape == (1, 1) and x.grad.item() == 4.0


def test_backward_on_a_leaf():
    x = t64(3.0)
    x.backward()
    assert x.grad.item() == 1.0


# ---------------------------------------------------------------- grad mode
def test_no_grad_records_nothing():
    x = t64([1.0, 2.0])
    with no_grad():
        assert not is_grad_enabled()
        y = x * 2 + 1
    assert is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf
    with pytest.raises(ValueError):
        y.sum().backward()


def test_no_grad_as_decorator_and_nested():
    @no_grad()
    def f(x):
        assert not is_grad_enabled()
        with enable_grad():
            assert is_grad_enabled()
            inner = x * 2
        return x * 2, inner

    x = t64([1.0])
    outer, inner = f(x)
    assert not outer.requires_grad and inner.requires_grad
    assert is_grad_enabled()
    with no_grad():
        with no_grad():
            pass
        assert not is_grad_enabled()
    assert is_grad_enabled()


def test_bare_no_grad_decorator():
    @no_grad
    def f(x):
        return x * 2

    assert f.__name__ == "f"
    assert not f(t64([1.0])).requires_grad and is_grad_enabled()


def test_no_grad_restores_mode_after_exception():
    with pytest.raises(KeyError):
        with no_grad():
            raise KeyError
    assert is_grad_enabled()


def test_set_grad_enabled_returns_previous():
    assert set_grad_enabled(False) is True
    assert set_grad_enabled(True) is False
    assert is_grad_enabled()


def test_no_inputs_requiring_grad_means_no_graph():
    y = Tensor([1.0]) * Tensor([2.0])
    assert not y.requires_grad and y.grad_fn is None


def test_backward_runs_without_recording():
    seen = []

    class Spy(Function):
        def forward(self, x):
            return x * 1

        def backward(self, gy):
            seen.append(is_grad_enabled())
            return gy

    x = t64([1.0])
    Spy()(x).sum().backward()
    assert seen == [False] and is_grad_enabled()


# ---------------------------------------------------------- Function contract
class Square(Function):
    """y = x²;  ∂L/∂x = ∂L/∂y · 2x."""

    def forward(self, x):
        self.x = x
        return x * x

    def backward(self, gy):
        return gy * 2 * self.x


def test_custom_function():
    x = t64([1.0, -3.0])
    y = Square()(x)
    assert isinstance(y.grad_fn, Square) and y.requires_grad
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.0, -6.0])
    assert gradcheck(lambda x: Square()(x), [t64([0.3, 0.7])])


def test_function_records_inputs_and_needs_input_grad():
    a, c = t64([1.0]), t64([2.0], requires_grad=False)
    y = engine.ops.Mul()(a, c)
    assert y.grad_fn.inputs == (a, c)
    assert y.grad_fn.needs_input_grad == (True, False)


def test_function_converts_plain_inputs_to_constants_of_the_tensor_dtype():
    seen = []

    class Record(Function):
        def forward(self, a, b):
            seen.append((a.dtype, b.dtype, type(b)))
            return a + b

        def backward(self, gy):
            return gy, gy

    x = Tensor([1.0], requires_grad=True)  # float32
    y = Record()(x, 2.5)
    assert seen[0] == (np.float32, np.float32, np.ndarray)
    assert y.grad_fn.needs_input_grad == (True, False)
    Record()(2, Tensor([1.0], dtype=engine.float64))  # the first *Tensor* decides
    assert seen[1][0] == np.float64


def test_function_holds_outputs_weakly():
    x = t64([1.0])
    y = x * 2
    fn, ref = y.grad_fn, weakref.ref(y)
    assert fn.outputs[0]() is y
    gc.disable()  # no cycle collector: freed by reference counting alone
    try:
        del y
        assert ref() is None
    finally:
        gc.enable()
    assert fn.outputs[0]() is None


class SplitHalves(Function):
    """(y1, y2) = (x[:n], x[n:]);  ∂L/∂x = [∂L/∂y1, ∂L/∂y2]."""

    def forward(self, x):
        n = len(x) // 2
        return x[:n].copy(), x[n:].copy()

    def backward(self, g1, g2):
        return np.concatenate([g1, g2])


def test_multiple_outputs():
    x = t64([1.0, 2.0, 3.0, 4.0])
    y1, y2 = SplitHalves()(x)
    (y1 * 2 + y2 * 3).sum().backward()
    np.testing.assert_allclose(x.grad.data, [2, 2, 3, 3])


def test_unused_or_collected_outputs_get_zero_gradient():
    x = t64([1.0, 2.0, 3.0, 4.0])
    y1, y2 = SplitHalves()(x)
    del y2  # garbage-collected before backward
    (y1 * 5).sum().backward()
    np.testing.assert_allclose(x.grad.data, [5, 5, 0, 0])


def test_backward_returning_a_wrong_shape_is_reported():
    class Bad(Function):
        def forward(self, x):
            return x * 1

        def backward(self, gy):
            return gy.sum()

    with pytest.raises(RuntimeError, match=r"Bad.backward returned a gradient of shape \(\) "
                                           r"for an input of shape \(3,\)"):
        Bad()(t64([1.0, 2.0, 3.0])).sum().backward()


def test_backward_returning_wrong_count_is_reported():
    class Bad(Function):
        def forward(self, a, b):
            return a + b

        def backward(self, gy):
            return gy

    with pytest.raises(RuntimeError, match="1 gradients for 2 inputs"):
        Bad()(t64([1.0]), t64([1.0])).sum().backward()


def test_backward_may_return_none_for_an_input():
    class FirstOnly(Function):
        def forward(self, a, b):
            return a * 1

        def backward(self, gy):
            return gy, None

    a, b = t64([1.0]), t64([1.0])
    FirstOnly()(a, b).sum().backward()
    assert a.grad.item() == 1.0 and b.grad is None


def test_a_function_instance_is_used_once():
    sq = Square()
    sq(t64([1.0]))
    with pytest.raises(RuntimeError, match="create a new one"):
        sq(t64([2.0]))


def test_unimplemented_function_says_so():
    with pytest.raises(NotImplementedError, match="forward"):
        Function()(t64([1.0]))


def test_0d_results_are_arrays():
    # NumPy gives scalars (np.float64) for 0-d results; tensors always hold arrays.
    y = t64(2.0) * t64(3.0)
    assert isinstance(y.data, np.ndarray) and y.shape == ()
    y.backward()
