"""Metrics on bad labels and scores: NaN/inf, probabilities where labels belong, strings against
numbers, multilabel against multiclass, empty inputs — ValueError as scikit-learn raises
(checked against scikit-learn when it is installed)."""
import numpy as np
import pytest

from engine import metrics as M

try:
    import sklearn.metrics as skm
except ImportError:          # CI installs no scikit-learn: the oracle half is skipped
    skm = None

LABEL_METRICS = ["accuracy_score", "confusion_matrix", "precision_score", "recall_score",
                 "f1_score", "balanced_accuracy_score", "classification_report"]

BAD_PAIRS = {
    "nan_in_y_true": ([0, 1, np.nan, 1], [0, 1, 1, 1]),
    "nan_in_y_pred": ([0, 1, 0, 1], [0.0, np.nan, 1.0, 1.0]),
    "inf_in_y_pred": ([0, 1, 0, 1], [0.0, np.inf, 1.0, 1.0]),
    "probabilities_as_y_pred": ([0, 1, 0, 1], [0.1, 0.8, 0.4, 0.9]),
    "probabilities_as_y_true": ([0.2, 0.7, 0.1, 0.9], [0, 1, 0, 1]),
    "logits_as_y_pred": ([0, 1, 2, 1], [-1.3, 2.2, 0.5, 0.1]),
    "strings_vs_ints": (["a", "b", "a", "b"], [0, 1, 0, 1]),
    "ints_vs_strings": ([0, 1, 0, 1], ["0", "1", "0", "1"]),
    "mixed_types_in_y_true": (np.array(["a", 1, "a", 1], dtype=object), ["a", "a", "a", "a"]),
    "multilabel_vs_multiclass": (np.array([[0, 1], [1, 0], [1, 1]]), [0, 1, 1]),
    "multiclass_vs_multilabel": ([0, 1, 1], np.array([[0, 1], [1, 0], [1, 1]])),
    "different_lengths": ([0, 1, 1], [0, 1]),
}


def _call(module, name, y_true, y_pred):
    fn = getattr(module, name)
    if name in ("precision_score", "recall_score", "f1_score"):
        return fn(y_true, y_pred, average="macro", zero_division=0)
    return fn(y_true, y_pred)


@pytest.mark.parametrize("name", LABEL_METRICS)
@pytest.mark.parametrize("case", sorted(BAD_PAIRS))
def test_bad_labels_raise_value_error(name, case):
    y_true, y_pred = BAD_PAIRS[case]
    with pytest.raises(ValueError):
        _call(M, name, y_true, y_pred)


@pytest.mark.skipif(skm is None, reason="scikit-learn not installed")
@pytest.mark.parametrize("case", sorted(BAD_PAIRS))
def test_scikit_learn_refuses_the_same_inputs(case):
    """The oracle: every case above is one scikit-learn refuses too (a mix of strings and
    numbers inside one array fails there while sorting, with a TypeError)."""
    y_true, y_pred = BAD_PAIRS[case]
    with pytest.raises((ValueError, TypeError)):
        skm.accuracy_score(y_true, y_pred)


@pytest.mark.skipif(skm is None, reason="scikit-learn not installed")
@pytest.mark.parametrize("case,word", [("probabilities_as_y_pred", "continuous"),
                                       ("strings_vs_ints", "Mix of label input types"),
                                       ("multilabel_vs_multiclass", "multilabel-indicator"),
                                       ("nan_in_y_true", "NaN")])
def test_messages_say_what_scikit_learn_says(case, word):
    y_true, y_pred = BAD_PAIRS[case]
    with pytest.raises(ValueError, match=word):
        skm.accuracy_score(y_true, y_pred)
    with pytest.raises(ValueError, match=word):
        M.accuracy_score(y_true, y_pred)


def test_whole_number_floats_are_labels():
    assert M.accuracy_score([0.0, 1.0, 2.0], np.array([0, 1, 1])) == pytest.approx(2 / 3)
    assert M.accuracy_score(np.array([True, False]), [1, 0]) == 1.0


@pytest.mark.parametrize("name", LABEL_METRICS)
def test_empty_inputs_raise(name):
    with pytest.raises(ValueError):
        _call(M, name, [], [])


BAD_SCORES = {
    "nan_score": ([0, 1, 0, 1], [0.1, np.nan, 0.3, 0.9]),
    "inf_score": ([0, 1, 0, 1], [0.1, np.inf, 0.3, 0.9]),
    "nan_label": ([0, np.nan, 0, 1], [0.1, 0.2, 0.3, 0.9]),
    "continuous_label": ([0.5, 0.2, 0.0, 1.0], [0.1, 0.2, 0.3, 0.9]),
    "string_scores": ([0, 1, 0, 1], ["a", "b", "c", "d"]),
    "empty": ([], []),
    "lengths": ([0, 1, 0], [0.1, 0.2]),
}


@pytest.mark.parametrize("fn", ["roc_auc_score", "roc_curve", "average_precision_score",
                                "precision_recall_curve", "top_k_accuracy_score"])
