"""Check backward() against numerical derivatives (central differences).

For a function ``fn`` and an input x, the exact derivative of output element
j w.r.t. input element i is approximated by

    (fn(x + eps·eᵢ)[j] − fn(x − eps·eᵢ)[j]) / (2·eps)

whose error shrinks like eps².  gradcheck compares these numbers with what
backward() computes.  What is compared:

* Small outputs (at most ``FULL_JACOBIAN_MAX_OUTPUTS`` elements in total, the
  default): the full Jacobian, as PyTorch's gradcheck does.  Row j of the
  analytic Jacobian is the input gradient after backward() with a one-hot
  upstream gradient at output element j; so every output element is checked
  separately and mistakes cannot cancel out.
* Larger outputs: the gradient of the scalar Σⱼ R[j]·out[j] for a fixed random
  R (one backward, two evaluations per input element).  Pass
  ``full_jacobian=True`` / ``False`` to choose explicitly.
"""
import numpy as np

from . import dtypes
from .autograd import no_grad
from .tensor import Tensor

FULL_JACOBIAN_MAX_OUTPUTS = 1024


class GradcheckError(AssertionError):
    """Raised by gradcheck when analytic and numerical gradients disagree."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _evaluate(fn, inputs):
    """All outputs of fn, flattened and joined into one float64 vector (no graph)."""
    with no_grad():
        outs = _as_tuple(fn(*inputs))
    return np.concatenate([np.asarray(o.numpy(), dtype=np.float64).ravel() for o in outs])


def _numerical(fn, inputs, x, eps, project):
    """d(outputs)/dx by central differences: shape (x.size, n_outputs) or (x.size,) if projected."""
    data = x.data
    columns = []
    for idx in np.ndindex(*data.shape):  # by index: x.data may not be contiguous
        original = data[idx]
        data[idx] = original + eps
        plus = _evaluate(fn, inputs)
        data[idx] = original - eps
        minus = _evaluate(fn, inputs)
        data[idx] = original
        d = (plus - minus) / (2 * eps)
        columns.append(d @ project if project is not None else d)
    return np.array(columns)


def _analytic(outputs, xs, upstreams):
    """d(Σ upstream·outputs)/dx for each x in xs via backward(), one backward per upstream.

    Returns one array per x, of shape (x.size, len(upstreams)).
    """
    rows = [[] for _ in xs]
    for ups in upstreams:
        for x in xs:
            x.grad = None
        for out, up in zip(outputs, ups):
            if out.requires_grad:
                out.backward(up.reshape(out.shape), retain_graph=True)
        for x, r in zip(xs, rows):
            r.append(np.zeros(x.numel()) if x.grad is None else np.asarray(x.grad.numpy(), np.float64).ravel())
    return [np.array(r).reshape(len(upstreams), x.numel()).T for x, r in zip(xs, rows)]


def _split(vector, outputs):
    """Cut a flat vector into pieces shaped like each output."""
    pieces, start = [], 0
    for out in outputs:
        pieces.append(vector[start:start + out.numel()].astype(out.dtype))
        start += out.numel()
    return pieces


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, full_jacobian=None):
    """Compare backward() with central differences for every input that requires grad.

    fn: callable taking the input Tensors, returning a Tensor or tuple of Tensors.
    inputs: a Tensor or a sequence of them; those with requires_grad=True must be float64.
    Passes where |analytic − numeric| <= atol + rtol·|numeric| for every element.
    Returns True; on a mismatch raises GradcheckError (or returns False when
    raise_exception=False).  The inputs' ``.grad`` is left as it was.
    """
    # A non-leaf input would not get .grad filled in: check a detached copy instead.
    inputs = tuple(x.detach().requires_grad_() if isinstance(x, Tensor) and not x.is_leaf else x
                   for x in _as_tuple(inputs))
    checked = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    for i in checked:
        if inputs[i].dtype != dtypes.float64:
            raise TypeError(
                f"gradcheck input {i} is {inputs[i].dtype}; use float64 (dtype=engine.float64). "
                f"float32 keeps only ~7 significant digits, so f(x+eps) - f(x-eps) with eps={eps} "
                "is mostly rounding error and the check would be meaningless.")

    outputs = _as_tuple(fn(*inputs))
    n_out = sum(o.numel() for o in outputs)
    if full_jacobian is None:
        full_jacobian = n_out <= FULL_JACOBIAN_MAX_OUTPUTS
    if full_jacobian:
        upstreams = [_split(row, outputs) for row in np.eye(n_out)]
        project = None
    else:
        project = np.random.default_rng(0).standard_normal(n_out)
        upstreams = [_split(project, outputs)]

    tensors = [x for x in inputs if isinstance(x, Tensor)]
    saved_grads = [x.grad for x in tensors]
    try:
        analytics = _analytic(outputs, [inputs[i] for i in checked], upstreams)
    finally:
        for x, g in zip(tensors, saved_grads):
            x.grad = g

    for i, analytic in zip(checked, analytics):   # analytic: (x.size, n_rows)
        x = inputs[i]
        numeric = _numerical(fn, inputs, x, eps, project).reshape(analytic.shape)
        excess = np.abs(analytic - numeric) - (atol + rtol * np.abs(numeric))
        if not (excess <= 0).all():  # written this way round so that NaN fails too
            excess = np.where(np.isnan(excess), np.inf, excess)
            worst = np.unravel_index(np.argmax(excess), excess.shape)
            if raise_exception:
                raise GradcheckError(
                    _message(i, x, worst, analytic, numeric, outputs, full_jacobian, atol, rtol))
            return False
    return True


def _output_position(col, outputs):
    """Flat position in the joined outputs -> readable 'output index (i, j)'."""
    for k, out in enumerate(outputs):
        if col < out.numel():
            idx = tuple(int(i) for i in np.unravel_index(col, out.shape))
            return f"output {k} index {idx}" if len(outputs) > 1 else f"output index {idx}"
        col -= out.numel()


def _message(i, x, worst, analytic, numeric, outputs, full_jacobian, atol, rtol):
    elem, col = worst
    where = tuple(int(j) for j in np.unravel_index(elem, x.shape))
    a, n = float(analytic[worst]), float(numeric[worst])
    what = (f"d({_output_position(col, outputs)}) / d(input element {where})" if full_jacobian
            else f"d(random projection of the outputs) / d(input element {where})")
    return (f"gradcheck failed for input {i} (shape {x.shape}): worst mismatch at input index "
            f"{where}: {what}: analytic {a!r} vs numeric {n!r} "
            f"(|difference| {abs(a - n):.3g} > atol + rtol*|numeric| = {atol + rtol * abs(n):.3g})")
