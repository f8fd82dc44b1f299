"""Thread counts are bounded wherever one enters (engine.set_num_threads, engine._C's
set_num_threads and measure_peak_gflops, ENGINE_NUM_THREADS / OMP_NUM_THREADS at import):
an int from 1 to max_threads() (4 per usable core, at least 64).  A count in the millions used
to be accepted, and the next parallel kernel made the OpenMP runtime fail and end the
process; now set_num_threads raises a ValueError naming the maximum, and a variable in the
environment is clamped with a warning.  The process-level cases run in subprocesses: the
point is that the process survives and computes afterwards."""
import contextlib
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import engine
from engine.backend import threads

REPO = os.path.dirname(os.path.dirname(os.path.abspath(engine.__file__)))

# after the setting, each of these runs a parallel kernel on arrays big enough to use threads
KERNELS = textwrap.dedent("""
    import numpy as np, engine, engine.nn as nn, engine.nn.functional as F
    r = np.random.default_rng(0)
    a = engine.Tensor(r.standard_normal((256, 256)).astype(np.float32))
    assert np.allclose((a @ a).numpy(), a.numpy() @ a.numpy(), rtol=1e-3, atol=1e-3)
    x = engine.Tensor(r.standard_normal((8, 3, 32, 32)).astype(np.float32))
    w = engine.Tensor(r.standard_normal((4, 3, 3, 3)).astype(np.float32))
    assert F.conv2d(x, w, padding=1).shape == (8, 4, 32, 32)
    assert F.max_pool2d(x, 2).shape == (8, 3, 16, 16)
    big = engine.Tensor(r.standard_normal(1 << 20).astype(np.float32))
    assert np.array_equal(F.relu(big).numpy(), np.maximum(big.numpy(), 0))
    model = nn.Linear(1 << 10, 1 << 9)
    opt = engine.optim.Adam(model.parameters(), lr=0.01)
    model(engine.Tensor(np.ones((4, 1 << 10), np.float32))).sum().backward()
    opt.step()
    print("computed with", engine.get_num_threads(), "threads")
""")


def run(code, env=None):
    full_env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    for name in ("ENGINE_NUM_THREADS", "OMP_NUM_THREADS"):
        full_env.pop(name, None)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=full_env, timeout=240)


@pytest.fixture
def restore_threads():
    before = engine.get_num_threads()
    yield
    engine.set_num_threads(before)


def test_the_maximum_is_four_per_core_and_at_least_64():
    most = threads.max_threads()
    assert most >= threads.MAX_THREADS_FLOOR == 64
    assert most >= 4 * min(threads.usable_cores(), os.cpu_count() or 1)
    if engine.backend.native_available():
        from engine import _C
        assert _C.max_threads() == most


TOO_MANY = [lambda: threads.max_threads() + 1, lambda: 10**6, lambda: 2**31 - 1,
            lambda: 2**31, lambda: 2**63, lambda: 10**30]
TOO_FEW = [0, -1, -2**31]
NOT_INTS = [True, False, 2.5, 4.0, float("nan"), float("inf"), "4", None, [4], np.float64(2),
            np.bool_(True), 4 + 0j]


def setters():
    funcs = [("engine.set_num_threads", engine.set_num_threads)]
    if engine.backend.native_available():
        from engine import _C
        funcs.append(("_C.set_num_threads", _C.set_num_threads))
    return funcs


@pytest.mark.parametrize("name,setter", setters())
@pytest.mark.parametrize("count", TOO_MANY)
def test_too_many_threads_are_refused_naming_the_maximum(name, setter, count, restore_threads):
    before = engine.get_num_threads()
    with pytest.raises(ValueError, match=str(threads.max_threads())):
        setter(count())
    assert engine.get_num_threads() == before


@pytest.mark.parametrize("name,setter", setters())
@pytest.mark.parametrize("count", TOO_FEW)
def test_fewer_than_one_thread_is_refused(name, setter, count, restore_threads):
    with pytest.raises(ValueError):
        setter(count)


