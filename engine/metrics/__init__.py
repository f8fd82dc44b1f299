"""``engine.metrics``: classification metrics with scikit-learn's signatures and results.

Compute them on a whole epoch's predictions (all of ``y_true``, ``y_pred`` at once), never as
an average of per-batch values: precision, recall, AUC ... of a union are not the mean of the
parts. With tp, fp, tn, fn the counts of true/false positives/negatives:

    precision = tp / (tp + fp)          recall (TPR, sensitivity) = tp / (tp + fn)
    specificity (TNR) = tn / (tn + fp)  FPR = fp / (tn + fp) = 1 − TNR
    F1 = 2·P·R / (P + R) = 2·tp / (2·tp + fp + fn)
    accuracy = (tp + tn) / n            balanced accuracy = mean over classes of recall

Reading order: ``confusion`` (the counts) → ``accuracy`` → ``scores`` (the ratios of the
counts, averaged over labels) → ``curves`` (ROC, precision-recall, areas) → ``report``;
``_common`` holds the input checks every metric starts with.
"""
from ._common import UndefinedMetricWarning
from .accuracy import accuracy_score, balanced_accuracy_score, top_k_accuracy_score
from .confusion import confusion_matrix
from .curves import auc, average_precision_score, precision_recall_curve, roc_auc_score, roc_curve
from .report import classification_report
from .scores import (f1_score, false_positive_rate, fbeta_score, fpr_score,
                     precision_recall_fscore_support, precision_score, recall_score,
                     specificity_score)

__all__ = ["confusion_matrix", "accuracy_score", "balanced_accuracy_score", "precision_score",
           "recall_score", "f1_score", "fbeta_score", "specificity_score", "fpr_score",
           "false_positive_rate", "precision_recall_fscore_support", "roc_curve",
           "roc_auc_score", "auc", "precision_recall_curve", "average_precision_score",
           "top_k_accuracy_score", "classification_report", "UndefinedMetricWarning"]
