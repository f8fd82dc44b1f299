"""Unit 5 — Let's test it out: practical considerations (the data).

Slides: "Practical considerations" — split the data 70/15/15 (train / validation / test);
normalise the features to one range; fill missing values; handle class imbalance (class weights,
oversampling the rare class, undersampling the common one); validate every N iterations; tune
the hyper-parameters on the validation set only; retrain on train + validation and report the
final figure once, on test; with little data, 10-fold cross-validation.

Two bundled sets: ``breast_cancer`` (569 tumours, 30 features, 212 malignant / 357 benign: binary
and imbalanced) for the whole recipe, and ``wine`` (178 wines, 13 features, 3 cultivars: small)
for 10-fold cross-validation. The positive class is "malignant" (label 0 in the set, 1 here):
missing a malignant tumour is the costly error, so the recall (sensitivity) of "malignant" and the
balanced accuracy are reported besides the accuracy. To make the imbalance remedies matter, their
comparison trains on a copy of the training split that keeps one malignant case in five.
"""
# %%
import numpy as np

import engine
import engine.nn.functional as F
from engine.data import (SimpleImputer, StandardScaler, StratifiedKFold, class_weights, load_breast_cancer,
                         load_wine, oversample, train_val_test_split, undersample)
from engine.metrics import (accuracy_score, balanced_accuracy_score, precision_score, recall_score,
                            roc_auc_score)
from engine.models import MLP, SoftmaxRegression
from engine.train import fit, predict
from engine.units import figure, parse_args, save_figure

UNIT = {"number": 5, "title": "Practical considerations: the data",
        "slides": "Practical considerations", "minutes": 1.0}

VALIDATE_EVERY = 30          # iterations (optimizer steps) between two validations


# %%
def make_model(n_features, n_classes, hidden, seed):
    engine.manual_seed(seed)
    if hidden:
        return MLP((n_features, hidden, n_classes), activation="relu")
    return SoftmaxRegression(n_features, n_classes)


def train(x, y, hidden, lr, epochs, seed, weight=None, validation=None, validate_every=VALIDATE_EVERY):
    """Mini-batch SGD with momentum on the (optionally class-weighted) cross-entropy."""
    model = make_model(x.shape[1], int(y.max()) + 1, hidden, seed)
    loss = (lambda out, t: F.cross_entropy(out, t, weight=weight)) if weight is not None else F.cross_entropy
    history = fit(model, loss, engine.optim.SGD(model.parameters(), lr=lr, momentum=0.9),
                  (x, y), epochs=epochs, batch_size=32, validation_data=validation,
                  validate_every=validate_every if validation is not None else None,
                  verbose=0, seed=seed)
    return model, history


def scores(model, x, y):
    """The figures for the positive class 1 (malignant)."""
    out = predict(model, x)
    p = np.exp(out - out.max(1, keepdims=True))
    p = p[:, 1] / p.sum(1)
    pred = out.argmax(1)
    return {"accuracy": accuracy_score(y, pred), "balanced_accuracy": balanced_accuracy_score(y, pred),
            "recall": recall_score(y, pred), "precision": precision_score(y, pred, zero_division=0.0),
            "auc": roc_auc_score(y, p)}


def fmt(s):
    return (f"accuracy {s['accuracy']:.3f}, balanced accuracy {s['balanced_accuracy']:.3f}, "
            f"recall(malignant) {s['recall']:.3f}, precision {s['precision']:.3f}, AUC {s['auc']:.3f}")


