"""Modes that belong to a thread, as in PyTorch: grad mode (``no_grad``, ``enable_grad``, the
backward pass) and the ``using_backend`` block; and gradients that several threads add into
the same leaf at once (Hogwild-style training) without losing any.

The threads are ordered by events, so each test makes the interleaving it names happen every
time (no reliance on luck), and every wait has a timeout.
"""
import threading
import time

import numpy as np
import pytest
from thread_helpers import busy_switching, in_thread, run_in_threads, wait

import engine
from engine import Function, enable_grad, is_grad_enabled, no_grad


def records(x):
    """True if an operation on ``x`` is recorded in the calling thread now."""
    y = x * 2.0
    return y.requires_grad and y.grad_fn is not None


# ----------------------------------------------------------------- grad mode

def test_no_grad_in_one_thread_leaves_another_thread_recording():
    x = engine.ones(3, requires_grad=True)
    inside, checked = threading.Event(), threading.Event()
    seen = {}

    def evaluator():
        with no_grad():
            inside.set()
            wait(checked, "the trainer's check")
            seen["evaluator"] = records(x)

    def trainer():
        wait(inside, "the evaluator's no_grad block")
        seen["trainer"] = records(x)
        checked.set()

    run_in_threads([evaluator, trainer])
    assert seen == {"evaluator": False, "trainer": True}


def test_backward_in_one_thread_leaves_another_thread_recording():
    """backward() runs with grad mode off; another thread's forward must still record."""
    in_backward, checked = threading.Event(), threading.Event()
    seen = {}

    class Pause(Function):
        def forward(self, a):
            return a.copy()

        def backward(self, gy):
            in_backward.set()
            wait(checked, "the other thread's forward")
            return gy

    def backward_thread():
        x = engine.ones(2, requires_grad=True)
        Pause()(x).sum().backward()
        seen["grad"] = x.grad.numpy().tolist()

    def forward_thread():
        wait(in_backward, "the backward pass")
        seen["records"] = records(engine.ones(2, requires_grad=True))
        checked.set()

    run_in_threads([backward_thread, forward_thread])
    assert seen == {"grad": [1.0, 1.0], "records": True}


def test_a_new_thread_starts_with_grad_mode_on():
    with no_grad():
        assert not is_grad_enabled()
        assert in_thread(is_grad_enabled) is True
        assert in_thread(lambda: records(engine.ones(1, requires_grad=True))) is True
    assert is_grad_enabled()


def test_grad_mode_set_in_a_thread_stays_in_that_thread():
    def switch_off_and_leave():
        engine.autograd.set_grad_enabled(False)     # never switched back: the thread ends
        return is_grad_enabled()

    assert in_thread(switch_off_and_leave) is False
    assert is_grad_enabled()


@pytest.mark.parametrize("ctx_class", [no_grad, enable_grad])
def test_one_context_instance_shared_by_threads_restores_each_threads_mode(ctx_class):
    """``ctx = no_grad()`` made once and entered by two threads whose blocks overlap: each
    thread gets its own mode back on exit, in either order."""
    ctx = ctx_class()
    mode = ctx_class is enable_grad
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def thread_a():
        engine.autograd.set_grad_enabled(not mode)
        with ctx:
            a_in.set()
            wait(b_in, "thread b's block")
            seen["a inside"] = is_grad_enabled()
        seen["a after"] = is_grad_enabled()        # a leaves first
        a_out.set()

    def thread_b():
        wait(a_in, "thread a's block")
        with ctx:
            b_in.set()
            wait(a_out, "thread a leaving")
            seen["b inside"] = is_grad_enabled()
        seen["b after"] = is_grad_enabled()

    run_in_threads([thread_a, thread_b])
    assert seen == {"a inside": mode, "a after": not mode, "b inside": mode, "b after": True}


