"""Unit 7 — Let's test it out: classification, and how to measure it.

Slides: "Supervised learning: classification" and "Evaluation metrics" (confusion matrix,
precision tp/(tp+fp), recall (TPR) tp/(tp+fn), specificity (TNR) tn/(tn+fp), FPR fp/(tn+fp),
accuracy, F-score 2PR/(P+R), balanced accuracy, top-k accuracy, ROC curve and AUC: 1 perfect,
0.5 random, 0 anti-perfect).

First the slides' worked examples, computed with ``engine.metrics``; then a convolutional net
(LeNet-5 with ReLU and max pooling) trained on MNIST, with the full report on the test set:
accuracy, balanced accuracy, per-class precision / recall / F1, the confusion matrix, one ROC
curve per digit (one-vs-rest) with its AUC, and top-k accuracy. Without MNIST (no files, no
network) the bundled 8×8 digits stand in, and the script says so.
"""
# %%
import numpy as np

import engine
import engine.nn.functional as F
from engine import metrics
from engine.models import LeNet5, SoftmaxRegression
from engine.train import fit, predict
from engine.units import course_mnist, figure, parse_args, save_figure

UNIT = {"number": 7, "title": "Classification: a CNN on MNIST and its metrics",
        "slides": "Classification; evaluation metrics", "minutes": 2.0}


# %%
def worked_examples():
    """The slides' numbers, reproduced."""
    out = {}
    # 95 negatives, 5 positives; a classifier that always says "negative"
    y_true = np.array([0] * 95 + [1] * 5)
    y_pred = np.zeros(100, dtype=int)
    out["always_negative_accuracy"] = metrics.accuracy_score(y_true, y_pred)
    out["always_negative_balanced"] = metrics.balanced_accuracy_score(y_true, y_pred)
    print(f"95 negatives, 5 positives, always 'negative': accuracy {out['always_negative_accuracy']:.2f}, "
          f"balanced accuracy (0/5 + 95/95)/2 = {out['always_negative_balanced']:.2f}")
    # six images: 3 positives (2 found), 3 negatives (1 correctly rejected)
    y_true = np.array([1, 1, 1, 0, 0, 0])
    y_pred = np.array([1, 1, 0, 1, 1, 0])
    tn, fp, fn, tp = metrics.confusion_matrix(y_true, y_pred).ravel()
    out["six_images"] = {"specificity": metrics.specificity_score(y_true, y_pred),
                         "recall": metrics.recall_score(y_true, y_pred),
                         "precision": metrics.precision_score(y_true, y_pred),
                         "accuracy": metrics.accuracy_score(y_true, y_pred)}
    print(f"six images: tp={tp}, fp={fp}, fn={fn}, tn={tn}: specificity tn/(tn+fp) = "
          f"{out['six_images']['specificity']:.3f} (1/3), recall tp/(tp+fn) = {out['six_images']['recall']:.3f} "
          f"(2/3), precision tp/(tp+fp) = {out['six_images']['precision']:.3f} (2/4), accuracy "
          f"{out['six_images']['accuracy']:.3f} (3/6)")
    # multi-class accuracy: 83 right out of 100
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 10, 100)
    y_pred = y_true.copy()
    wrong = rng.choice(100, 17, replace=False)
    y_pred[wrong] = (y_pred[wrong] + 1) % 10
    out["multiclass_accuracy"] = metrics.accuracy_score(y_true, y_pred)
    print(f"multi-class: 83 of 100 right → accuracy {out['multiclass_accuracy']:.0%}")
    return out


