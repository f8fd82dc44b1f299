"""Reverse-mode automatic differentiation: Function, the graph, and backward().

How the graph ("tape") is built
-------------------------------
Every differentiable operation is a ``Function`` subclass.  Calling one,
``y = Mul()(a, b)``, runs ``forward`` on the raw arrays and wraps the result in
a Tensor.  If gradients are wanted (grad mode is on and some input requires
grad) the Function also remembers its input Tensors, and the output remembers
the Function in ``y.grad_fn``.  Following ``grad_fn -> inputs -> grad_fn ...``
from any tensor walks back through everything it was computed from.

How backward() works
--------------------
1. Put the Functions reachable from the output in topological order (each
   Function before the Functions that produced its inputs).
2. Visit them in that order: hand each Function the gradient of the loss
   w.r.t. its outputs, get back gradients w.r.t. its inputs, and add those to
   what the inputs have collected so far (a tensor used twice gets the sum).
3. Leaves that require grad store the total in ``.grad`` (adding to what is
   already there); the graph is then freed unless ``retain_graph=True``.
"""
import functools
import threading
import weakref

import numpy as np

from . import graph_claims as _graph_claims
from .backend import backend_of
from .devices import check_same_device
from .dtypes import float32 as _FLOAT32
from .dtypes import float64 as _FLOAT64
from .dtypes import get_default_dtype
from .tensor import Tensor, _wrap, as_float_array, as_tensor_array
from . import anomaly as _anomaly
from . import versions as _versions
from .anomaly import detect_anomaly, is_anomaly_enabled, set_detect_anomaly  # noqa: F401

# ----------------------------------------------------------------- grad mode
# Grad mode belongs to the thread, as in PyTorch: one thread's no_grad() (or a backward pass,
# which records nothing) must not stop another thread's recording. Every thread starts with
# grad mode on (the class attribute, until the thread sets its own value).
class _ThreadGradMode(threading.local):
    enabled = True


_grad_mode = _ThreadGradMode()
_weak_reference = weakref.ref


def is_grad_enabled():
    """True if operations are currently being recorded for backward() (in this thread)."""
    return _grad_mode.enabled


def __getattr__(name):
    """``autograd._grad_enabled``, the module-wide switch's old name: the calling thread's mode."""
    if name == "_grad_enabled":
        return _grad_mode.enabled
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def set_grad_enabled(mode):
    """Turn graph recording on or off for the calling thread; returns the previous setting."""
    if not isinstance(mode, (bool, np.bool_)):
        raise TypeError(f"set_grad_enabled expects a bool, got {type(mode).__name__} {mode!r}")
    previous = _grad_mode.enabled
    _grad_mode.enabled = bool(mode)
    return previous


class _GradMode:
    """Context manager / decorator that sets grad mode and restores it on exit.

    Works as ``with no_grad():``, ``@no_grad()`` and (as in PyTorch 2) ``@no_grad``.
    """
    mode = True

    def __new__(cls, func=None):
        self = super().__new__(cls)
        return self if func is None else self(func)  # bare @no_grad: decorate at once

    def __init__(self, func=None):
        # The modes to restore, a stack per thread: one instance can be nested, re-entered
        # and shared by threads (``ctx = no_grad()`` at module level) without mixing them up.
        self._previous = {}

    def __enter__(self):
        previous = set_grad_enabled(self.mode)
        self._previous.setdefault(threading.get_ident(), []).append(previous)
        return self

    def __exit__(self, *exc_info):
        thread = threading.get_ident()
        stack = self._previous[thread]
        set_grad_enabled(stack.pop())
        if not stack:
            del self._previous[thread]
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with type(self)():
                return func(*args, **kwargs)
        return wrapper


class no_grad(_GradMode):
    """``with no_grad():`` (or ``@no_grad()``) -- results record no graph.

    Use it for evaluation and for parameter updates: it saves memory and time,
    and the results have ``requires_grad=False`` and no ``grad_fn``.
    """
    mode = False


class enable_grad(_GradMode):
    """``with enable_grad():`` -- record the graph again inside a no_grad block."""
    mode = True


