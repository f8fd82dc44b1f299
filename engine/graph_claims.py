"""Which backward() passes are running through which Functions: one graph, several threads.

Threads may run backward() at the same time on graphs of their own, and on a shared graph
when every one of those passes keeps it (``retain_graph=True``): a pass only reads what the
Functions saved. A pass that frees the graph (the default) must be the only one in it: freeing
a Function while another pass is inside its backward would hand that pass a half-emptied
object (an AttributeError from deep inside an op, or gradients added only in part). So, as in
PyTorch, the second pass raises a RuntimeError at the start, before it computes anything.

``claim`` orders the graph and marks its Functions as in use, under one lock, so that two
passes starting at once cannot both see the graph free; ``release`` unmarks what the pass
did not free.
"""
import threading

_lock = threading.Lock()
_in_use = {}      # Function -> number of passes reading it, or FREEING (one pass, which frees it)
FREEING = -1

_BUSY = ("backward(): another thread is running backward() through this graph now{what}; "
         "run the passes one after the other, or pass retain_graph=True to every one of them")


def claim(topological_order, root_fn, retain_graph):
    """The Functions of ``root_fn``'s graph in backward order (``topological_order(root_fn)``),
    marked as used by this pass; RuntimeError if another pass holds them in a way that
    conflicts."""
    with _lock:
        order = topological_order(root_fn)
        for fn in order:
            users = _in_use.get(fn, 0)
            if users == FREEING:
                raise RuntimeError(_BUSY.format(what=" and frees it as it goes"))
            if users and not retain_graph:
                raise RuntimeError(_BUSY.format(
                    what=", and this call (retain_graph=False) would free it under that pass"))
        for fn in order:
            _in_use[fn] = FREEING if not retain_graph else _in_use.get(fn, 0) + 1
    return order


def release(order):
    """Unmark the Functions ``claim`` marked for this pass."""
    with _lock:
        for fn in order:
            users = _in_use.get(fn)
            if users is None:
                continue
            if users == FREEING or users == 1:
                del _in_use[fn]
            else:
                _in_use[fn] = users - 1
