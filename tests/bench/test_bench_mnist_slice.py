"""The time-to-accuracy group on a tiny synthetic slice: it trains, stops at the target, and
its table reads; no timing is asserted."""
import numpy as np
import pytest

from engine.bench import mnist

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


def test_time_to_accuracy_on_a_tiny_slice():
    rows = mnist.time_to_accuracy(_slice(256, 0), _slice(64, 1), target=0.9, max_epochs=3,
                                  threads=1, lr=0.05)
    (row,) = rows
    assert row["impl"] == "engine native" and row["threads"] == 1
    assert row["epochs"] is not None and 1 <= row["epochs"] <= 3
    assert row["final_accuracy"] >= 0.9 and row["seconds"] > 0
    text = mnist.table(rows)
    assert "LeNet-5 to 90.0%" in text and "legend" in text


def test_skipped_row_reads():
    text = mnist.table([{"group": "mnist", "case": "LeNet-5 to 99.0% test accuracy",
                         "impl": "skipped", "note": "MNIST not available"}])
    assert "skipped: MNIST not available" in text


def test_pytorch_side_runs_the_same_recipe():
    torch = pytest.importorskip("torch")
    rows = mnist.time_to_accuracy(_slice(256, 0), _slice(64, 1), target=0.9, max_epochs=3,
                                  threads=1, torch=torch)
    assert [r["impl"] for r in rows] == ["engine native", "pytorch"]
    assert all(r["trained_seconds"] > 0 and 0.0 <= r["final_accuracy"] <= 1.0 for r in rows)
    assert rows[0]["epochs"] is not None