class InplaceError(ValueError, RuntimeError):
    """An in-place change (``add_``, ``t[i] = v`` ...) to a tensor whose values a recorded
    graph needs (a ValueError; a RuntimeError as in PyTorch)."""


def check_inplace(t, what):
    """Refuse to change ``t`` in place when backward() could then compute wrong gradients:
    a tensor made by a recorded operation, or a leaf that requires grad while grad mode is
    on (a parameter is updated under ``no_grad()``, as optimizers do).

    Any other in-place change to a value a recorded operation saved (an input that requires
    no grad, a leaf changed under no_grad(), a view or ``detach()`` of an output) is found by
    backward() through version counters (engine/versions.py), as in PyTorch.
    """
    if not t._requires_grad:
        return
    if t.grad_fn is not None:
        raise InplaceError(
            f"{what}: this tensor was made by {type(t.grad_fn).__name__} in a recorded graph, "
            f"and backward() needs its values; use an out-of-place operation (x = x + y) or "
            f"change .detach()'s result")
    if _grad_mode.enabled:
        raise InplaceError(
            f"{what}: a leaf tensor that requires grad cannot be changed in place while "
            f"gradients are recorded; do it inside `with engine.no_grad():` (as an optimizer "
            f"step does)")


# ------------------------------------------------------------------ Function
class Function:
    """One differentiable operation: forward and backward side by side.

    Writing a new operation::

        class Square(Function):
            '''y = x²;  ∂L/∂x = ∂L/∂y · 2x'''
            def forward(self, x):          # raw arrays in
                self.x = x                 # save what backward will need
                return x * x               # raw array (or tuple of arrays) out
            def backward(self, gy):        # ∂L/∂y as an array, shaped like y
                return gy * 2 * self.x     # one gradient per input, shaped like it

        y = Square()(x)    # a fresh instance per call: it holds that call's state

    The contract:

    * Parameters of the operation go to ``__init__`` (``Sum(axis, keepdims)``).
    * ``forward(*arrays)`` gets one raw array per input and returns an array or
      a tuple of arrays.  Save what backward needs as attributes of ``self``.
    * ``backward(*gys)`` gets one upstream gradient per output and returns one
      gradient per input (a tuple if there are several inputs), each with that
      input's shape, or None for an input that needs none.  It may read
      ``self.inputs`` (the input Tensors) and ``self.needs_input_grad`` (a
      tuple of bools) to skip work.  It must not modify the ``gys`` in place:
      the same array may be shared with other parts of the graph.
    * backward runs with grad mode off, on raw arrays: no graph of the graph.
    * An in-place change, after the forward, to an input or to an array saved on ``self`` makes
      backward() raise (engine/versions.py); a Function whose backward reads only its inputs'
      shapes says ``saves_inputs = False``, so changing them is allowed, as in PyTorch.
    """

    # Class-level defaults; instances get their own values in __call__.
    inputs = None             # input Tensors, kept only when the call is recorded
    needs_input_grad = ()     # which inputs need a gradient
    outputs = ()              # weak references to the outputs (no reference cycles)
    saves_inputs = True       # False: backward reads only the inputs' shapes (engine/versions.py)
    _saved_clock = 0          # in-place changes made before the forward: engine/versions.py

    def forward(self, *xs):
        raise NotImplementedError(f"{type(self).__name__}.forward is not implemented")

    def backward(self, *gys):
        raise NotImplementedError(f"{type(self).__name__}.backward is not implemented")

    def __call__(self, *inputs):
        if self.inputs is not None:
            raise RuntimeError(f"this {type(self).__name__} instance is already part of a graph; "
                               f"create a new one for each call: {type(self).__name__}(...)(x)")
        tensors = inputs
        for x in inputs:
            if not isinstance(x, Tensor):
                tensors = _as_tensors(inputs)
                break
        if len(tensors) > 1:        # one op, one device: never an implicit copy between them
            kind = type(tensors[0].data)
            for t in tensors:
                if type(t.data) is not kind:
                    check_same_device([t.data for t in tensors], type(self).__name__)
                    break

        ys = self.forward(*[t.data for t in tensors])
        single = not isinstance(ys, tuple)
        if single:
            outputs = [_wrap(_as_array(ys))]
        else:
            outputs = [_wrap(_as_array(y)) for y in ys]

        if _anomaly._enabled and _anomaly._check_nan:
            _anomaly.check_forward(self, [t.data for t in tensors], [y.data for y in outputs])
        if _grad_mode.enabled:
            needs = tuple([t._requires_grad for t in tensors])
            if True in needs:  # record this call in the graph
                self._record(tensors, needs, outputs, single)
        return outputs[0] if single else tuple(outputs)

    def _record(self, tensors, needs, outputs, single=True):
        """Put this call in the graph: inputs ``tensors`` (``needs``: which need a gradient)
        made the Tensors ``outputs``.  For fast paths that skip ``__call__`` (ops.matmul)."""
        # The in-place-change clock: backward() checks what this call saved against it
        # (engine/versions.py).
        self._saved_clock = _versions._changes
        if _anomaly._enabled:
            self._anomaly_stack = _anomaly.creation_stack()
        self.inputs = tensors
        self.needs_input_grad = needs
        if single:      # (most calls: spelled out, the loops below cost ~0.1 µs more)
            y = outputs[0]
            self.outputs = (_weak_reference(y),)
            y.grad_fn = self
            y._requires_grad = True
            return
        self.outputs = tuple([_weak_reference(y) for y in outputs])
        # Needed to make zero gradients for outputs that got garbage-collected.
        self._output_meta = [(y.shape, y.dtype) for y in outputs]
        for y in outputs:
            y.grad_fn = self
            y._requires_grad = True

    def _free(self):
        """Drop inputs and saved arrays after backward (retain_graph=False).

        Everything an instance stored on itself goes; ``inputs`` falls back to
        the class default None, which backward() recognises as "freed".
        """
        d = getattr(self, "__dict__", None)
        if d is not None:
            d.clear()
        else:  # a subclass with __slots__: at least cut the graph
            self.inputs = None

    def __repr__(self):
        return f"<{type(self).__name__}>"


