"""engine.metrics: hand-computed cases (the slides' examples) and scikit-learn as an oracle."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import metrics as M


# ----------------------------------------------------------------------------- slides' examples
def test_always_negative_on_imbalanced_data():
    y_true = np.array([0] * 95 + [1] * 5)
    y_pred = np.zeros(100, dtype=int)
    assert M.accuracy_score(y_true, y_pred) == pytest.approx(0.95)
    assert M.balanced_accuracy_score(y_true, y_pred) == pytest.approx(0.5)
    assert M.recall_score(y_true, y_pred) == 0.0
    assert M.specificity_score(y_true, y_pred) == pytest.approx(1.0)


def six_images():
    """tp = 2, fn = 1, fp = 2, tn = 1 (positive label 1)."""
    y_true = np.array([1, 1, 1, 0, 0, 0])
    y_pred = np.array([1, 1, 0, 1, 1, 0])
    return y_true, y_pred


def test_six_image_example():
    y_true, y_pred = six_images()
    assert M.confusion_matrix(y_true, y_pred).tolist() == [[1, 2], [1, 2]]
    assert M.specificity_score(y_true, y_pred) == pytest.approx(1 / 3)
    assert M.recall_score(y_true, y_pred) == pytest.approx(2 / 3)
    assert M.precision_score(y_true, y_pred) == pytest.approx(2 / 4)
    assert M.accuracy_score(y_true, y_pred) == pytest.approx(3 / 6)
    assert M.fpr_score(y_true, y_pred) == pytest.approx(2 / 3)
    assert M.false_positive_rate(y_true, y_pred) == pytest.approx(1 - 1 / 3)
    p, r = 2 / 4, 2 / 3
    assert M.f1_score(y_true, y_pred) == pytest.approx(2 * p * r / (p + r))
    assert M.fbeta_score(y_true, y_pred, beta=2) == pytest.approx(5 * p * r / (4 * p + r))
    assert M.accuracy_score(y_true, y_pred, normalize=False) == 3


def test_multiclass_accuracy_83_of_100():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 10, size=100)
    y_pred = y_true.copy()
    wrong = rng.choice(100, size=17, replace=False)
    y_pred[wrong] = (y_true[wrong] + 1) % 10
    assert M.accuracy_score(y_true, y_pred) == pytest.approx(0.83)
    assert M.accuracy_score(y_true, y_pred, normalize=False) == 83


# ----------------------------------------------------------------------------- confusion matrix
def test_confusion_matrix_rows_true_cols_pred():
    y_true = [0, 0, 0, 1]
    y_pred = [1, 1, 0, 1]
    cm = M.confusion_matrix(y_true, y_pred)
    assert cm.tolist() == [[1, 2], [0, 1]]
    assert cm.dtype == np.int64
    np.testing.assert_allclose(M.confusion_matrix(y_true, y_pred, normalize="true"),
                               [[1 / 3, 2 / 3], [0, 1]])
    np.testing.assert_allclose(M.confusion_matrix(y_true, y_pred, normalize="pred"),
                               [[1, 2 / 3], [0, 1 / 3]])
    np.testing.assert_allclose(M.confusion_matrix(y_true, y_pred, normalize="all"),
                               [[0.25, 0.5], [0, 0.25]])


def test_confusion_matrix_labels_order_and_strings():
    cm = M.confusion_matrix(["cat", "dog", "dog"], ["dog", "dog", "cat"], labels=["dog", "cat"])
    assert cm.tolist() == [[1, 1], [1, 0]]
    cm = M.confusion_matrix([2, 0, 2], [2, 2, 1])        # labels = sorted union 0, 1, 2
    assert cm.tolist() == [[0, 0, 1], [0, 0, 0], [0, 1, 1]]


# ----------------------------------------------------------------------------- averages
Y_TRUE = [0, 0, 0, 1, 1, 2]
Y_PRED = [0, 0, 1, 1, 2, 2]
# per class: 0: P 1, R 2/3, F .8; 1: P .5, R .5, F .5; 2: P .5, R 1, F 2/3; support 3, 2, 1


def test_per_class_precision_recall_f1():
    p, r, f, s = M.precision_recall_fscore_support(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(p, [1, 0.5, 0.5])
    np.testing.assert_allclose(r, [2 / 3, 0.5, 1])
    np.testing.assert_allclose(f, [0.8, 0.5, 2 / 3])
    assert s.tolist() == [3, 2, 1]


def test_macro_micro_weighted():
    assert M.precision_score(Y_TRUE, Y_PRED, average="macro") == pytest.approx(2 / 3)
    assert M.recall_score(Y_TRUE, Y_PRED, average="macro") == pytest.approx(13 / 18)
    assert M.f1_score(Y_TRUE, Y_PRED, average="macro") == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    assert M.precision_score(Y_TRUE, Y_PRED, average="weighted") == pytest.approx(0.75)
    assert M.recall_score(Y_TRUE, Y_PRED, average="weighted") == pytest.approx(4 / 6)
    assert M.f1_score(Y_TRUE, Y_PRED, average="weighted") == pytest.approx(
        (3 * 0.8 + 2 * 0.5 + 2 / 3) / 6)
    for fn in (M.precision_score, M.recall_score, M.f1_score):   # micro = accuracy here
        assert fn(Y_TRUE, Y_PRED, average="micro") == pytest.approx(4 / 6)
    np.testing.assert_allclose(M.precision_score(Y_TRUE, Y_PRED, average=None), [1, 0.5, 0.5])


def test_binary_pos_label():
    y_true, y_pred = six_images()
    # with 0 as the positive class: tp = 1, fp = 1, fn = 2
    assert M.precision_score(y_true, y_pred, pos_label=0) == pytest.approx(0.5)
    assert M.recall_score(y_true, y_pred, pos_label=0) == pytest.approx(1 / 3)


def test_zero_division():
    y_true, y_pred = [0, 0, 1], [0, 0, 0]                 # nothing predicted positive
    with pytest.warns(M.UndefinedMetricWarning):
        assert M.precision_score(y_true, y_pred) == 0.0
    assert M.precision_score(y_true, y_pred, zero_division=1) == 1.0


def test_balanced_accuracy_multiclass():
    # recalls 2/3, 1/2, 1 → mean 13/18
    assert M.balanced_accuracy_score(Y_TRUE, Y_PRED) == pytest.approx(13 / 18)
    assert M.balanced_accuracy_score(Y_TRUE, Y_PRED, adjusted=True) == pytest.approx(
        (13 / 18 - 1 / 3) / (2 / 3))


# ----------------------------------------------------------------------------- curves
Y4 = [0, 0, 1, 1]
S4 = [0.1, 0.4, 0.35, 0.8]


def test_roc_curve_hand_case():
    fpr, tpr, thr = M.roc_curve(Y4, S4)
    np.testing.assert_allclose(fpr, [0, 0, 0.5, 0.5, 1])
    np.testing.assert_allclose(tpr, [0, 0.5, 0.5, 1, 1])
    np.testing.assert_allclose(thr, [np.inf, 0.8, 0.4, 0.35, 0.1])
    # 3 of the 4 (positive, negative) pairs are ranked correctly
    assert M.roc_auc_score(Y4, S4) == pytest.approx(0.75)
    assert M.auc(fpr, tpr) == pytest.approx(0.75)


def test_roc_auc_perfect_antiperfect_and_ties():
    y = np.array([0, 0, 0, 1, 1])
    s = np.array([0.1, 0.2, 0.3, 0.8, 0.9])
    assert M.roc_auc_score(y, s) == 1.0
    assert M.roc_auc_score(y, -s) == 0.0
    assert M.roc_auc_score(y, np.ones(5)) == pytest.approx(0.5)    # all tied: chance


def test_roc_auc_needs_two_classes():
    with pytest.raises(ValueError):
        M.roc_auc_score([1, 1, 1], [0.1, 0.2, 0.3])


def test_precision_recall_curve_and_ap_hand_case():
    p, r, thr = M.precision_recall_curve(Y4, S4)
    np.testing.assert_allclose(p, [0.5, 2 / 3, 0.5, 1, 1])
    np.testing.assert_allclose(r, [1, 1, 0.5, 0.5, 0])
    np.testing.assert_allclose(thr, [0.1, 0.35, 0.4, 0.8])
    # AP = Σ (R_n − R_{n−1}) P_n = 0.5·1 + 0.5·(2/3)
    assert M.average_precision_score(Y4, S4) == pytest.approx(0.5 + 1 / 3)


def test_top_k_accuracy():
    y_true = np.array([0, 1, 2, 2])
    y_score = np.array([[0.5, 0.2, 0.3],     # true 0 ranked 1st
                        [0.3, 0.4, 0.3],     # true 1 ranked 1st
                        [0.3, 0.4, 0.3],     # true 2 ranked 2nd (tie with 0, higher column first)
                        [0.7, 0.2, 0.1]])    # true 2 ranked 3rd
    assert M.top_k_accuracy_score(y_true, y_score, k=1) == pytest.approx(0.5)
    assert M.top_k_accuracy_score(y_true, y_score, k=2) == pytest.approx(0.75)
    assert M.top_k_accuracy_score(y_true, y_score, k=3) == pytest.approx(1.0)
    assert M.top_k_accuracy_score(y_true, y_score, k=2, normalize=False) == 3


def test_classification_report_rows():
    text = M.classification_report(Y_TRUE, Y_PRED, target_names=["zero", "one", "two"])
    lines = text.splitlines()
    for name in ("zero", "one", "two", "accuracy", "macro avg", "weighted avg"):
        assert any(line.split() and line.strip().startswith(name) for line in lines), name
    row = next(line for line in lines if line.strip().startswith("zero")).split()
    assert row[1:] == ["1.00", "0.67", "0.80", "3"]
    d = M.classification_report(Y_TRUE, Y_PRED, output_dict=True)
    assert d["1"]["support"] == 2
    assert d["accuracy"] == pytest.approx(4 / 6)
    assert d["macro avg"]["precision"] == pytest.approx(2 / 3)


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("fn", [M.accuracy_score, M.precision_score, M.recall_score,
                                M.f1_score, M.confusion_matrix, M.balanced_accuracy_score])
def test_length_mismatch_raises(fn):
    with pytest.raises(ValueError, match="length"):
        fn([0, 1, 1], [0, 1])


def test_bad_input_raises():
    with pytest.raises(ValueError):
        M.roc_curve([0, 1, 1], [0.1, 0.2])
    with pytest.raises(ValueError):                 # k = 1 class column too many / few
        M.top_k_accuracy_score([0, 1, 2], np.ones((3, 2)), k=1)
    with pytest.raises(ValueError, match="binary"):
        M.precision_score([0, 1, 2], [0, 1, 2])     # multiclass with average="binary"
    with pytest.raises(ValueError):
        M.precision_score([0, 1], [0, 1], average="bogus")
    with pytest.raises(ValueError):
        M.accuracy_score([[0, 1], [1, 0]], [[0, 1], [1, 0]])


def test_top_k_out_of_range_raises():
    y_score = np.ones((3, 3))
    for k in (0, -1):
        with pytest.raises(ValueError, match="k"):
            M.top_k_accuracy_score([0, 1, 2], y_score, k=k)


# ----------------------------------------------------------------------------- sklearn oracle
labels_st = st.integers(2, 40).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 3), min_size=n, max_size=n),
    st.lists(st.integers(0, 3), min_size=n, max_size=n)))


@settings(max_examples=40)
@given(labels_st, st.sampled_from(["macro", "micro", "weighted", None]))
def test_prf_against_sklearn(pair, average):
    skm = pytest.importorskip("sklearn.metrics")
    y_true, y_pred = map(np.array, pair)
    for ours, theirs in ((M.precision_score, skm.precision_score),
                         (M.recall_score, skm.recall_score),
                         (M.f1_score, skm.f1_score)):
        np.testing.assert_allclose(ours(y_true, y_pred, average=average, zero_division=0),
                                   theirs(y_true, y_pred, average=average, zero_division=0))
    np.testing.assert_allclose(M.fbeta_score(y_true, y_pred, beta=0.5, average=average,
                                             zero_division=0),
                               skm.fbeta_score(y_true, y_pred, beta=0.5, average=average,
                                               zero_division=0))
    assert M.accuracy_score(y_true, y_pred) == pytest.approx(skm.accuracy_score(y_true, y_pred))
    np.testing.assert_array_equal(M.confusion_matrix(y_true, y_pred),
                                  skm.confusion_matrix(y_true, y_pred))


@settings(max_examples=40)
@given(st.integers(2, 40).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 1), min_size=n, max_size=n),
    st.lists(st.integers(0, 1), min_size=n, max_size=n))))
def test_binary_against_sklearn(pair):
    skm = pytest.importorskip("sklearn.metrics")
    y_true, y_pred = map(np.array, pair)
    for ours, theirs in ((M.precision_score, skm.precision_score),
                         (M.recall_score, skm.recall_score), (M.f1_score, skm.f1_score)):
        assert ours(y_true, y_pred, zero_division=0) == pytest.approx(
            theirs(y_true, y_pred, zero_division=0))
    if len(np.unique(y_true)) > 1:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert M.balanced_accuracy_score(y_true, y_pred) == pytest.approx(
                skm.balanced_accuracy_score(y_true, y_pred))


scores_st = st.integers(2, 30).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 1), min_size=n, max_size=n),
    st.lists(st.integers(0, 5).map(lambda v: v / 5), min_size=n, max_size=n)))   # with ties


@settings(max_examples=40)
@given(scores_st)
def test_curves_against_sklearn(pair):
    skm = pytest.importorskip("sklearn.metrics")
    y, s = map(np.array, pair)
    if len(np.unique(y)) < 2:
        return
    for drop in (True, False):
        for a, b in zip(M.roc_curve(y, s, drop_intermediate=drop),
                        skm.roc_curve(y, s, drop_intermediate=drop)):
            np.testing.assert_allclose(a, b)
    assert M.roc_auc_score(y, s) == pytest.approx(skm.roc_auc_score(y, s))
    for a, b in zip(M.precision_recall_curve(y, s), skm.precision_recall_curve(y, s)):
        np.testing.assert_allclose(a, b)
    assert M.average_precision_score(y, s) == pytest.approx(skm.average_precision_score(y, s))


@settings(max_examples=40)
@given(st.integers(6, 30).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 2), min_size=n, max_size=n),
    st.lists(st.lists(st.integers(0, 4).map(lambda v: v / 4), min_size=3, max_size=3),
             min_size=n, max_size=n))), st.integers(1, 3))
def test_multiclass_scores_against_sklearn(pair, k):
    skm = pytest.importorskip("sklearn.metrics")
    y, s = np.array(pair[0]), np.array(pair[1], dtype=np.float64)
    if len(np.unique(y)) < 3:
        return
    assert M.top_k_accuracy_score(y, s, k=k) == pytest.approx(
        skm.top_k_accuracy_score(y, s, k=k))
    p = (s + 1e-3) / (s + 1e-3).sum(axis=1, keepdims=True)
    for average in ("macro", "weighted"):
        assert M.roc_auc_score(y, p, multi_class="ovr", average=average) == pytest.approx(
            skm.roc_auc_score(y, p, multi_class="ovr", average=average))