# %%
def softmax(scores):
    e = np.exp(scores - scores.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def main(argv=None):
    args = parse_args(UNIT, argv, __doc__)
    results = {"worked_examples": worked_examples()}

    # %% [markdown]
    # ## The data, and a CNN trained on it
    (x_train, y_train), (x_test, y_test), name = course_mnist(args.quick, seed=args.seed)
    print(f"\n{name}: {len(x_train)} training and {len(x_test)} test images of {x_train.shape[-2]}×{x_train.shape[-1]}")
    if x_train.shape[-1] == 28:
        model = LeNet5(activation="relu", pooling="max")
        arch = "LeNet-5 (ReLU, max pooling)"
    else:                           # 8×8 digits: too small for LeNet's 5×5 convolutions and pools
        model = engine.nn.Sequential(engine.nn.Conv2d(1, 16, 3, padding=1), engine.nn.ReLU(),
                                     engine.nn.MaxPool2d(2), SoftmaxRegression(16 * 4 * 4, 10))
        arch = "a small CNN (conv 3×3 → ReLU → max pool → softmax)"
    epochs = 3 if args.quick else 6
    optimizer = engine.optim.Adam(model.parameters(), lr=1e-3)
    scheduler = engine.optim.lr_scheduler.StepLR(optimizer, step_size=max(1, epochs // 2), gamma=0.3)
    print(f"{arch}, Adam α = 0.001 (×0.3 halfway), {epochs} epochs, mini-batches of 64")
    for epoch in range(epochs):
        h = fit(model, F.cross_entropy, optimizer, (x_train, y_train), epochs=1, batch_size=64,
                verbose=1 if not args.quick else 0, seed=args.seed + epoch)
        scheduler.step()
        print(f"  epoch {epoch + 1}: training loss {h['loss'][-1]:.4f}, accuracy {h['accuracy'][-1]:.4f}")

    # %% [markdown]
    # ## The report, on the test set
    scores = predict(model, x_test)
    proba = softmax(scores)
    y_pred = scores.argmax(1)
    acc = metrics.accuracy_score(y_test, y_pred)
    bal = metrics.balanced_accuracy_score(y_test, y_pred)
    auc = metrics.roc_auc_score(y_test, proba, multi_class="ovr", labels=np.arange(10))
    top = {k: metrics.top_k_accuracy_score(y_test, scores, k=k, labels=np.arange(10)) for k in (1, 2, 3)}
    cm = metrics.confusion_matrix(y_test, y_pred, labels=np.arange(10))
    print(f"\ntest accuracy {acc:.4f}, balanced accuracy {bal:.4f}, ROC AUC (one-vs-rest, macro) {auc:.4f}")
    print("top-k accuracy: " + ", ".join(f"top-{k} {v:.4f}" for k, v in top.items()))
    print(metrics.classification_report(y_test, y_pred, labels=np.arange(10), digits=3, zero_division=0.0))
    print("confusion matrix (rows: true digit, columns: predicted):")
    print(cm)
    worst = np.unravel_index(np.argmax(cm - np.diag(np.diag(cm))), cm.shape)
    print(f"most frequent confusion: {worst[0]} taken for {worst[1]} ({cm[worst]} times)")

    # %% plots: confusion matrix, ROC curves, some mistakes
    fig, ax = figure((6.5, 5.5))
    image = ax.imshow(cm, cmap="Blues")
    fig.colorbar(image, ax=ax)
    for i in range(10):
        for j in range(10):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=7,
                    color="white" if cm[i, j] > cm.max() / 2 else "black")
    ax.set_xticks(range(10)), ax.set_yticks(range(10))
    ax.set_xlabel("predicted"), ax.set_ylabel("true"), ax.set_title(f"{name}: confusion matrix")
    save_figure(fig, args.out, "unit07_confusion_matrix.png")
    fig, ax = figure((6, 5.5))
    per_class = []
    for c in range(10):
        fpr, tpr, _ = metrics.roc_curve((y_test == c).astype(int), proba[:, c])
        per_class.append(metrics.auc(fpr, tpr))
        ax.plot(fpr, tpr, lw=1, label=f"{c}: AUC {per_class[-1]:.4f}")
    ax.plot([0, 1], [0, 1], "--", color="gray", label="chance (0.5)")
    ax.set_xscale("symlog", linthresh=0.01), ax.set_xlim(0, 1)
    ax.set_xlabel("false positive rate (symlog)"), ax.set_ylabel("true positive rate (recall)")
    ax.set_title("ROC, one digit against the rest"), ax.legend(fontsize=7, loc="lower right")
    save_figure(fig, args.out, "unit07_roc.png")
    wrong = np.flatnonzero(y_pred != y_test)[:16]
    if len(wrong):
        fig, axes = figure((8, 2.4), 2, 8)
        for ax in axes.ravel():
            ax.axis("off")
        for ax, i in zip(axes.ravel(), wrong):
            ax.imshow(x_test[i, 0], cmap="gray")
            ax.set_title(f"{y_test[i]}→{y_pred[i]}", fontsize=8)
        fig.suptitle("mistakes: true → predicted")
        save_figure(fig, args.out, "unit07_mistakes.png")
    results.update({"dataset": name, "test_accuracy": acc, "balanced_accuracy": bal, "auc": auc,
                    "top_k": top, "per_class_auc": per_class, "confusion_matrix": cm.tolist()})
    return results


if __name__ == "__main__":
    main()
