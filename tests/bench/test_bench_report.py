"""The benchmark suite's pure logic: ratio wording, busy detection, --compare, the JSON shape.

No timing here: synthetic rows and synthetic /proc/stat samples.
"""
import json

import pytest

from engine.bench import machine, report


# ------------------------------------------------------------------ ratio wording
@pytest.mark.parametrize("ours, theirs, words", [
    (1.0, 2.0, "2.00× faster"),
    (2.0, 1.0, "2.00× slower"),
    (1.0, 1.25, "1.25× faster"),
    (1.25, 1.0, "1.25× slower"),
    (1.0, 1.001, "as fast"),
    (0.0, 1.0, "-"),
    (1.0, float("inf"), "-"),
])
def test_speed_words(ours, theirs, words):
    assert report.speed_words(ours, theirs) == words


def test_speed_words_never_says_a_factor_below_one():
    for ours in (0.3, 0.8, 0.99, 1.01, 1.2, 5.0):
        words = report.speed_words(ours, 1.0)
        factor = float(words.split("×")[0]) if "×" in words else 1.0
        assert factor >= 1.0, words
        assert ("faster" in words) == (ours < 0.995)


def test_rate_words_higher_is_better():
    assert report.rate_words(200.0, 100.0) == "2.00× faster"
    assert report.rate_words(50.0, 100.0) == "2.00× slower"


def test_percent_of_peak_refuses_the_impossible():
    assert report.percent_of_peak(90.0, 100.0) == "90.0"
    assert report.percent_of_peak(179.0, 100.0) == "?>100"
    assert report.percent_of_peak(1.0, 0.0) == "-"


# ------------------------------------------------------------------ busy detection
def _stat(user, nice, system, idle, iowait=0, irq=0, softirq=0, steal=0):
    return (f"cpu  {user} {nice} {system} {idle} {iowait} {irq} {softirq} {steal} 0 0\n"
            f"cpu0 {user} {nice} {system} {idle} {iowait} {irq} {softirq} {steal} 0 0\n"
            "intr 12345\n")


def test_parse_proc_stat_counts_idle_and_iowait_as_idle():
    busy, total = machine.parse_proc_stat(_stat(100, 10, 40, 800, 50), ticks_per_second=100)
    assert busy == pytest.approx(1.5)
    assert total == pytest.approx(10.0)


def test_parse_proc_stat_rejects_text_without_a_cpu_line():
    with pytest.raises(ValueError, match="cpu"):
        machine.parse_proc_stat("intr 1\n")


def _sample(stat_text, own_s, wall_s):
    busy, total = machine.parse_proc_stat(stat_text, 100)
    return machine.CpuSample(busy, total, own_s, wall_s)


def test_others_cores_subtracts_our_own_time():
    # 10 s of wall time on 2 cores: all CPUs were busy 20 s, we used 10 s -> others 1 core.
    before = _sample(_stat(0, 0, 0, 0), own_s=0.0, wall_s=0.0)
    after = _sample(_stat(2000, 0, 0, 0), own_s=10.0, wall_s=10.0)
    assert machine.others_cores(before, after) == pytest.approx(1.0)


def test_a_quiet_machine_has_no_others():
    before = _sample(_stat(0, 0, 0, 0), own_s=0.0, wall_s=0.0)
    after = _sample(_stat(1000, 0, 0, 1000), own_s=10.0, wall_s=10.0)
    assert machine.others_cores(before, after) == pytest.approx(0.0)
    assert machine.verdict(0.0, 0.02)[0] == "quiet"


def test_others_cores_unknown_without_samples():
    assert machine.others_cores(None, None) is None
    kind, reason = machine.verdict(None, 0.01)
    assert kind == "quiet" and "unknown" in reason


def test_verdict_busy_and_noisy():
    kind, reason = machine.verdict(1.0, 0.01)
    assert kind == "busy" and "1.0 of" in reason
    kind, reason = machine.verdict(0.0, 0.4)
    assert kind == "noisy" and "40%" in reason


def test_sample_reads_this_machine_or_says_none():
    s = machine.sample()
    assert s is None or (s.total_s >= s.busy_s >= 0 and s.own_s >= 0)


# ------------------------------------------------------------------ --compare
OLD = [{"group": "gemm", "case": "square 512", "dtype": "float32", "threads": 1,
        "native_gflops": 100.0, "figure": "native_gflops", "better": "higher"},
       {"group": "training", "case": "MLP", "impl": "engine native", "threads": 1,
        "seconds": 0.002, "figure": "seconds", "better": "lower"},
       {"group": "training", "case": "gone", "impl": "engine native", "threads": 1,
        "seconds": 0.002, "figure": "seconds", "better": "lower"}]