# %%
def main(argv=None):
    args = parse_args(UNIT, argv, __doc__)
    epochs = 8 if args.quick else 40
    rng = np.random.default_rng(args.seed)
    data = load_breast_cancer(return_names=True)
    X, y = data.X.astype(np.float64), 1 - data.y        # 1 = malignant: the positive class
    print(f"breast_cancer: {len(X)} samples, {X.shape[1]} features; malignant {int(y.sum())} "
          f"({y.mean():.0%}), benign {int((1 - y).sum())}")

    # %% [markdown]
    # ## Split 70 / 15 / 15, stratified (each part keeps the 37/63 class shares)
    (x_tr, y_tr), (x_val, y_val), (x_te, y_te) = train_val_test_split(
        X, y, ratios=(0.7, 0.15, 0.15), stratify=True, random_state=args.seed)
    print(f"split: train {len(x_tr)}, validation {len(x_val)}, test {len(x_te)}")

    # %% [markdown]
    # ## Missing values: the set has none, so we remove 5% of the values (seeded) and fill them
    # with the training mean of their feature (fitted on train only, applied to all parts)
    def knock_out(x, share=0.05):
        x = x.copy()
        x[rng.random(x.shape) < share] = np.nan
        return x
    x_tr, x_val, x_te = knock_out(x_tr), knock_out(x_val), knock_out(x_te)
    n_missing = int(np.isnan(x_tr).sum() + np.isnan(x_val).sum() + np.isnan(x_te).sum())
    imputer = SimpleImputer("mean").fit(x_tr)
    x_tr, x_val, x_te = imputer.transform(x_tr), imputer.transform(x_val), imputer.transform(x_te)
    print(f"missing values: removed {n_missing} of {X.size} values (5%, seed {args.seed}); "
          f"filled with the training mean of each feature")

    # %% [markdown]
    # ## Normalisation: features span 0.001 (smoothness) to 2500 (area); scale each to mean 0,
    # std 1 with the statistics of the training split only (no peeking at validation or test)
    print(f"feature ranges before scaling: {x_tr.min():.4g} … {x_tr.max():.4g}")
    scaler = StandardScaler().fit(x_tr)
    x_tr, x_val, x_te = (scaler.transform(a).astype(np.float32) for a in (x_tr, x_val, x_te))

    # %% [markdown]
    # ## Class imbalance: four ways to train the same model, compared on the validation set
    # (validation every 30 iterations). At 37% malignant the set is only mildly imbalanced, so
    # for this comparison the training split keeps just one malignant case in five (seeded):
    # about 1 malignant for 8 benign, the situation where the remedies matter.
    malignant = np.flatnonzero(y_tr == 1)
    dropped = rng.choice(malignant, size=int(0.8 * len(malignant)), replace=False)
    keep = np.setdiff1d(np.arange(len(y_tr)), dropped)
    x_imb, y_imb = x_tr[keep], y_tr[keep]
    weights = class_weights(y_imb)
    variants = {"no remedy": (x_imb, y_imb, None),
                "class weights": (x_imb, y_imb, weights),
                "oversampling": oversample(x_imb, y_imb, random_state=args.seed) + (None,),
                "undersampling": undersample(x_imb, y_imb, random_state=args.seed) + (None,)}
    print(f"imbalanced training set: {int(y_imb.sum())} malignant, {int((1 - y_imb).sum())} benign; "
          f"class weights (balanced, w_c = n / (k·n_c)): benign {weights[0]:.3f}, malignant {weights[1]:.3f}")
    every = 5 if args.quick else VALIDATE_EVERY          # --quick runs too few iterations for 30
    imbalance, curves = {}, {}
    for name, (xv, yv, w) in variants.items():
        model, history = train(xv, yv, hidden=0, lr=0.01, epochs=epochs, seed=args.seed, weight=w,
                               validation=(x_val, y_val), validate_every=every)
        imbalance[name] = scores(model, x_val, y_val)
        curves[name] = (history.val_iterations, history["val_loss"])
        print(f"  {name:14s} ({len(yv)} training samples, {int(yv.sum())} malignant): validation {fmt(imbalance[name])}")
    its, losses = curves["no remedy"]
    if len(losses) > 1:
        k = int(np.argmin(losses))
        print(f"validation every {every} iterations (no remedy): the validation loss is lowest at iteration "
              f"{its[k]} ({losses[k]:.4f}) and {losses[-1]:.4f} at the end ({its[-1]}): "
              + ("it rises again, the point where early stopping would stop" if losses[-1] > losses[k] * 1.02
                 else "still about the best"))

    # %% [markdown]
    # ## Hyper-parameter search on the validation set (the whole training split again):
    # hidden layer (none = softmax regression, or 16 units) × learning rate; class weights on
    weights = class_weights(y_tr)
    grid = [(h, lr) for h in (0, 16) for lr in (0.003, 0.03)]
    search = {}
    for hidden, lr in grid:
        model, _ = train(x_tr, y_tr, hidden, lr, epochs, args.seed, weight=weights)
        search[hidden, lr] = scores(model, x_val, y_val)
        print(f"  hidden {hidden:2d}, α = {lr:<6}: validation balanced accuracy "
              f"{search[hidden, lr]['balanced_accuracy']:.3f}, AUC {search[hidden, lr]['auc']:.3f}")
    best = max(grid, key=lambda k: (search[k]["balanced_accuracy"], search[k]["auc"]))
    print(f"best on validation: hidden {best[0]}, α = {best[1]}")

    # %% [markdown]
    # ## Retrain on train + validation with the chosen settings; the final figure, once, on test
    x_full, y_full = np.concatenate([x_tr, x_val]), np.concatenate([y_tr, y_val])
    final, _ = train(x_full, y_full, best[0], best[1], epochs, args.seed, weight=class_weights(y_full))
    test = scores(final, x_te, y_te)
    print(f"TEST (once, {len(y_te)} samples): {fmt(test)}")

    # %% [markdown]
    # ## Wine (178 samples): too small for a fixed 15% test split to be reliable (27 wines);
    # 10-fold cross-validation uses every sample for testing once
    wx, wy = load_wine()
    fold_acc = []
    folds = StratifiedKFold(10, shuffle=True, random_state=args.seed)
    for k, (tr, te) in enumerate(folds.split(wx, wy)):
        sc = StandardScaler().fit(wx[tr])                       # fitted on the fold's training part
        model, _ = train(sc.transform(wx[tr]).astype(np.float32), wy[tr], 0, 0.01,
                         max(4, epochs // 2), args.seed + k)
        fold_acc.append(accuracy_score(wy[te], predict(model, sc.transform(wx[te]).astype(np.float32)).argmax(1)))
    fold_acc = np.array(fold_acc)
    print(f"wine, 10-fold cross-validation (softmax regression): accuracy {fold_acc.mean():.3f} ± "
          f"{fold_acc.std():.3f} (folds: {', '.join(f'{a:.2f}' for a in fold_acc)})")

    # %% plots
    fig, (ax1, ax2) = figure((12, 4), 1, 2)
    for name, (its, losses) in curves.items():
        ax1.plot(its, losses, "o-", ms=3, label=name)
    ax1.set_xlabel(f"iteration (validation every {every})"), ax1.set_ylabel("validation loss")
    ax1.legend(), ax1.set_title("breast_cancer: validation during training")
    names = list(imbalance)
    pos = np.arange(len(names))
    for i, key in enumerate(("accuracy", "balanced_accuracy", "recall")):
        ax2.bar(pos + (i - 1) * 0.27, [imbalance[n][key] for n in names], 0.27, label=key)
    ax2.set_xticks(pos), ax2.set_xticklabels(names, fontsize=8), ax2.set_ylim(0.5, 1.0)
    ax2.legend(fontsize=8), ax2.set_title("class-imbalance remedies (validation)")
    save_figure(fig, args.out, "unit05_breast_cancer.png")
    fig, ax = figure((6, 3.5))
    ax.bar(np.arange(1, 11), fold_acc)
    ax.axhline(fold_acc.mean(), color="k", ls="--", lw=1, label=f"mean {fold_acc.mean():.3f}")
    ax.set_xlabel("fold"), ax.set_ylabel("test accuracy"), ax.set_ylim(0.5, 1.02), ax.legend()
    ax.set_title("wine: 10-fold cross-validation")
    save_figure(fig, args.out, "unit05_wine_cv.png")
    return {"test": test, "best": {"hidden": best[0], "lr": best[1]}, "imbalance": imbalance,
            "missing_values": n_missing, "wine_cv_mean": float(fold_acc.mean()),
            "wine_cv_std": float(fold_acc.std()), "split": [len(y_tr), len(y_val), len(y_te)]}


if __name__ == "__main__":
    main()