@pytest.mark.parametrize("case", sorted(BAD_SCORES))
def test_bad_scores_raise_value_error(fn, case):
    y_true, y_score = BAD_SCORES[case]
    kwargs = {"k": 1} if fn == "top_k_accuracy_score" else {}
    with pytest.raises(ValueError):
        getattr(M, fn)(y_true, y_score, **kwargs)
    if skm is not None and case != "empty":   # (scikit-learn fails on empty AP with IndexError;
        # string scores fail there in a ufunc, with a TypeError)
        with pytest.raises((ValueError, TypeError)):
            getattr(skm, fn)(y_true, y_score, **kwargs)


def test_nan_sample_weight_raises():
    with pytest.raises(ValueError, match="NaN"):
        M.accuracy_score([0, 1], [0, 1], sample_weight=[1.0, np.nan])


@pytest.mark.skipif(skm is None, reason="scikit-learn not installed")
def test_valid_inputs_still_match_scikit_learn():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 50)
    p = rng.integers(0, 3, 50)
    assert M.accuracy_score(y, p) == pytest.approx(skm.accuracy_score(y, p))
    assert M.f1_score(y, p, average="macro") == pytest.approx(skm.f1_score(y, p, average="macro"))
    s = np.array(["cat", "dog"])[rng.integers(0, 2, 30)]
    t = np.array(["cat", "dog"])[rng.integers(0, 2, 30)]
    np.testing.assert_array_equal(M.confusion_matrix(s, t), skm.confusion_matrix(s, t))
    obj = np.array(list(s), dtype=object)
    assert M.accuracy_score(obj, t) == pytest.approx(skm.accuracy_score(obj, t))


def test_top_k_with_one_dimensional_scores_needs_two_classes():
    with pytest.raises(ValueError, match="binary"):
        M.top_k_accuracy_score([1, 1, 1], [0.2, 0.9, 0.4], k=1)


# ----------------------------------------------------------------------------- oracle fuzzing
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_VALUES = {"int": st.integers(0, 3), "bool": st.booleans(), "str": st.sampled_from("abc"),
           "prob": st.floats(0, 1), "float": st.sampled_from([0.0, 1.0, 2.0, 0.5, np.nan, np.inf])}


@st.composite
def label_pairs(draw):
    n = draw(st.integers(1, 6))
    return tuple(np.array(draw(st.lists(_VALUES[draw(st.sampled_from(sorted(_VALUES)))],
                                        min_size=n, max_size=n))) for _ in range(2))


@pytest.mark.skipif(skm is None, reason="scikit-learn not installed")
@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(label_pairs(), st.sampled_from(["accuracy_score", "confusion_matrix", "f1_score",
                                       "balanced_accuracy_score", "precision_score"]))
def test_label_metrics_refuse_exactly_what_scikit_learn_refuses(pair, name):
    """Labels of every kind (ints, bools, strings, probabilities, floats with NaN/inf): engine
    raises ValueError exactly when scikit-learn raises, and agrees with it otherwise."""
    import warnings
    y_true, y_pred = pair
    kwargs = {"average": "macro", "zero_division": 0} if name in ("f1_score", "precision_score") \
        else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = getattr(skm, name)(y_true, y_pred, **kwargs)
        except (ValueError, TypeError):
            expected = None
        if expected is None:
            with pytest.raises(ValueError):
                getattr(M, name)(y_true, y_pred, **kwargs)
        else:
            got = getattr(M, name)(y_true, y_pred, **kwargs)
            np.testing.assert_allclose(np.asarray(got, float), np.asarray(expected, float))


@pytest.mark.parametrize("call", [
    lambda: M.auc([0, np.nan, 1], [0, 1, 1]),
    lambda: M.auc([0, 1, 2], [0, np.inf, 1]),
    lambda: M.auc([0, 1, 2], [0, 1]),
    lambda: M.fbeta_score([0, 1], [0, 1], beta=np.nan),
    lambda: M.fbeta_score([0, 1], [0, 1], beta=-1),
    lambda: M.fbeta_score([0, 1], [0, 1], beta="2"),
    lambda: M.balanced_accuracy_score([1, 1], [1, 1], adjusted=True),
], ids=["auc_nan_x", "auc_inf_y", "auc_lengths", "beta_nan", "beta_negative", "beta_string",
        "adjusted_one_class"])
def test_more_bad_metric_arguments_raise_value_error(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize("kwargs", [
    {"labels": [5, 6]}, {"labels": ["a", "b"]}, {"labels": [0, 0, 1]}, {"labels": []},
    {"sample_weight": [[1.0, 1.0, 1.0]]},
], ids=["labels_absent", "labels_other_type", "labels_duplicate", "labels_empty",
        "sample_weight_2d"])
def test_confusion_matrix_refuses_labels_it_cannot_count(kwargs):
    with pytest.raises(ValueError):
        M.confusion_matrix([0, 1, 1], [0, 1, 0], **kwargs)
    if skm is not None and kwargs.get("labels") in ([5, 6], ["a", "b"]):
        with pytest.raises(ValueError, match="At least one label"):
            skm.confusion_matrix([0, 1, 1], [0, 1, 0], **kwargs)
