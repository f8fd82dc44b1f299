"""How many threads the compiled kernels use by default, and how they wait: chosen for a
shared machine.

Classrooms run on shared servers. Two OpenMP defaults make a program slowest exactly there:

* **every core**: with another busy program on a 2-core machine, one of our two threads
  shares its core with that program, and each parallel region waits for that slow thread;
* **threads that spin while they wait** for the next parallel region: on a machine with
  free cores spinning saves a few microseconds, on a busy one it takes CPU time from the
  thread that has the work (ours or the neighbour's).

So before the OpenMP runtime starts (``prepare_openmp_environment``, called by
``engine/__init__`` before the compiled kernels load), waiting threads are told to spin
only briefly and then sleep (``GOMP_SPINCOUNT``), unless the user already chose a policy
(``OMP_WAIT_POLICY`` or ``GOMP_SPINCOUNT`` set); and the default thread count is the number
of cores *free* when engine is imported (``choose_threads``): the cores this process may
use, minus the cores other programs kept busy in a short look at ``/proc/stat``, at least 1.
That is where it starts: the kernels may use every usable core, and the count follows the
cores actually free while the program runs (``csrc/common/team.h``: a parallel region slower
than one thread fewer would be shrinks the team, a try now and then grows it back).
``OMP_NUM_THREADS`` or ``ENGINE_NUM_THREADS`` set by the user wins, and stays fixed, as does
a count set with ``set_num_threads``. ``engine info`` prints the choice and the reason
(``CHOICE``).

**The bound.** A thread count is at most ``max_threads()``: 4 per usable core, at least 64
(the compiled kernels' own limit, ``csrc/common/cpu.c``). More threads than that only wait
for each other, and a count in the millions makes the OpenMP runtime fail to create its team
and end the process. ``set_num_threads`` refuses a larger count (``ValueError`` naming the
maximum); a larger count in an environment variable is clamped with a ``RuntimeWarning``
(a bad environment must not stop ``import engine``).
"""
import os
import time
import warnings

import numpy as np

# Spin this many times (about a microsecond) before sleeping: keeps a quick hand-over between
# back-to-back parallel regions, and stops stealing a busy core for the long spin GNU OpenMP
# does by default (300 000 spins); 1000 is what libgomp itself uses for an active policy when
# it sees more threads than cores.
SPINCOUNT = "1000"

# How long to watch /proc/stat at import for other programs' load (10 ms kernel ticks:
# 5 ticks per core).
LOOK_SECONDS = 0.05

# What was chosen and why (filled by choose_threads; printed by engine info).
CHOICE = {"threads": None, "most": None, "adaptive": False, "reason": "not chosen yet",
          "wait_policy": None}


def prepare_openmp_environment(environ=None):
    """Set GOMP_SPINCOUNT before the OpenMP runtime reads it, unless the user chose a waiting
    policy. Returns the policy in effect, in words."""
    env = os.environ if environ is None else environ
    if "OMP_WAIT_POLICY" in env or "GOMP_SPINCOUNT" in env:
        policy = ", ".join(f"{k}={env[k]}" for k in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")
                           if k in env)
        policy += " (set by the user)"
    else:
        env["GOMP_SPINCOUNT"] = SPINCOUNT
        policy = (f"GOMP_SPINCOUNT={SPINCOUNT}: waiting threads spin briefly, then sleep "
                  "(set OMP_WAIT_POLICY or GOMP_SPINCOUNT to choose otherwise)")
    if environ is None:
        CHOICE["wait_policy"] = policy
    # The OpenMP runtime parses OMP_NUM_THREADS itself, and LLVM's aborts the process on a
    # count it cannot hold: leave it only a count engine accepts (the warning says what).
    value = env.get("OMP_NUM_THREADS", "").strip()
    if value:
        n = _thread_count_from_env("OMP_NUM_THREADS", value,
                                   most=max(MAX_THREADS_FLOOR, 4 * usable_cores()))
        if n is None:
            del env["OMP_NUM_THREADS"]
        elif n != int(value.split(",")[0]):        # clamped: a valid list "4,2" stays
            env["OMP_NUM_THREADS"] = str(n)
    return policy


# At least this many threads may always be asked for (the C side's ENG_MAX_THREADS_FLOOR).
MAX_THREADS_FLOOR = 64


