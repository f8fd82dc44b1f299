"""Plots written to files (PNG, PDF, SVG by extension); headless-safe.

matplotlib is imported only when a plot is made, and only its object-oriented API with the
Agg canvas is used (no pyplot, no window, no global backend change), so this works on servers
and in CI. Every function writes its file atomically and returns the path it wrote. Install
with ``pip install engine[plot]``.
"""
import os

import numpy as np

from .io import atomic_write
from .metrics import auc, precision_recall_curve, roc_curve
from .metrics.accuracy import predicted_labels
from .metrics.curves import step_area
from .tensor import to_numpy
from .train import predict


def _figure(figsize=(6, 4)):
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError("engine.viz needs matplotlib: pip install engine[plot] "
                          "(or pip install matplotlib)") from exc
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig


def _save(fig, path):
    path = os.fspath(path)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.tight_layout()
    # The format follows the extension, as savefig does with a file name (PNG without one).
    extension = os.path.splitext(path)[1][1:].lower()
    with atomic_write(path) as f:
        fig.savefig(f, dpi=100, format=extension or "png")
    return path


def plot_history(history, path, keys=None, title=None):
    """Curves of a ``History`` (or a dict of lists): the losses on one axis, other metrics on a
    second panel. Per-epoch values are drawn against epochs; validations run every N
    iterations are drawn at their fractional epoch."""
    hist = history.history if hasattr(history, "history") else dict(history)
    keys = list(keys) if keys is not None else [k for k in hist if k != "lr"]
    losses = [k for k in keys if "loss" in k]
    others = [k for k in keys if "loss" not in k]
    fig = _figure((10, 4) if others else (6, 4))
    axes = [fig.add_subplot(1, 2 if others else 1, i + 1) for i in range(2 if others else 1)]
    n_epochs = len(hist.get("loss", [])) or 1
    for ax, group in zip(axes, (losses, others)):
        for k in group:
            values = hist[k]
            x = np.arange(1, len(values) + 1, dtype=float)
            if k.startswith("val_") and len(values) != n_epochs and len(values) > 0:
                x = np.linspace(n_epochs / len(values), n_epochs, len(values))
            ax.plot(x, values, marker="o" if len(values) < 30 else None, label=k)
        ax.set_xlabel("epoch")
        ax.legend()
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("loss")
    if title:
        fig.suptitle(title)
    return _save(fig, path)