@pytest.mark.parametrize("name,setter", setters())
@pytest.mark.parametrize("count", NOT_INTS, ids=repr)
def test_a_thread_count_that_is_not_an_int_is_a_typeerror(name, setter, count, restore_threads):
    with pytest.raises(TypeError):
        setter(count)


def test_numpy_integers_and_the_maximum_itself_are_accepted(restore_threads):
    engine.set_num_threads(np.int64(2))
    assert engine.get_num_threads() == 2
    engine.set_num_threads(threads.max_threads())
    assert engine.get_num_threads() == threads.max_threads()


BAD_COUNTS = ["10**6", "2**31 - 1", "2**31", "-1", "0", "2.5", "True", "'4'", "float('nan')"]


def test_the_process_survives_every_bad_count_and_computes_after_each():
    # one process: each refused count is followed by every kernel family (an accepted count
    # in the millions used to kill the process at the next parallel kernel)
    body = "".join(f"try:\n    engine.set_num_threads({count})\n"
                   f"except (TypeError, ValueError) as e:\n    print('refused:', e)\n"
                   f"kernels()\n" for count in BAD_COUNTS)
    done = run("import engine\ndef kernels():\n" + textwrap.indent(KERNELS, "    ") + body)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count("refused:") == len(BAD_COUNTS)
    assert done.stdout.count("computed with") == len(BAD_COUNTS)


def test_the_largest_allowed_count_runs_every_kernel_family():
    done = run("import engine\nengine.set_num_threads(engine.backend.threads.max_threads())\n"
               + KERNELS)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "computed with" in done.stdout


@pytest.mark.parametrize("name,value", [("OMP_NUM_THREADS", "1000000"),
                                        ("ENGINE_NUM_THREADS", "2147483648"),
                                        ("OMP_NUM_THREADS", "99999999999999999999,2")])
def test_a_huge_count_in_the_environment_is_clamped_with_a_warning(name, value):
    done = run("import warnings\nwarnings.simplefilter('always')\n" + KERNELS
               + "assert engine.get_num_threads() == engine.backend.threads.max_threads()\n",
               {name: value})
    assert done.returncode == 0, done.stderr[-3000:]
    assert "asks for more threads" in done.stderr


@pytest.mark.parametrize("value", ["abc", "-3", "0", "2.5"])
def test_a_meaningless_count_in_the_environment_is_ignored_with_a_warning(value):
    with pytest.warns(RuntimeWarning, match="ENGINE_NUM_THREADS"):
        n, reason = threads.choose_threads({"ENGINE_NUM_THREADS": value}, look=lambda: 0.0)
    assert 1 <= n <= threads.max_threads() and "set by the user" not in reason


def test_a_count_in_range_in_the_environment_is_used_as_it_is():
    n, reason = threads.choose_threads({"OMP_NUM_THREADS": "3"}, look=lambda: 0.0)
    assert n == 3 and "OMP_NUM_THREADS" in reason
    with pytest.warns(RuntimeWarning, match="using"):
        n, _ = threads.choose_threads({"OMP_NUM_THREADS": str(10**9)}, look=lambda: 0.0)
    assert n == threads.max_threads()


@pytest.mark.parametrize("value, left", [("99999999999999999999,2", "64-or-more"),
                                         ("1000000", "64-or-more"), ("abc", None),
                                         ("-3", None), ("0", None), ("2,1", "2,1"), ("3", "3")])
def test_the_openmp_runtime_is_left_only_a_count_engine_accepts(value, left):
    """LLVM's OpenMP runtime reads OMP_NUM_THREADS itself and aborts on an absurd count, so
    the environment is mended before the kernels load (clamped, or removed if meaningless)."""
    from engine.backend import threads
    env = {"OMP_NUM_THREADS": value}
    with pytest.warns(RuntimeWarning) if left not in ("2,1", "3") else contextlib.nullcontext():
        threads.prepare_openmp_environment(env)
    if left is None:
        assert "OMP_NUM_THREADS" not in env
    elif left == "64-or-more":
        assert int(env["OMP_NUM_THREADS"]) >= threads.MAX_THREADS_FLOOR
    else:
        assert env["OMP_NUM_THREADS"] == left