def test_compare_words_each_row():
    new = [dict(OLD[0], native_gflops=200.0), dict(OLD[1], seconds=0.004),
           {"group": "conv", "case": "new row", "fwd_bwd_ms": 1.0, "figure": "fwd_bwd_ms"}]
    changes = report.compare(OLD, new)
    assert [c["words"] for c in changes] == ["2.00× faster", "2.00× slower"]
    text = report.compare_table(changes, "old.json")
    assert "square 512" in text and "2.00× slower" in text and "legend" in text
    assert "gone" not in text and "new row" not in text


def test_compare_with_nothing_in_common():
    assert "no rows in common" in report.compare_table(report.compare(OLD, []))


# ------------------------------------------------------------------ the JSON document
def test_document_round_trips_and_validates():
    facts = {"cpus": 2, "others_cores": 0.1, "median_spread": 0.02, "verdict": "quiet",
             "reason": "quiet", "groups": {}}
    doc = json.loads(json.dumps(report.document({"engine": "x"}, facts, OLD)))
    assert report.validate_document(doc) is doc
    assert doc["schema"] == report.SCHEMA


@pytest.mark.parametrize("doc, message", [
    ([], "JSON object"),
    ({"results": []}, "info"),
    ({"info": {}, "results": {}}, "list"),
    ({"info": {}, "results": [{"case": "x"}]}, "group"),
    ({"info": {}, "results": [], "machine": {"verdict": "maybe"}}, "verdict"),
])
def test_validate_document_names_the_problem(doc, message):
    with pytest.raises(ValueError, match=message):
        report.validate_document(doc)


# ------------------------------------------------------------------ the summary
def test_summary_words_and_conditions():
    rows = [{"group": "training", "case": "MLP x", "impl": "engine native", "seconds": 1.0},
            {"group": "training", "case": "MLP x", "impl": "pytorch", "seconds": 2.0}]
    text = report.summary(rows, {"verdict": "busy", "others_cores": 1.0})
    assert "2.00× faster than PyTorch on an MLP training step" in text
    assert "busy: other programs kept 1.0 cores busy" in text and "ratios" in text
    assert "No comparison" in report.summary([], {"verdict": "quiet"})


def _mnist_row(impl, epochs, seconds, **extra):
    return {"group": "mnist", "case": "LeNet-5 to 99.0% test accuracy", "impl": impl,
            "threads": 2, "epochs": epochs, "seconds": seconds, "max_epochs": 10,
            "figure": "seconds", "better": "lower", **extra}


def test_summary_reports_the_time_to_accuracy():
    rows = [_mnist_row("engine native", 2.75, 6.31, seeds=3, checks_per_epoch=4),
            _mnist_row("pytorch", 3.0, 8.0, seeds=3, checks_per_epoch=4)]
    text = report.summary(rows, {"verdict": "quiet"})
    assert ("To 99.0% test accuracy on MNIST (2 threads, the same recipe, the median of 3 "
            "seeds)") in text
    assert "the engine 2.75 epochs, 6.3 s, PyTorch 3 epochs, 8.0 s, 0.79× PyTorch's time." in text
    assert "No comparison" not in text


def test_summary_says_when_a_side_did_not_reach_the_target():
    rows = [_mnist_row("engine native", 2.5, 5.0, seeds=3),
            _mnist_row("pytorch", None, None, seeds=3)]
    text = report.summary(rows, {"verdict": "quiet"})
    assert "PyTorch not reached by a majority of the 3 seeds within 10 epochs." in text
    assert "PyTorch's time" not in text
    # a row from before the seeds (one run): read as one seed
    old = [_mnist_row("engine native", 4, 8.31), _mnist_row("pytorch", None, None)]
    text = report.summary(old, {"verdict": "quiet"})
    assert "(2 threads, the same recipe, 1 seed): the engine 4 epochs, 8.3 s, PyTorch not " \
           "within 10 epochs." in text


def test_compare_reads_the_median_seconds_of_the_mnist_rows():
    old = [_mnist_row("engine native", 3.0, 8.0, seeds=3, per_seed=[])]
    new = [_mnist_row("engine native", 2.75, 6.4, seeds=3, per_seed=[]),
           _mnist_row("pytorch", None, None, seeds=3, per_seed=[])]
    (change,) = report.compare(old, new)
    assert (change["old"], change["new"], change["figure"]) == (8.0, 6.4, "seconds")
    assert change["words"] == "1.25× faster"