def plot_confusion_matrix(cm, path, labels=None, normalize=False, title="Confusion matrix"):
    """A confusion matrix (rows true class, columns prediction) as a heat map with counts."""
    cm = np.asarray(cm, dtype=np.float64)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"cm must be a square matrix, got shape {cm.shape}")
    if normalize:
        with np.errstate(all="ignore"):
            cm = np.nan_to_num(cm / cm.sum(axis=1, keepdims=True))
    k = len(cm)
    labels = [str(l) for l in (labels if labels is not None else range(k))]
    fig = _figure((1.2 + 0.5 * k, 1.0 + 0.5 * k) if k > 6 else (5, 4))
    ax = fig.add_subplot(1, 1, 1)
    image = ax.imshow(cm, cmap="Blues")
    fig.colorbar(image, ax=ax)
    ax.set_xticks(range(k), labels)
    ax.set_yticks(range(k), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    threshold = cm.max() / 2 if cm.size else 0
    for i in range(k):
        for j in range(k):
            text = f"{cm[i, j]:.2f}" if normalize else f"{cm[i, j]:.0f}"
            ax.text(j, i, text, ha="center", va="center", fontsize=8,
                    color="white" if cm[i, j] > threshold else "black")
    return _save(fig, path)


def plot_roc_curve(y_true, y_score, path, pos_label=None, title="ROC curve"):
    """ROC curve (TPR against FPR) with its AUC and the chance diagonal."""
    fpr, tpr, _ = roc_curve(y_true, y_score, pos_label=pos_label)
    fig = _figure((5, 5))
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(fpr, tpr, label=f"AUC = {auc(fpr, tpr):.3f}")
    ax.plot([0, 1], [0, 1], "--", color="gray", label="chance (0.5)")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate (recall)")
    ax.set_title(title)
    ax.legend(loc="lower right")
    return _save(fig, path)


def plot_pr_curve(y_true, y_score, path, pos_label=None, title="Precision-recall curve"):
    """Precision against recall, with the average precision."""
    precision, recall, _ = precision_recall_curve(y_true, y_score, pos_label=pos_label)
    ap = step_area(precision, recall)
    fig = _figure((5, 5))
    ax = fig.add_subplot(1, 1, 1)
    ax.step(recall, precision, where="post", label=f"AP = {ap:.3f}")
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title(title)
    ax.legend(loc="lower left")
    return _save(fig, path)


def _grid_predictions(predict_fn, xx, yy):
    grid = np.c_[xx.ravel(), yy.ravel()].astype(np.float32)
    if hasattr(predict_fn, "parameters"):                 # a model: its outputs, no grad
        dtype = next(iter(predict_fn.parameters())).dtype
        out = predict(predict_fn, grid.astype(dtype), batch_size=4096)
    else:
        out = to_numpy(predict_fn(grid))
    one_column = not (out.ndim == 2 and out.shape[1] > 1)
    if one_column and np.array_equal(out, out.round()):
        return out.reshape(xx.shape)                      # the function answered with labels
    return predicted_labels(out).reshape(xx.shape)


def plot_decision_boundary(model, x, y, path, resolution=200, margin=0.5, title=None):
    """The classes a 2-D classifier assigns over a grid around the points ``x`` (N, 2), with the
    points coloured by their label ``y``. ``model``: a Module (argmax of its outputs, or
    output > 0.5 for one column) or a function mapping (M, 2) inputs to labels or scores."""
    x, y = to_numpy(x), to_numpy(y).ravel()
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must have shape (N, 2), got {x.shape}")
    lo, hi = x.min(axis=0) - margin, x.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    zz = _grid_predictions(model, xx, yy)
    fig = _figure((5, 5))
    ax = fig.add_subplot(1, 1, 1)
    ax.contourf(xx, yy, zz, alpha=0.3, cmap="coolwarm")
    ax.scatter(x[:, 0], x[:, 1], c=y, cmap="coolwarm", edgecolors="k", s=20)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return _save(fig, path)


def plot_image_grid(images, path, ncols=8, titles=None, cmap="gray", title=None):
    """Images (N, C, H, W), (N, H, W) or (N, H·W) for a square H = W, in a grid."""
    images = to_numpy(images)
    if images.ndim == 2:
        side = int(round(np.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise ValueError(f"flat images of {images.shape[1]} pixels are not square")
        images = images.reshape(-1, side, side)
    if images.ndim == 4:
        images = images[:, 0] if images.shape[1] == 1 else images.transpose(0, 2, 3, 1)
    n = len(images)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig = _figure((1.2 * ncols, 1.3 * nrows + (0.3 if title else 0)))
    for i in range(n):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        ax.imshow(np.clip(images[i], 0, 1) if images[i].ndim == 3 else images[i], cmap=cmap)
        ax.axis("off")
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=8)
    if title:
        fig.suptitle(title)
    return _save(fig, path)


def plot_latent_space(z, path, labels=None, title="Latent space"):
    """A scatter of 2-D codes ``z`` (N, 2) (first two dimensions if more), coloured by label."""
    z = to_numpy(z)
    if z.ndim != 2 or z.shape[1] < 2:
        raise ValueError(f"z must have shape (N, d) with d ≥ 2, got {z.shape}")
    fig = _figure((6, 5))
    ax = fig.add_subplot(1, 1, 1)
    points = ax.scatter(z[:, 0], z[:, 1], c=None if labels is None else to_numpy(labels).ravel(),
                        cmap="tab10", s=6)
    if labels is not None:
        fig.colorbar(points, ax=ax)
    ax.set_xlabel("$h_1$")
    ax.set_ylabel("$h_2$")
    ax.set_title(title)
    return _save(fig, path)
