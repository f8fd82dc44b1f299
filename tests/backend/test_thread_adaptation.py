"""The default thread count follows the cores actually free (csrc/common/team.h).

The rule is judged on windows of parallel regions: the gain (what one thread alone would
take ÷ what the team took) must be at least c - 1 for c threads, else the team shrinks by
one; after a pause it tries one more thread again, and each failed try doubles the pause.
``_C.thread_adaptation_judge`` feeds the rule a window's sums directly, so these tests check
the decisions without depending on how busy the machine is.
"""
import numpy as np
import pytest

import engine
from engine import backend

_C = pytest.importorskip("engine._C")

pytestmark = pytest.mark.skipif(not _C.openmp_enabled(),
                                reason="built without OpenMP: one thread, nothing to adapt")

WINDOW = 2e-3          # a window's wall time (ENG_TEAM_WINDOW_S)
BACKOFF_MIN, BACKOFF_MAX = 0.02, 1.0


@pytest.fixture(autouse=True)
def _kept():
    with backend.thread_setting_kept():
        yield


def adapt(most, start=None):
    """Adapt to at most ``most`` threads, afresh from ``start``; without it, going on from
    where the adaptation to the same ``most`` was."""
    _C.set_num_threads(most, adaptive=True, start=start)
    return _C.thread_adaptation()


def losing(c, due=False):
    """A window where c threads were slower than c - 1 would be (gain c - 1.5)."""
    return _C.thread_adaptation_judge((c - 1.5) * WINDOW, WINDOW, -100.0 if due else 0.0)


def winning(c, due=False):
    """A window where c threads paid (gain c - 0.5)."""
    return _C.thread_adaptation_judge((c - 0.5) * WINDOW, WINDOW, -100.0 if due else 0.0)


def test_a_fixed_count_does_not_adapt():
    adapt(2, start=1)                  # what the adaptation learnt (1) is kept, not used
    engine.set_num_threads(2)
    state = _C.thread_adaptation()
    assert not state["adaptive"] and state["in_use"] == state["set"] == 2
    assert _C.thread_adaptation_judge(0.1 * WINDOW, WINDOW) == 2       # ignored
    assert _C.thread_adaptation()["windows"] == state["windows"]
    assert _C.threads_to_use() == 2 and backend.threads_in_use() == 2


def test_adapting_starts_from_start_and_reports_the_most():
    state = adapt(4, start=1)
    assert state["adaptive"] and state["set"] == 4 and state["in_use"] == 1
    assert engine.get_num_threads() == 4 and backend.threads_in_use() == 1


def test_a_losing_window_shrinks_the_team_by_one():
    before = adapt(2, start=2)
    assert losing(2) == 1
    state = _C.thread_adaptation()
    assert state["down"] == before["down"] + 1
    assert state["last_gain"] == pytest.approx(0.5)
    assert _C.thread_adaptation_judge(0.0, WINDOW) == 1     # never below one thread


def test_larger_teams_go_down_one_thread_below_all_or_to_where_they_started():
    adapt(4, start=4)
    assert losing(4) == 3
    assert losing(3) == 3                      # one fewer than all, at most
    adapt(4, start=2)                          # two cores were free at import
    assert losing(2) == 2
    adapt(8, start=6)
    assert losing(6) == 6
    assert _C.threads_to_use() == 7            # (after a fresh start, a try is due at once)
    assert losing(7) == 6


@pytest.mark.parametrize("c", [2, 3, 4])
def test_the_gain_threshold_is_c_minus_one(c):
    adapt(c, start=c)
    assert _C.thread_adaptation_judge((c - 1) * WINDOW, WINDOW) == c       # even: kept
    assert _C.thread_adaptation_judge((c - 1.01) * WINDOW, WINDOW) == c - 1


def test_winning_windows_keep_the_team():
    adapt(2, start=2)
    for _ in range(5):
        assert winning(2) == 2
    assert _C.thread_adaptation()["in_use"] == 2


def test_one_more_thread_is_tried_after_the_pause_and_kept_when_it_pays():
    adapt(2, start=2)
    losing(2, due=True)                         # shrunk, and the pause is already over
    before = _C.thread_adaptation()
    assert before["in_use"] == 1 and before["backoff"] == pytest.approx(BACKOFF_MIN)
    assert _C.threads_to_use() == 2             # the try starts with the next kernel
    assert winning(2) == 2
    after = _C.thread_adaptation()
    assert after["up"] == before["up"] + 1 and after["backoff"] == pytest.approx(BACKOFF_MIN)


def test_no_try_before_the_pause_is_over():
    adapt(2, start=2)
    _C.thread_adaptation_judge(0.5 * WINDOW, WINDOW, 100.0)   # next try in 100 s and more
    assert _C.threads_to_use() == 1 and _C.thread_adaptation()["in_use"] == 1