def _as_array(y):
    # NumPy returns scalars (np.float32 ...) for 0-d results; keep real arrays.
    return np.asarray(y) if isinstance(y, np.generic) else y


def _as_tensors(inputs):
    """Turn non-Tensor operands (numbers, arrays) into constant Tensors.

    Python numbers take the dtype of the first Tensor operand, so that
    float32 * 2.0 stays float32 (NumPy 2 treats Python scalars the same way), except that a
    Python float with an integer tensor is the default float dtype (int64 * 0.5 is float32,
    as in PyTorch); NumPy arrays follow the Tensor constructor's rules.
    """
    like = None
    for x in inputs:
        if isinstance(x, Tensor):
            like = x
            break
    return tuple(x if isinstance(x, Tensor) else _constant(x, like) for x in inputs)


def _constant(x, like):
    if like is None:
        return _wrap(as_tensor_array(x))
    kind = type(x)
    if kind is int or kind is float or kind is bool:  # `x * 2` (np.float64 is not here)
        dtype = like.data.dtype
        if dtype is not _FLOAT32 and dtype is not _FLOAT64 and kind is not bool:
            if kind is float:
                dtype = get_default_dtype()
            elif dtype.kind == "b":
                dtype = np.dtype(np.int64)
        return _wrap(backend_of(like.data).xp.asarray(x, dtype=dtype))
    return _wrap(as_tensor_array(x))


# ------------------------------------------------------------------ backward
_FREED_MESSAGE = (
    "backward through a graph that has already been freed: a previous "
    "backward() released {fn}'s saved values. Pass retain_graph=True to the "
    "first backward() if you need to go through the graph twice.")


def _topological_order(root_fn):
    """Functions reachable from ``root_fn``, each before the ones that made its inputs.

    Iterative depth-first search (a loop and an explicit stack instead of
    recursion), so a graph thousands of ops deep cannot hit Python's
    recursion limit.  A Function is appended to ``post`` only after every
    Function it depends on has been; reversing ``post`` gives the order.
    """
    post, visited = [], set()
    stack = [(root_fn, False)]
    while stack:
        fn, children_done = stack.pop()
        if children_done:
            post.append(fn)
            continue
        if fn in visited:
            continue
        inputs = fn.inputs          # read once: another thread's backward may be freeing fn
        if inputs is None:
            raise RuntimeError(_FREED_MESSAGE.format(fn=type(fn).__name__))
        visited.add(fn)
        stack.append((fn, True))
        for x in inputs:
            parent = x.grad_fn
            if parent is not None and parent not in visited:
                stack.append((parent, False))
    post.reverse()
    return post