def test_no_grad_decorated_function_called_from_many_threads():
    @no_grad
    def evaluate(x):
        return (x * 3.0).requires_grad, is_grad_enabled()

    x = engine.ones(4, requires_grad=True)
    with busy_switching():
        results = run_in_threads([lambda: [evaluate(x) for _ in range(200)]] * 4)
    assert all(r == (False, False) for rs in results for r in rs)
    assert is_grad_enabled()


# ----------------------------------------------------------------- using_backend

@pytest.mark.skipif(not engine.backend.native_available(), reason="engine._C not built")
def test_using_backend_is_per_thread_and_blocks_may_close_in_any_order():
    default = engine.get_backend()
    other = "reference" if default == "native" else "native"
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def thread_a():
        with engine.using_backend(other):
            a_in.set()
            wait(b_in, "thread b's block")
            seen["a inside"] = engine.get_backend()
            seen["a computes on"] = engine.backend.backend_of(np.zeros(1)).name
        a_out.set()

    def thread_b():
        wait(a_in, "thread a's block")
        seen["b before"] = engine.get_backend()           # a's block is not b's
        with engine.using_backend(other):
            b_in.set()
            wait(a_out, "thread a leaving")
            seen["b inside"] = engine.get_backend()       # a's exit does not end b's block

    run_in_threads([thread_a, thread_b])
    assert seen == {"a inside": other, "a computes on": other, "b before": default,
                    "b inside": other}
    assert engine.get_backend() == default                # not left switched for the process
    assert engine.backend._blocks_open == 0


@pytest.mark.skipif(not engine.backend.native_available(), reason="engine._C not built")
def test_set_backend_inside_a_block_applies_to_the_block_and_the_process():
    default = engine.get_backend()
    other = "reference" if default == "native" else "native"
    try:
        with engine.using_backend(other):
            engine.set_backend(default)
            assert engine.get_backend() == default
        assert engine.get_backend() == default
        with engine.using_backend(default):
            engine.set_backend(other)
            assert engine.get_backend() == other
        assert engine.get_backend() == other
    finally:
        engine.set_backend(default)


def test_using_backend_refuses_an_unknown_name_and_leaves_no_block_open():
    with pytest.raises(ValueError, match="unknown backend"):
        with engine.using_backend("fast"):
            pass
    assert engine.backend._blocks_open == 0


# ----------------------------------------------------------------- shared leaves

