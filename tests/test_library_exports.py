"""engine.train, engine.metrics and engine.callbacks keep the public names (and import paths)
they had when each was a single module, now that they are packages split by job."""
import importlib

import pytest

import engine

EXPORTS = {
    "engine.train": ["fit", "evaluate", "predict", "History", "Run", "Callback", "EarlyStopping",
                     "ModelCheckpoint", "LearningRateScheduler", "CSVLogger", "save_checkpoint",
                     "load_checkpoint"],
    "engine.metrics": ["confusion_matrix", "accuracy_score", "balanced_accuracy_score",
                       "precision_score", "recall_score", "f1_score", "fbeta_score",
                       "specificity_score", "fpr_score", "false_positive_rate",
                       "precision_recall_fscore_support", "roc_curve", "roc_auc_score", "auc",
                       "precision_recall_curve", "average_precision_score",
                       "top_k_accuracy_score", "classification_report",
                       "UndefinedMetricWarning"],
    "engine.callbacks": ["Callback", "EarlyStopping", "ModelCheckpoint",
                         "LearningRateScheduler", "CSVLogger"],
}


@pytest.mark.parametrize("module_name", sorted(EXPORTS))
def test_public_names_are_kept(module_name):
    module = importlib.import_module(module_name)
    assert sorted(module.__all__) == sorted(EXPORTS[module_name])
    for name in EXPORTS[module_name]:
        assert getattr(module, name) is not None, f"{module_name}.{name}"
    namespace = {}
    exec(f"from {module_name} import *", namespace)
    assert set(EXPORTS[module_name]) <= set(namespace)


def test_functions_not_shadowed_by_submodules():
    """A package's function must not be replaced by a submodule of the same name."""
    assert callable(engine.train.fit) and callable(engine.train.evaluate)
    assert callable(engine.metrics.confusion_matrix) and callable(engine.metrics.auc)


def test_one_callback_class_under_both_paths():
    from engine import callbacks, train
    for name in EXPORTS["engine.callbacks"]:
        assert getattr(callbacks, name) is getattr(train, name)