def test_summary_reports_the_busy_neighbour_goal():
    rows = [{"group": "busy", "case": "MLP", "impl": "1 busy neighbour, default (1)",
             "vs_best": 1.05},
            {"group": "busy", "case": "CNN", "impl": "1 busy neighbour, default (1)",
             "vs_best": 1.10},
            {"group": "busy", "case": "CNN", "impl": "1 busy neighbour, 2 threads",
             "vs_best": 3.0}]
    text = report.summary(rows, {"verdict": "quiet"})
    assert "at worst 1.10× the time of the best thread count (CNN, mean steps, 1 busy " \
        "neighbour)" in text


def test_measure_interleaved_takes_turns():
    from engine.bench.timing import measure_interleaved
    calls = []
    timings = measure_interleaved({"a": lambda: calls.append("a"),
                                   "b": lambda: calls.append("b")}, repeats=3, warmup=1)
    assert calls == ["a", "b"] + ["a", "b"] * 3
    assert set(timings) == {"a", "b"} and all(t.runs == 3 for t in timings.values())
    assert all(t.best <= t.median for t in timings.values())


def test_summary_never_quotes_an_impossible_share_of_peak():
    row = {"group": "gemm", "case": "square 512", "dtype": "float32", "threads": 1, "m": 512,
           "n": 512, "native_gflops": 200.0}
    assert "reaches 80.0% of the measured FMA peak at n = 512 (1 thread)" in report.summary(
        [dict(row, peak_gflops=250.0)], {})
    text = report.summary([dict(row, peak_gflops=100.0)], {})
    assert "could not be measured" in text and ">100" not in text
    # one impossible row among several: no share is quoted
    rows = [dict(row, peak_gflops=250.0), dict(row, m=1024, n=1024, peak_gflops=100.0)]
    assert "could not be measured" in report.summary(rows, {})


def test_summary_quotes_every_large_square_smallest_first():
    rows = [{"group": "gemm", "case": f"square {n}", "dtype": "float32", "threads": 1, "m": n,
             "n": n, "native_gflops": gflops, "peak_gflops": 250.0}
            for n, gflops in ((2048, 230.0), (512, 235.0), (1024, 225.0), (256, 100.0))]
    text = report.summary(rows, {})
    assert "reaches 94.0 / 90.0 / 92.0% of the measured FMA peak at n = 512 / 1024 / 2048" in text


def test_parse_proc_stat_counts_only_our_cpus():
    text = ("cpu  300 0 0 100 0 0 0 0\n"
            "cpu0 100 0 0 100 0 0 0 0\n"
            "cpu1 200 0 0 0 0 0 0 0\n")
    assert machine.parse_proc_stat(text, 100) == (3.0, 4.0)
    assert machine.parse_proc_stat(text, 100, cpus={0}) == (1.0, 2.0)
    assert machine.parse_proc_stat(text, 100, cpus={1}) == (2.0, 2.0)
    with pytest.raises(ValueError, match="CPUs"):
        machine.parse_proc_stat(text, 100, cpus={7})


def test_conv_path_names_each_backends_path():
    from engine.bench.conv import CONV_CASES, conv_path
    by_name = {case.name: case for case in CONV_CASES}
    big = next(case for name, case in by_name.items() if name.startswith("64→64"))
    assert conv_path(big, "native") == "winograd"          # the compiled transforms pay here
    assert conv_path(big, "reference") == "im2col"         # NumPy keeps the sliding window
    pointwise = next(case for name, case in by_name.items() if "1x1" in name)
    assert conv_path(pointwise, "native") == conv_path(pointwise, "reference") == "1x1"
    lenet1 = next(case for name, case in by_name.items() if name.startswith("lenet conv1"))
    assert conv_path(lenet1, "native") == "direct"         # 6 × 25 weights: no columns
    assert conv_path(lenet1, "reference") == "im2col"
    lenet2 = next(case for name, case in by_name.items() if name.startswith("lenet conv2"))
    assert conv_path(lenet2, "native") == "im2col"         # 16 × 150: the GEMM's tiles win
    dilated = next(case for name, case in by_name.items() if "d2" in name)
    assert conv_path(dilated, "native") == "chunks"        # 19 MB of columns: C, in chunks
    assert conv_path(dilated, "reference") == "im2col"
