"""engine.viz writes PNG files (headless: matplotlib's Agg backend)."""
import numpy as np
import pytest

import engine
from engine import nn, viz
from engine.metrics import confusion_matrix
from engine.train import History

pytest.importorskip("matplotlib")       # engine.viz itself imports it only when it plots

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def is_png(path):
    data = open(path, "rb").read()
    return data[:8] == PNG_MAGIC and len(data) > 1000


def test_every_plot_writes_a_png(tmp_path):
    rng = np.random.default_rng(0)
    history = History()
    for loss in (1.0, 0.6, 0.4):
        history.append("loss", loss)
        history.append("val_loss", loss + 0.1)
    y_true = rng.integers(0, 2, 50)
    score = np.clip(y_true * 0.6 + rng.random(50) * 0.5, 0, 1)
    engine.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2))
    x2 = rng.standard_normal((40, 2)).astype(np.float32)
    paths = [
        viz.plot_history(history, tmp_path / "history.png"),
        viz.plot_confusion_matrix(confusion_matrix(y_true, score > 0.5), tmp_path / "cm.png"),
        viz.plot_roc_curve(y_true, score, tmp_path / "roc.png"),
        viz.plot_pr_curve(y_true, score, tmp_path / "pr.png"),
        viz.plot_decision_boundary(model, x2, (x2[:, 0] > 0).astype(int), tmp_path / "db.png",
                                   resolution=40),
        viz.plot_image_grid(rng.random((10, 1, 8, 8)), tmp_path / "grid.png", ncols=5),
        viz.plot_latent_space(rng.standard_normal((30, 2)), tmp_path / "latent.png",
                              labels=rng.integers(0, 3, 30)),
    ]
    for path in paths:
        assert is_png(path), path