def max_threads():
    """The largest thread count accepted: the compiled kernels' limit when they are built
    (4 per logical CPU, at least 64), else the same rule from the usable cores."""
    try:
        from .. import _C
        return _C.max_threads()
    except ImportError:
        return max(MAX_THREADS_FLOOR, 4 * usable_cores())


def check_thread_count(n, what="the number of threads"):
    """``n`` as an ``int`` from 1 to ``max_threads()``: ``TypeError`` for a bool, float, string
    or None, ``ValueError`` out of range (naming the maximum)."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{what} must be an int, got {type(n).__name__} {n!r}")
    most = max_threads()
    if not 1 <= n <= most:
        raise ValueError(f"{what} must be from 1 to {most} (4 per usable core, at least "
                         f"{MAX_THREADS_FLOOR}), got {n}")
    return int(n)


def usable_cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def free_cores(cores, others_busy):
    """Cores left for us when other programs keep ``others_busy`` cores busy (at least 1).

    A neighbour counts from 0.5 of a core: half a core taken already halves the speed of the
    thread that shares it, and every parallel region waits for its slowest thread.
    """
    return max(1, min(cores, cores - int(others_busy + 0.5)))


def others_busy_now(seconds=LOOK_SECONDS):
    """Cores other programs keep busy, watched for ``seconds`` (None without /proc/stat)."""
    from .cpuload import others_cores, sample
    before = sample()
    if before is None:
        return None
    time.sleep(seconds)
    return others_cores(before, sample())


def user_threads(environ=None):
    """(threads, reason) when the user chose a count (``ENGINE_NUM_THREADS`` or
    ``OMP_NUM_THREADS``), else None."""
    env = os.environ if environ is None else environ
    for name in ("ENGINE_NUM_THREADS", "OMP_NUM_THREADS"):
        value = env.get(name, "").strip()
        if value:
            n = _thread_count_from_env(name, value)
            if n is not None:
                return n, f"{name}={value} set by the user"
    return None


def choose_threads(environ=None, look=others_busy_now):
    """(threads, reason): the default thread count for this process and why."""
    chosen = user_threads(environ)
    if chosen is not None:
        return chosen
    cores = usable_cores()
    if cores == 1:
        return 1, "this process may use 1 core"
    others = look()
    if others is None:
        return cores, f"{cores} usable cores (no /proc/stat to see other programs' load)"
    others = min(others, cores)     # kernel ticks are coarse: never print "2.2 of 2"
    n = free_cores(cores, others)
    return n, (f"{cores} usable cores, other programs kept {others:.1f} busy at import "
               f"-> {n} free (set ENGINE_NUM_THREADS to choose)")


def _thread_count_from_env(name, value, most=None):
    """The thread count an environment variable asks for (its first entry: OpenMP allows a
    list "4,2"), clamped to max_threads() with a warning; None, with a warning, if it is not
    a positive integer (the default is used then)."""
    try:
        n = int(value.split(",")[0])
    except ValueError:
        warnings.warn(f"{name}={value!r} is not a number of threads; ignored", RuntimeWarning,
                      stacklevel=2)
        return None
    if n < 1:
        warnings.warn(f"{name}={value!r}: the number of threads must be at least 1; ignored",
                      RuntimeWarning, stacklevel=2)
        return None
    most = max_threads() if most is None else most
    if n > most:
        warnings.warn(f"{name}={value!r} asks for more threads than engine allows; using "
                      f"{most} (4 per usable core, at least {MAX_THREADS_FLOOR})",
                      RuntimeWarning, stacklevel=2)
        return most
    return n


def apply_default(set_default):
    """Choose the default thread count and set it with ``set_default(most, start,
    adaptive)``; remembered in CHOICE for engine info.

    A count the user chose stays fixed. Otherwise the kernels may use every usable core,
    start with those free now, and follow the cores actually free while the program runs:
    each big parallel region times itself, and the team shrinks while it is slower than one
    thread fewer would be, and grows again when a try shows the core is back
    (``csrc/common/team.h``).
    """
    n, reason = choose_threads()
    adaptive = user_threads() is None
    most = max(n, usable_cores()) if adaptive else n
    set_default(most, n, adaptive)
    CHOICE.update(threads=n, most=most, adaptive=adaptive, reason=reason)
    return n
