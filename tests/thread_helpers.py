"""Running work in several Python threads at once, for the thread-safety tests.

``run_in_threads`` never hangs a test run: every wait has a timeout, the threads are daemons,
and a thread that has not finished in time fails the test by name. ``busy_switching`` makes
the interpreter switch threads every few microseconds (instead of every 5 ms), so that
Python-level races between threads show up in a short test.
"""
import contextlib
import sys
import threading
import time

JOIN_TIMEOUT = 120.0    # seconds for all threads together: generous, it only bounds a hang


def run_in_threads(targets, timeout=JOIN_TIMEOUT):
    """Run each callable of ``targets`` in its own thread, all released together by a barrier;
    return their results in order. Re-raises the first exception a thread raised."""
    count = len(targets)
    barrier = threading.Barrier(count)
    results, errors = [None] * count, [None] * count

    def body(i):
        try:
            barrier.wait(timeout)
            results[i] = targets[i]()
        except BaseException as err:    # handed to the main thread below
            errors[i] = err

    threads = [threading.Thread(target=body, args=(i,), name=f"worker-{i}", daemon=True)
               for i in range(count)]
    deadline = time.monotonic() + timeout
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    stuck = [t.name for t in threads if t.is_alive()]
    assert not stuck, f"threads {stuck} did not finish within {timeout} s"
    for err in errors:
        if err is not None:
            raise err
    return results


def in_thread(fn, timeout=JOIN_TIMEOUT):
    """``fn()`` run in one new thread; its result (or its exception, raised here)."""
    return run_in_threads([fn], timeout)[0]


@contextlib.contextmanager
def busy_switching(interval=1e-5):
    """Let the interpreter switch threads every ``interval`` seconds inside the block."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def wait(event, what, timeout=JOIN_TIMEOUT):
    """Wait for ``event``; fail (instead of hanging) if it never comes."""
    assert event.wait(timeout), f"gave up waiting for {what} after {timeout} s"