def test_each_failed_try_doubles_the_pause_up_to_its_cap():
    adapt(2, start=2)
    losing(2, due=True)
    pauses = []
    for _ in range(9):
        assert _C.threads_to_use() == 2         # the try
        assert losing(2, due=True) == 1         # fails
        pauses.append(_C.thread_adaptation()["backoff"])
    expected = [min(BACKOFF_MIN * 2 ** (i + 1), BACKOFF_MAX) for i in range(9)]
    assert pauses == pytest.approx(expected)
    assert _C.threads_to_use() == 2 and winning(2) == 2        # a try that pays: reset
    assert _C.thread_adaptation()["backoff"] == pytest.approx(BACKOFF_MIN)


def test_a_fixed_count_in_between_leaves_what_was_learnt():
    adapt(2, start=2)
    losing(2)
    assert _C.thread_adaptation()["in_use"] == 1
    engine.set_num_threads(2)                   # e.g. the bench's 2-thread row
    assert _C.thread_adaptation()["in_use"] == 2
    assert adapt(2)["in_use"] == 1              # back to it: goes on from 1
    assert adapt(2, start=2)["in_use"] == 2     # or afresh
    losing(2)
    assert adapt(3)["in_use"] == 3              # another most: from it


def test_engine_default_adapts_and_set_num_threads_fixes():
    backend.use_default_threads()
    chosen = backend.threads.CHOICE
    state = _C.thread_adaptation()
    assert state["adaptive"] == chosen["adaptive"]
    assert engine.get_num_threads() == chosen["most"]
    engine.set_num_threads(1)
    assert not _C.thread_adaptation()["adaptive"]
    with backend.thread_setting_kept():
        engine.set_num_threads(2)
    assert not _C.thread_adaptation()["adaptive"] and engine.get_num_threads() == 1
    backend.use_default_threads()
    with backend.thread_setting_kept():
        engine.set_num_threads(1)
    assert _C.thread_adaptation()["adaptive"] == chosen["adaptive"]


def test_real_regions_are_timed_and_judged():
    """The GEMM's team times itself: windows of its regions get judged (what they decide
    depends on the machine; that they are judged, with a gain measured, does not)."""
    adapt(2, start=2)
    before = _C.thread_adaptation()["windows"]
    a = np.random.default_rng(0).standard_normal((256, 256), dtype=np.float32)
    for _ in range(2000):
        if _C.thread_adaptation()["in_use"] < 2:
            _C.threads_to_use()                 # (a try, when due)
        _C.gemm(a, a)
        state = _C.thread_adaptation()
        if state["windows"] > before:
            break
    assert state["windows"] > before and state["last_gain"] > 0


def test_chunked_convolution_regions_are_timed_too():
    from engine.backend import native
    adapt(2, start=2)
    before = _C.thread_adaptation()["windows"]
    rng = np.random.default_rng(1)
    x = rng.standard_normal((64, 3, 16, 16), dtype=np.float32)
    w = rng.standard_normal((8, 3, 3, 3), dtype=np.float32)
    for _ in range(5000):
        native.conv_by_chunk(x, w, None, 1, 1, 1)
        state = _C.thread_adaptation()
        if state["windows"] > before:
            break
        if state["in_use"] < 2:
            _C.threads_to_use()
    assert state["windows"] > before and state["last_gain"] > 0


def test_the_thread_count_never_changes_a_result():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((300, 200), dtype=np.float32)
    b = rng.standard_normal((200, 250), dtype=np.float32)
    engine.set_num_threads(1)
    one = _C.gemm(a, b)
    adapt(2, start=2)
    assert np.array_equal(_C.gemm(a, b), one)
    losing(2)
    assert _C.thread_adaptation()["in_use"] == 1
    assert np.array_equal(_C.gemm(a, b), one)


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(n=2, adaptive="yes"), TypeError, "adaptive must be True or False"),
    (dict(n=2, adaptive=True, start=3), ValueError, "start must be at most n = 2"),
    (dict(n=2, adaptive=True, start=0), ValueError, "start must be from 1"),
    (dict(n=2, adaptive=True, start=1.5), TypeError, "start must be an int"),
])
def test_bad_settings_are_refused(kwargs, error, words):
    with pytest.raises(error, match=words):
        _C.set_num_threads(**kwargs)


def test_a_bad_window_is_refused():
    with pytest.raises(ValueError, match="wall > 0"):
        _C.thread_adaptation_judge(1.0, 0.0)
    with pytest.raises(ValueError, match="alone >= 0"):
        _C.thread_adaptation_judge(float("nan"), 1.0)


def test_the_default_goes_on_or_starts_afresh():
    chosen = backend.threads.CHOICE
    if not chosen["adaptive"] or chosen["most"] < 2:
        pytest.skip("the default here is a fixed count")
    backend.use_default_threads(afresh=True)
    start = _C.thread_adaptation()["in_use"]
    assert start == min(chosen["threads"], chosen["most"])
    _C.thread_adaptation_judge(0.0, WINDOW, 100.0)          # shrinks, if it can go lower
    shrunk = _C.thread_adaptation()["in_use"]
    engine.set_num_threads(1)
    backend.use_default_threads()
    assert _C.thread_adaptation()["in_use"] == shrunk        # goes on from what it learnt
    backend.use_default_threads(afresh=True)
    assert _C.thread_adaptation()["in_use"] == start