class SlowAdd(np.ndarray):
    """A gradient whose addition pauses (letting other threads run) between reading ``.grad``
    and storing the sum: the moment a lost update happens, made long."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        time.sleep(0.0005)
        inputs = [x.view(np.ndarray) if isinstance(x, SlowAdd) else x for x in inputs]
        return getattr(ufunc, method)(*inputs, **kwargs)


class Scale(Function):
    """y = c·w;  ∂L/∂w = c·∂L/∂y, handed back as a SlowAdd."""

    def __init__(self, c):
        self.c = c

    def forward(self, w):
        return w * self.c

    def backward(self, gy):
        return (gy * self.c).view(SlowAdd)


def test_threads_adding_into_one_leaf_lose_no_gradient():
    """Four threads, 25 backward passes each, into the same weight: the sum is exact
    (small integers in float64), so a lost read-add-store shows as a wrong total."""
    w = engine.zeros(8, requires_grad=True, dtype=engine.float64)
    w.grad = engine.zeros(8, dtype=engine.float64)
    cs = [np.arange(8.0) + i for i in range(4)]
    steps = 25

    def train(c):
        def run():
            for _ in range(steps):
                Scale(c)(w).sum().backward()
        return run

    run_in_threads([train(c) for c in cs])
    np.testing.assert_array_equal(w.grad.numpy(), steps * sum(cs))


# ----------------------------------------------------------------- one graph, several passes

def shared_graph():
    """A small graph: its loss, its leaf, and a Function that pauses inside its backward
    until ``release`` is set (after telling ``inside``)."""
    inside, release = threading.Event(), threading.Event()

    class Pause(Function):
        def forward(self, a):
            return a.copy()

        def backward(self, gy):
            inside.set()
            wait(release, "the other pass")
            return gy

    w = engine.ones(3, requires_grad=True, dtype=engine.float64)
    loss = Pause()((w * 2.0 * 3.0).sum())       # the first Function any pass runs
    return loss, w, inside, release


@pytest.mark.parametrize("first_retains, second_retains", [(False, False), (False, True),
                                                           (True, False)])
def test_a_second_pass_that_conflicts_raises_runtime_error(first_retains, second_retains):
    """One pass is inside the graph; a second pass that would free it (or that would run
    while the first frees it) raises a RuntimeError before computing anything, and the first
    pass completes with the right gradient."""
    loss, w, inside, release = shared_graph()
    seen = {}

    def first():
        loss.backward(retain_graph=first_retains)

    def second():
        wait(inside, "the first pass")
        try:
            with pytest.raises(RuntimeError, match="another thread is running backward"):
                loss.backward(retain_graph=second_retains)
            seen["grad when refused"] = w.grad
        finally:
            release.set()

    run_in_threads([first, second])
    assert seen == {"grad when refused": None}
    np.testing.assert_array_equal(w.grad.numpy(), [6.0, 6.0, 6.0])


def test_passes_that_all_retain_the_graph_run_at_once():
    loss, w, inside, release = shared_graph()

    def first():
        loss.backward(retain_graph=True)

    def second():
        wait(inside, "the first pass")
        release.set()
        loss.backward(retain_graph=True)

    run_in_threads([first, second])
    np.testing.assert_array_equal(w.grad.numpy(), [12.0, 12.0, 12.0])
    loss.backward()                                   # free now: nothing else holds it
    np.testing.assert_array_equal(w.grad.numpy(), [18.0, 18.0, 18.0])
    with pytest.raises(RuntimeError, match="already been freed"):
        loss.backward()


def test_many_threads_racing_to_free_one_graph_raise_only_runtime_errors():
    """Eight threads call backward() on one graph at once, ten graphs in a row: exactly one
    pass per graph runs (the gradient is added once), the others raise RuntimeError."""
    outcomes = {}
    for trial in range(10):
        engine.manual_seed(trial)
        layer = engine.nn.Linear(6, 4)
        x = engine.randn(5, 6)
        loss = engine.nn.functional.cross_entropy(layer(x), engine.tensor([0, 1, 2, 3, 0]))

        def run():
            try:
                loss.backward()
                return "ran"
            except RuntimeError:
                return "RuntimeError"

        with busy_switching(1e-6):
            results = run_in_threads([run] * 8)
        assert results.count("ran") == 1, results
        for r in results:
            outcomes[r] = outcomes.get(r, 0) + 1
        reference = engine.nn.Linear(6, 4)
        reference.load_state_dict(layer.state_dict())
        engine.nn.functional.cross_entropy(reference(x), engine.tensor([0, 1, 2, 3, 0])).backward()
        np.testing.assert_array_equal(layer.weight.grad.numpy(), reference.weight.grad.numpy())
    assert outcomes == {"ran": 10, "RuntimeError": 70}


# ----------------------------------------------------------------- the random generator

def test_random_draws_in_threads_are_the_generators_own_blocks():
    """The engine has one generator for the process (as PyTorch's default one); threads that
    draw at once get, between them, exactly the blocks one thread drawing in turn gets, in
    some order: nothing is drawn twice, skipped or torn."""
    def draws():
        return [engine.randn(500).numpy().tobytes() for _ in range(25)]

    engine.manual_seed(123)
    in_turn = [block for _ in range(4) for block in draws()]
    engine.manual_seed(123)
    with busy_switching():
        at_once = [block for blocks in run_in_threads([draws] * 4) for block in blocks]
    assert sorted(at_once) == sorted(in_turn)
    assert len(set(in_turn)) == len(in_turn)


def test_the_old_module_attribute_reads_the_calling_threads_mode():
    from engine import autograd
    with no_grad():
        assert autograd._grad_enabled is False
        assert in_thread(lambda: autograd._grad_enabled) is True
    assert autograd._grad_enabled is True
