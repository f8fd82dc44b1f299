"""engine.train.fit: the flavours of gradient descent, validation, callbacks, exact resume."""
import csv

import numpy as np
import pytest

import engine
from engine import nn
from engine.data import DataLoader, TensorDataset, make_blobs
from engine.nn import functional as F
from engine.train import (CSVLogger, EarlyStopping, LearningRateScheduler, ModelCheckpoint,
                          evaluate, fit, predict)


def blobs(seed=0, n=300):
    x, y = make_blobs(n_samples=n, centers=3, cluster_std=1.0, random_state=seed)
    x = (x - x.mean(0)) / x.std(0)
    return x.astype(np.float32), y


def mlp(seed=0):
    engine.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 3))


def weights(model):
    return {k: v.copy() for k, v in model.state_dict().items()}


def test_fit_reaches_high_accuracy_on_blobs():
    x, y = blobs()
    model = mlp()
    opt = engine.optim.Adam(model.parameters(), lr=0.05)
    history = fit(model, F.cross_entropy, opt, (x, y), epochs=15, batch_size=32, verbose=0, seed=0)
    assert len(history["loss"]) == 15
    assert history["loss"][-1] < history["loss"][0]
    assert history["accuracy"][-1] >= 0.95
    logits = predict(model, x)
    assert logits.shape == (300, 3)
    assert (logits.argmax(1) == y).mean() >= 0.95
    result = evaluate(model, F.cross_entropy, (x, y))
    np.testing.assert_allclose(result["accuracy"], (logits.argmax(1) == y).mean())


@pytest.mark.parametrize("batch_size, sizes", [(None, [300]), (1, [1] * 300),
                                              (50, [50] * 6), (64, [64] * 4 + [44])])
def test_batch_stochastic_and_minibatch_gradient_descent(batch_size, sizes):
    """batch_size None: one step on the whole set; 1: one step per sample; n: mini-batches."""
    x, y = blobs()
    model = mlp()
    opt = engine.optim.SGD(model.parameters(), lr=0.01)
    seen = []

    def recording_loss(out, target):
        seen.append(len(target))
        return F.cross_entropy(out, target)

    fit(model, recording_loss, opt, (x, y), epochs=2, batch_size=batch_size, verbose=0, seed=1)
    assert seen == sizes * 2


def test_validation_every_n_iterations():
    x, y = blobs()
    model = mlp()
    opt = engine.optim.SGD(model.parameters(), lr=0.05)
    history = fit(model, F.cross_entropy, opt, (x[:200], y[:200]), epochs=3, batch_size=20,
                  validation_data=(x[200:], y[200:]), validate_every=4, verbose=0, seed=0)
    # 10 steps per epoch, 30 in all: validation after steps 4, 8, ..., 28
    assert len(history["val_loss"]) == 30 // 4


def test_early_stopping_restores_the_best_weights():
    x, y = blobs()
    # Validation labels are rotated: the better the model fits, the worse it validates, so the
    # best weights are early ones and training must stop after `patience` worse epochs.
    val = (x[:100], (y[:100] + 1) % 3)
    model = mlp()
    opt = engine.optim.Adam(model.parameters(), lr=0.05)
    stopper = EarlyStopping(monitor="val_loss", patience=2)
    history = fit(model, F.cross_entropy, opt, (x, y), epochs=30, batch_size=32,
                  validation_data=val, callbacks=[stopper], verbose=0, seed=0)
    epochs_run = len(history["loss"])
    assert epochs_run < 30
    best = min(history["val_loss"])
    assert history["val_loss"][-1] > best
    np.testing.assert_allclose(evaluate(model, F.cross_entropy, val)["loss"], best, rtol=1e-5)


def _train(tmp_path, epochs, resume=False, checkpoint=True):
    x, y = blobs(seed=3)
    model = mlp(seed=5)
    opt = engine.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    callbacks = [ModelCheckpoint(tmp_path / "last.npz", monitor="loss")] if checkpoint else []
    fit(model, F.cross_entropy, opt, (x, y), epochs=epochs, batch_size=16, verbose=0, seed=7,
        callbacks=callbacks, resume_from=(tmp_path / "last.npz") if resume else None)
    return weights(model)


def test_resume_from_a_checkpoint_equals_an_uninterrupted_run(tmp_path):
    uninterrupted = _train(tmp_path / "a", epochs=4, checkpoint=False)
    (tmp_path / "b").mkdir()
    _train(tmp_path / "b", epochs=2)                   # stops after 2 of 4 epochs
    resumed = _train(tmp_path / "b", epochs=4, resume=True)
    assert uninterrupted.keys() == resumed.keys()
    for name in uninterrupted:
        np.testing.assert_array_equal(uninterrupted[name], resumed[name])


def test_checkpoint_is_a_plain_npz(tmp_path):
    _train(tmp_path, epochs=1)
    with np.load(tmp_path / "last.npz", allow_pickle=False) as f:
        assert len(f.files) > 0


