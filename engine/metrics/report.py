"""``classification_report``: precision, recall, F1 and support per class, and their averages,
as the table scikit-learn prints (or as a dict)."""
import numpy as np

from ._common import label_pair
from .accuracy import accuracy_score
from .scores import precision_recall_fscore_support


def classification_report(y_true, y_pred, labels=None, target_names=None, sample_weight=None,
                          digits=2, output_dict=False, zero_division="warn"):
    """Precision, recall, F1 and support per class, then accuracy, macro and weighted averages,
    as a text table (or a dict with ``output_dict=True``)."""
    y_true, y_pred = label_pair(y_true, y_pred)
    labels = np.union1d(y_true, y_pred) if labels is None else np.asarray(labels)
    names = [str(n) for n in (target_names if target_names is not None else labels)]
    if len(names) != len(labels):
        raise ValueError(f"{len(names)} target_names for {len(labels)} labels")
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=None,
                                                 sample_weight=sample_weight,
                                                 zero_division=zero_division)
    rows = {name: _row(p[i], r[i], f[i], s[i]) for i, name in enumerate(names)}
    total = s.sum()
    # When every label present is reported, the micro averages of P, R and F1 all equal the
    # accuracy: one "accuracy" line then replaces the "micro avg" line.
    micro_is_accuracy = set(labels.tolist()) >= set(np.union1d(y_true, y_pred).tolist())
    averages = {}
    if micro_is_accuracy:
        averages["accuracy"] = accuracy_score(y_true, y_pred, sample_weight=sample_weight)
    for avg in (() if micro_is_accuracy else ("micro",)) + ("macro", "weighted"):
        ap, ar, af, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=avg,
                                                        sample_weight=sample_weight,
                                                        zero_division=zero_division)
        averages[f"{avg} avg"] = _row(ap, ar, af, total)
    if output_dict:
        return {**rows, **averages}
    width = max([len(n) for n in names] + [len("weighted avg"), digits])
    lines = [f"{'':>{width}} " + " ".join(f"{h:>9}" for h in _COLUMNS), ""]
    lines += [_line(name, row, width, digits) for name, row in rows.items()]
    lines.append("")
    for key, value in averages.items():
        if key == "accuracy":
            lines.append(f"{key:>{width}} {'':>9} {'':>9} {value:>9.{digits}f} {int(total):>9}")
        else:
            lines.append(_line(key, value, width, digits))
    return "\n".join(lines) + "\n"


_COLUMNS = ("precision", "recall", "f1-score", "support")


def _row(precision, recall, f1, support):
    return {"precision": float(precision), "recall": float(recall), "f1-score": float(f1),
            "support": int(support)}


def _line(name, row, width, digits):
    values = " ".join(f"{row[k]:>9.{digits}f}" for k in _COLUMNS[:3])
    return f"{name:>{width}} {values} {row['support']:>9}"
