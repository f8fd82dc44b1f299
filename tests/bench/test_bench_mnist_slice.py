"""The time-to-accuracy group on a tiny synthetic slice: it trains, checks the accuracy at
whole batches several times per epoch, repeats for each seed, takes the medians, and its table
reads; no timing is asserted."""
import numpy as np
import pytest

from engine.bench import mnist, report

pytest.importorskip("engine.backend.native")


def _slice(n, seed):
    """Two easy classes: a bright square top-left or bottom-right (MNIST-shaped arrays)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n).astype(np.int64)
    x = rng.uniform(0, 0.1, (n, 1, 28, 28)).astype(np.float32)
    for i, label in enumerate(y):
        r = 2 if label == 0 else 18
        x[i, 0, r:r + 8, r:r + 8] += 1.0
    return x, y


# ------------------------------------------------------------------ the median over seeds
@pytest.mark.parametrize("values, expected", [
    ([3.0, 2.5, 2.75], 2.75),
    ([4.0, 2.0], 3.0),                  # an even count: the middle two's mean
    ([1.5], 1.5),
    ([3.0, None, 2.5], 2.75),           # 2 of 3 reached: the median of those two
    ([2.0, 1.0, 3.0, None, 5.0], 2.5),  # 4 of 5 reached
    ([3.0, None, None], None),          # 1 of 3: not a majority
    ([3.0, 2.0, None, None], None),     # 2 of 4: half is not a majority
    ([None], None),
    ([], None),
])
def test_median_to_target(values, expected):
    assert mnist.median_to_target(values) == expected
    assert mnist.median_to_target(iter(values)) == expected      # any iterable


# ------------------------------------------------------------------ where the checks fall
def test_check_points_cut_an_epoch_at_whole_batches():
    assert mnist.check_points(256, 64, 4) == [0, 64, 128, 192, 256]
    cuts = mnist.check_points(60000, 64, 4)         # 938 batches, the last one of 32
    assert cuts[0] == 0 and cuts[-1] == 60000 and len(cuts) == 5
    assert all(c % 64 == 0 for c in cuts[:-1])
    runs = np.diff(cuts[:-1]) // 64
    assert set(runs.tolist()) <= {234, 235}         # as even as whole batches allow
    assert mnist.check_points(100, 64, 1) == [0, 100]
    with pytest.raises(ValueError, match="at most the 2 batches"):
        mnist.check_points(100, 64, 3)


@pytest.mark.parametrize("name, value", [("seeds", 0), ("checks_per_epoch", 0),
                                         ("checks_per_epoch", 2.5), ("max_epochs", -1)])
def test_bad_settings_are_refused(name, value):
    with pytest.raises(ValueError, match=name):
        mnist.time_to_accuracy(_slice(64, 0), _slice(16, 1), threads=1, **{name: value})


# ------------------------------------------------------------------ the runs
def test_time_to_accuracy_on_a_tiny_slice():
    rows = mnist.time_to_accuracy(_slice(256, 0), _slice(64, 1), target=0.9, max_epochs=3,
                                  threads=1, seeds=2, checks_per_epoch=4)
    (row,) = rows
    assert row["impl"] == "engine native" and row["threads"] == 1
    assert row["seeds"] == 2 and row["checks_per_epoch"] == 4 and row["max_epochs"] == 3
    assert [s["seed"] for s in row["per_seed"]] == [0, 1]
    for run in row["per_seed"]:
        assert run["epochs"] is not None and 0 < run["epochs"] <= 3
        assert (4 * run["epochs"]) == int(4 * run["epochs"])    # a multiple of 1/4
        assert run["final_accuracy"] >= 0.9 and run["seconds"] > 0
        assert run["epochs_trained"] == run["epochs"]
        assert run["trained_seconds"] == run["seconds"]
    assert row["epochs"] == mnist.median_to_target(s["epochs"] for s in row["per_seed"])
    assert row["seconds"] == mnist.median_to_target(s["seconds"] for s in row["per_seed"])
    assert row["final_accuracy"] >= 0.9 and row["seconds_per_epoch"] > 0
    assert {"group", "case", "epochs", "seconds", "trained_seconds", "final_accuracy",
            "figure", "better"} <= set(row)
    assert report.row_value(row) == (row["seconds"], "lower")
    text = mnist.table(rows)
    assert "LeNet-5 to 90.0%" in text and "the median of 2 seeds" in text
    assert "4 accuracy checks per epoch" in text and "legend" in text
    assert "engine ÷ PyTorch" not in text                       # no PyTorch row


def test_a_target_out_of_reach_is_not_reached():
    """Accuracy can never exceed 1: every seed trains max_epochs and the medians are None."""
    (row,) = mnist.time_to_accuracy(_slice(128, 0), _slice(32, 1), target=1.01, max_epochs=1,
                                    threads=1, seeds=1, checks_per_epoch=2)
    (run,) = row["per_seed"]
    assert run["epochs"] is None and run["seconds"] is None
    assert run["epochs_trained"] == 1.0 and run["trained_seconds"] > 0
    assert row["epochs"] is None and row["seconds"] is None and row["trained_seconds"] > 0
    line = next(l for l in mnist.table([row]).splitlines() if l.startswith("engine native"))
    assert line.split()[2:4] == ["-", "-"]


def test_table_of_both_sides_reads():
    """The table from given rows: the per-seed seconds, "-" for a seed that missed, the ratio."""
    def side(impl, seconds, per_epoch):
        runs = [{"seed": i, "epochs": None if s is None else 2.75, "seconds": s,
                 "final_accuracy": 0.991} for i, s in enumerate(seconds)]
        return {"group": "mnist", "case": "LeNet-5 to 99.0% test accuracy", "impl": impl,
                "threads": 2, "epochs": 2.75, "seconds": mnist.median_to_target(seconds),
                "seconds_per_epoch": per_epoch, "final_accuracy": 0.991, "max_epochs": 10,
                "seeds": 3, "checks_per_epoch": 4, "per_seed": runs}
    text = mnist.table([side("engine native", [6.0, None, 5.0], 2.0),
                        side("pytorch", [10.0, 11.0, 12.0], 2.5)])
    assert "the median of 3 seeds, 4 accuracy checks per epoch" in text
    assert "6.0 - 5.0" in text and "10.0 11.0 12.0" in text
    assert "engine ÷ PyTorch: 0.50× the time (median); per epoch 0.80× the time" in text
    assert "1/4" in text and "majority" in text


def test_skipped_row_reads():
    text = mnist.table([{"group": "mnist", "case": "LeNet-5 to 99.0% test accuracy",
                         "impl": "skipped", "note": "MNIST not available"}])
    assert "skipped: MNIST not available" in text


def test_pytorch_side_runs_the_same_recipe():
    torch = pytest.importorskip("torch")
    rows = mnist.time_to_accuracy(_slice(256, 0), _slice(64, 1), target=0.9, max_epochs=3,
                                  threads=1, torch=torch, seeds=2)
    assert [r["impl"] for r in rows] == ["engine native", "pytorch"]
    for r in rows:
        assert [s["seed"] for s in r["per_seed"]] == [0, 1]
        assert r["trained_seconds"] > 0 and 0.0 <= r["final_accuracy"] <= 1.0
        assert all(s["epochs"] is None or 4 * s["epochs"] == int(4 * s["epochs"])
                   for s in r["per_seed"])
    assert rows[0]["epochs"] is not None
    assert "engine ÷ PyTorch" in mnist.table(rows) or rows[1]["seconds"] is None


def test_run_without_mnist_gives_the_skipped_row(monkeypatch):
    import engine.data

    def missing(*args, **kwargs):
        raise OSError("no files here")
    monkeypatch.setattr(engine.data, "load_mnist", missing)
    (row,) = mnist.run(quick=True)
    assert row["impl"] == "skipped" and "no files here" in row["note"]
    assert "skipped: MNIST not available (no files here)" in mnist.table([row])
    assert "MNIST" not in report.summary([row], {"verdict": "quiet"})