def test_learning_rate_scheduler_and_csv_logger(tmp_path):
    x, y = blobs()
    model = mlp()
    opt = engine.optim.SGD(model.parameters(), lr=0.1)
    fit(model, F.cross_entropy, opt, (x, y), epochs=3, batch_size=100, verbose=0, seed=0,
        callbacks=[LearningRateScheduler(lambda epoch, lr: 0.1 * 0.5 ** (epoch + 1)),
                   CSVLogger(tmp_path / "log.csv")])
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1 * 0.5 ** 3)
    rows = list(csv.DictReader(open(tmp_path / "log.csv")))
    assert len(rows) == 3 and "loss" in rows[0]


def test_a_data_loader_and_an_autoencoder_target():
    x, _ = blobs()
    loader = DataLoader(TensorDataset(x), batch_size=30, shuffle=True, seed=0)
    engine.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))
    opt = engine.optim.Adam(model.parameters(), lr=0.02)
    history = fit(model, F.mse_loss, opt, loader, epochs=20, verbose=0)
    assert history["loss"][-1] < 0.5 * history["loss"][0]


def test_bad_arguments():
    x, y = blobs()
    model = mlp()
    opt = engine.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError):
        fit(model, F.cross_entropy, opt, (x, y), epochs=-1, verbose=0)
    with pytest.raises(ValueError):
        fit(model, F.cross_entropy, opt, (x, y), validate_every=0, verbose=0)
    with pytest.raises(TypeError):
        fit(model, F.cross_entropy, opt, (x, y), callbacks=[print], verbose=0)


class StopAt(engine.train.Callback):
    """Save a checkpoint after iteration ``n`` (mid-epoch) and stop, as a crash would."""

    def __init__(self, n, path):
        self.n, self.path = n, path

    def on_batch_end(self, run, logs):
        if logs["iteration"] == self.n:
            run.save_checkpoint(self.path)
            run.stop_training = True


def test_resume_from_the_middle_of_an_epoch(tmp_path):
    x, y = blobs(seed=3)

    def train(callbacks=(), resume=None):
        model = mlp(seed=5)
        opt = engine.optim.Adam(model.parameters(), lr=0.01)
        fit(model, F.cross_entropy, opt, (x, y), epochs=3, batch_size=32, verbose=0, seed=7,
            callbacks=list(callbacks), resume_from=resume)
        return weights(model)

    uninterrupted = train()
    train([StopAt(13, tmp_path / "mid.npz")])         # 10 batches per epoch: stops in epoch 2
    resumed = train(resume=tmp_path / "mid.npz")
    for name in uninterrupted:
        np.testing.assert_array_equal(uninterrupted[name], resumed[name])


def test_resume_from_a_val_loss_checkpoint_with_per_epoch_validation(tmp_path):
    """The default checkpoint (monitor="val_loss", validation each epoch) resumes exactly."""
    x, y = blobs(seed=3)
    val = (x[:60], y[:60])

    def train(epochs, resume=None, path=None):
        model = mlp(seed=5)
        opt = engine.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        callbacks = [ModelCheckpoint(path, monitor="val_loss")] if path else []
        history = fit(model, F.cross_entropy, opt, (x, y), epochs=epochs, batch_size=32,
                      verbose=0, seed=7, validation_data=val, callbacks=callbacks,
                      resume_from=resume)
        return weights(model), history

    uninterrupted, full_history = train(3)
    train(2, path=tmp_path / "ckpt.npz")
    resumed, resumed_history = train(3, resume=tmp_path / "ckpt.npz")
    for name in uninterrupted:
        np.testing.assert_array_equal(uninterrupted[name], resumed[name])
    # the resumed run's history is the uninterrupted one: no epoch repeated or lost
    assert resumed_history.epochs == full_history.epochs
    for key in ("loss", "val_loss", "accuracy"):
        np.testing.assert_array_equal(resumed_history[key], full_history[key])


def test_a_non_finite_loss_stops_before_the_weights_change():
    x, y = blobs()
    model = mlp()
    before = weights(model)
    opt = engine.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(FloatingPointError, match="loss became"):
        fit(model, lambda out, t: F.cross_entropy(out, t) * float("nan"), opt, (x, y),
            epochs=1, verbose=0)
    for name, value in weights(model).items():
        np.testing.assert_array_equal(value, before[name])


def test_accuracy_is_engine_metrics_accuracy_also_for_one_output_column():
    """fit/evaluate's "accuracy" is metrics.accuracy_score of the predicted labels: the argmax
    of several outputs, or output > 0.5 for a single (probability) column."""
    x, y = blobs()
    model = mlp()
    logits = predict(model, x)
    assert evaluate(model, None, (x, y))["accuracy"] == \
        engine.metrics.accuracy_score(y, logits.argmax(1))
    engine.manual_seed(0)
    binary = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1), nn.Sigmoid())
    y01 = (y == 1).astype(np.int64)
    p = predict(binary, x)
    assert p.shape == (300, 1)
    assert evaluate(binary, None, (x, y01))["accuracy"] == \
        engine.metrics.accuracy_score(y01, (p[:, 0] > 0.5).astype(np.int64))
    # 0./1. float targets (what BCE takes), as (N,) or (N, 1), are class labels too
    for target in (y01.astype(np.float32), y01.astype(np.float32)[:, None]):
        assert evaluate(binary, None, (x, target))["accuracy"] == \
            engine.metrics.accuracy_score(y01, (p[:, 0] > 0.5).astype(np.int64))
    assert "accuracy" not in evaluate(binary, None, (x, y01 + np.float32(0.25)))
