"""The default thread count and OpenMP waiting policy for a shared machine (backend/threads.py)."""
import pytest

from engine.backend import threads


@pytest.mark.parametrize("cores, others, free", [
    (2, 0.0, 2), (2, 0.3, 2), (2, 0.6, 1), (2, 1.0, 1), (2, 5.0, 1), (8, 2.2, 6), (1, 0.0, 1),
])
def test_free_cores(cores, others, free):
    assert threads.free_cores(cores, others) == free


def test_user_settings_win():
    n, reason = threads.choose_threads({"ENGINE_NUM_THREADS": "3"}, look=lambda: 9.0)
    assert n == 3 and "ENGINE_NUM_THREADS" in reason
    n, reason = threads.choose_threads({"OMP_NUM_THREADS": "4,2"}, look=lambda: 9.0)
    assert n == 4 and "OMP_NUM_THREADS" in reason


def test_busy_neighbour_lowers_the_default(monkeypatch):
    monkeypatch.setattr(threads, "usable_cores", lambda: 2)
    assert threads.choose_threads({}, look=lambda: 1.0)[0] == 1
    assert threads.choose_threads({}, look=lambda: 0.1)[0] == 2
    n, reason = threads.choose_threads({}, look=lambda: None)
    assert n == 2 and "no /proc/stat" in reason


def test_waiting_policy_is_set_only_when_the_user_chose_none():
    env = {}
    assert "GOMP_SPINCOUNT" in threads.prepare_openmp_environment(env)
    assert env["GOMP_SPINCOUNT"] == threads.SPINCOUNT
    env = {"OMP_WAIT_POLICY": "active"}
    assert "set by the user" in threads.prepare_openmp_environment(env)
    assert "GOMP_SPINCOUNT" not in env


def test_engine_info_says_what_it_chose():
    import engine
    from engine import info
    facts = info.collect()
    if facts["compiled_extension"]:
        assert facts["threads_reason"] and facts["openmp_wait"]
        assert "default chosen from" in info.report()
    assert engine.get_num_threads() >= 1


def test_reason_never_reports_more_busy_cores_than_there_are(monkeypatch):
    monkeypatch.setattr(threads, "usable_cores", lambda: 2)
    n, reason = threads.choose_threads({}, look=lambda: 2.4)
    assert n == 1 and "kept 2.0 busy" in reason