# Threads that run backward() at once on graphs sharing leaves (Hogwild-style training) add
# into the same .grad: the read-add-store below must not interleave, or a sum is lost.
_accumulate_lock = threading.Lock()


def _accumulate_into_grad(t, g):
    """Add ``g`` to ``t.grad`` (a leaf, or a non-leaf that asked to retain_grad)."""
    with _accumulate_lock:
        if t._grad is None:
            # A fresh copy: g may be shared with other tensors' gradients, and the
            # user (or an optimizer) may modify .grad in place.
            t._grad = _wrap(g.astype(t.dtype))
        else:
            t._grad = _wrap(t._grad.data + g)


def backward(tensor, grad=None, retain_graph=False):
    """Backpropagate from ``tensor``; see Tensor.backward."""
    if not tensor._requires_grad:
        raise ValueError(
            "backward() on a tensor that does not require grad: it was not computed "
            "from any tensor with requires_grad=True (or it was computed under no_grad())")
    xp = backend_of(tensor.data).xp
    if grad is None:
        if tensor.data.size != 1:
            raise ValueError(
                f"backward() on a non-scalar tensor of shape {tensor.shape} needs "
                f"grad=... (a gradient of that shape); for a loss, reduce it to one value first")
        grad = xp.ones_like(tensor.data)
    else:
        grad = as_float_array(grad, dtype=tensor.dtype)
        if grad.shape != tensor.shape:
            raise ValueError(f"backward(): grad has shape {grad.shape} "
                             f"but the tensor has shape {tensor.shape}")

    if tensor.grad_fn is None:  # backward() on a leaf: its gradient is just `grad`
        _accumulate_into_grad(tensor, grad)
        return

    # Ordered and marked as in use by this pass (other threads: engine/graph_claims.py).
    order = _graph_claims.claim(_topological_order, tensor.grad_fn, retain_graph)
    grads = {tensor: grad}  # tensor -> ∂L/∂tensor collected so far
    previous_mode = set_grad_enabled(False)
    try:
        for fn in order:
            gys = []
            for i, ref in enumerate(fn.outputs):
                y = ref()
                gy = grads.pop(y, None) if y is not None else None
                if gy is None:  # this output did not influence the loss
                    shape, dtype = (y.shape, y.dtype) if y is not None else fn._output_meta[i]
                    gy = xp.zeros(shape, dtype)
                elif y._retains_grad:
                    _accumulate_into_grad(y, gy)
                gys.append(gy)

            _versions.check_saved(fn, fn._saved_clock)
            gxs = fn.backward(*gys)
            if not isinstance(gxs, tuple):
                gxs = (gxs,)
            if _anomaly._enabled and _anomaly._check_nan:
                _anomaly.check_backward(fn, gxs)
            if len(gxs) != len(fn.inputs):
                raise RuntimeError(f"{type(fn).__name__}.backward returned {len(gxs)} gradients "
                                   f"for {len(fn.inputs)} inputs")

            for x, gx, need in zip(fn.inputs, gxs, fn.needs_input_grad):
                if not need or gx is None:
                    continue
                gx = _as_array(gx)
                data = x.data
                if gx.shape != data.shape:
                    raise RuntimeError(f"{type(fn).__name__}.backward returned a gradient of shape "
                                       f"{gx.shape} for an input of shape {data.shape}")
                if gx.dtype != data.dtype:  # e.g. float32 input of a float64 result
                    gx = gx.astype(data.dtype)
                if x.grad_fn is None:  # a leaf: this is where gradients end up
                    _accumulate_into_grad(x, gx)
                else:
                    # Out of place: gx may be the very array another input received.
                    grads[x] = grads[x] + gx if x in grads else gx

            if not retain_graph:
                fn._free()
    finally:
        set_grad_enabled(previous_mode)
        _graph_claims.release(order)
