"""fit / evaluate at the edges: empty data, single-output accuracy (logits vs probabilities,
float targets), callback state matched by callback, exact resume whatever the callback order,
all-or-nothing restore of a damaged checkpoint."""
import numpy as np
import pytest

import engine
from engine import nn
from engine.nn import functional as F
from engine.train import (EarlyStopping, LearningRateScheduler, ModelCheckpoint, evaluate, fit,
                          predict)
from engine.train.checkpoint import callback_keys


def blobs2(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(np.int64)
    return x, y


def mlp(out=3, seed=0):
    engine.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, out))


# ----------------------------------------------------------------------------- empty data
@pytest.mark.parametrize("n", [0])
def test_fit_on_an_empty_training_set_raises(n):
    model = mlp()
    opt = engine.optim.SGD(model.parameters(), lr=0.1)
    x, y = np.zeros((n, 2), np.float32), np.zeros(n, np.int64)
    with pytest.raises(ValueError, match="no batches"):
        fit(model, F.cross_entropy, opt, (x, y), epochs=1, verbose=0)


def test_fit_with_drop_last_and_too_few_samples_raises():
    model = mlp()
    opt = engine.optim.SGD(model.parameters(), lr=0.1)
    x, y = blobs2(5)
    loader = engine.data.DataLoader(engine.data.TensorDataset(x, y), batch_size=8, drop_last=True)
    with pytest.raises(ValueError, match="no batches"):
        fit(model, F.cross_entropy, opt, loader, epochs=1, verbose=0)


def test_empty_validation_and_evaluation_data_raise():
    model = mlp()
    opt = engine.optim.SGD(model.parameters(), lr=0.1)
    x, y = blobs2(20)
    empty = (x[:0], y[:0])
    with pytest.raises(ValueError, match="validation_data"):
        fit(model, F.cross_entropy, opt, (x, y), validation_data=empty, verbose=0)
    with pytest.raises(ValueError, match="no samples"):
        evaluate(model, F.cross_entropy, empty)


# ----------------------------------------------------------------------------- single output
def _constant_model(value):
    """A model whose single output is ``value`` for every sample."""
    model = nn.Linear(2, 1)
    model.weight.data[...] = 0
    model.bias.data[...] = value
    return model


@pytest.mark.parametrize("loss, output, predicted", [
    (nn.BCEWithLogitsLoss(), 0.3, 1),             # logit 0.3 > 0: class 1
    (F.binary_cross_entropy_with_logits, 0.3, 1),
    (nn.BCELoss(), 0.3, 0),                       # probability 0.3 < 0.5: class 0
    (F.binary_cross_entropy, 0.3, 0),
    (nn.BCEWithLogitsLoss(), -0.2, 0),
    (None, -0.2, 0), (None, 1.7, 1),              # no loss: outside [0, 1] → logits
])
def test_single_output_accuracy_thresholds_by_what_the_loss_takes(loss, output, predicted):
    x, y = blobs2(40)
    model = _constant_model(output)
    expected = float(np.mean(y == predicted))
    column = y.astype(np.float32)[:, None]             # what the BCE losses take
    for target in ((column,) if loss is not None else (y, y.astype(np.float32), column)):
        logs = evaluate(model, loss, (x, target), metrics=("accuracy",))
        assert logs["accuracy"] == pytest.approx(expected)


def test_fit_reports_accuracy_of_a_logit_model_with_float_column_targets():
    x, y = blobs2(200)
    engine.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 1))
    opt = engine.optim.SGD(model.parameters(), lr=0.5)
    target = y.astype(np.float32)[:, None]
    history = fit(model, nn.BCEWithLogitsLoss(), opt, (x, target), epochs=5, batch_size=32,
                  verbose=0, seed=0)
    logits = predict(model, x)[:, 0]
    assert logits.min() < 0 < logits.max()
    assert history["accuracy"][-1] > 0.9
    final = evaluate(model, nn.BCEWithLogitsLoss(), (x, target))["accuracy"]
    assert final == pytest.approx(float(np.mean((logits > 0) == y)))


def test_hinge_margins_give_plus_minus_one_labels():
    x, y = blobs2(40)
    model = _constant_model(0.4)
    t = np.where(y == 1, 1.0, -1.0).astype(np.float32)[:, None]
    logs = evaluate(model, nn.HingeLoss(), (x, t))
    assert logs["accuracy"] == pytest.approx(float(np.mean(t == 1)))


# ----------------------------------------------------------------------------- callback keys
def test_callback_keys_follow_the_callback_not_the_position():
    a, b = ModelCheckpoint("x.npz", monitor="loss"), EarlyStopping(monitor="loss")
    c = EarlyStopping(monitor="loss")
    assert callback_keys([a, b, c]) == ["ModelCheckpoint_0", "EarlyStopping_0", "EarlyStopping_1"]
    assert callback_keys([b, c, a]) == ["EarlyStopping_0", "EarlyStopping_1", "ModelCheckpoint_0"]
    b.state_key = "stopper"
    assert callback_keys([a, b]) == ["ModelCheckpoint_0", "stopper"]
    c.state_key = "stopper"
    with pytest.raises(ValueError, match="stopper"):
        callback_keys([b, c])


def _run(tmp_path, epochs, order, resume=False, checkpoint=True):
    x, y = blobs2(120, seed=3)
    model = mlp(out=2, seed=5)
    opt = engine.optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
    sched = LearningRateScheduler(engine.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5))
    stopper = EarlyStopping(monitor="loss", patience=100)
    ckpt = ModelCheckpoint(tmp_path / "last.npz", monitor="loss")
    callbacks = {"ckpt_first": [ckpt, sched, stopper], "sched_first": [stopper, sched, ckpt]}[order]
    if not checkpoint:
        callbacks = [cb for cb in callbacks if cb is not ckpt]
    history = fit(model, F.cross_entropy, opt, (x, y), epochs=epochs, batch_size=16, verbose=0,
                  seed=7, callbacks=callbacks,
                  resume_from=(tmp_path / "last.npz") if resume else None)
    return {k: v.copy() for k, v in model.state_dict().items()}, history


@pytest.mark.parametrize("order", ["ckpt_first", "sched_first"])
def test_resume_is_bit_identical_whatever_the_callback_order(tmp_path, order):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    full, full_history = _run(tmp_path / "a", 4, order, checkpoint=False)
    _run(tmp_path / "b", 2, order)
    resumed, history = _run(tmp_path / "b", 4, order, resume=True)
    for name in full:
        np.testing.assert_array_equal(full[name], resumed[name])
    assert history["lr"] == full_history["lr"]
    assert full_history["lr"] == [0.2, 0.1, 0.05, 0.025]


def test_resume_with_the_callbacks_listed_in_another_order(tmp_path):
    """The saved states go back to the same callbacks when the list is reordered."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    full, _ = _run(tmp_path / "a", 4, "ckpt_first", checkpoint=False)
    _run(tmp_path / "b", 2, "ckpt_first")
    resumed, _ = _run(tmp_path / "b", 4, "sched_first", resume=True)
    for name in full:
        np.testing.assert_array_equal(full[name], resumed[name])


# ----------------------------------------------------------------------------- damaged checkpoint
def test_a_damaged_checkpoint_restores_nothing(tmp_path):
    x, y = blobs2(60)
    model = mlp(out=2)
    opt = engine.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    fit(model, F.cross_entropy, opt, (x, y), epochs=1, verbose=0, seed=0,
        callbacks=[ModelCheckpoint(tmp_path / "c.npz", monitor="loss")])
    state = engine.load(tmp_path / "c.npz")
    state["optimizer"]["state"]["0"]["momentum_buffer"] = np.zeros((3, 3))   # wrong shape
    engine.save(state, tmp_path / "bad.npz")
    fresh = mlp(out=2, seed=9)
    before = {k: v.copy() for k, v in fresh.state_dict().items()}
    opt2 = engine.optim.SGD(fresh.parameters(), lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match="momentum_buffer"):
        fit(fresh, F.cross_entropy, opt2, (x, y), epochs=2, verbose=0, seed=0,
            resume_from=tmp_path / "bad.npz")
    for k, v in fresh.state_dict().items():        # the model part was put back
        np.testing.assert_array_equal(v, before[k])
    assert opt2.state == {}


@pytest.mark.parametrize("damage", ["epoch_float", "epoch_negative", "no_model", "format"])
def test_malformed_checkpoint_fields_raise_value_error(tmp_path, damage):
    x, y = blobs2(60)
    model = mlp(out=2)
    opt = engine.optim.SGD(model.parameters(), lr=0.1)
    fit(model, F.cross_entropy, opt, (x, y), epochs=1, verbose=0, seed=0,
        callbacks=[ModelCheckpoint(tmp_path / "c.npz", monitor="loss")])
    state = engine.load(tmp_path / "c.npz")
    if damage == "epoch_float":
        state["epoch"] = 1.5
    elif damage == "epoch_negative":
        state["epoch"] = -3
    elif damage == "no_model":
        del state["model"]
    else:
        state["format"] = "something else"
    engine.save(state, tmp_path / "bad.npz")
    with pytest.raises(ValueError, match="bad.npz"):
        fit(model, F.cross_entropy, opt, (x, y), epochs=2, verbose=0, seed=0,
            resume_from=tmp_path / "bad.npz")


@pytest.mark.parametrize("damage", ["last_epoch_string", "unknown_entry", "base_lrs_length"])
def test_damaged_scheduler_state_is_refused_and_nothing_restored(tmp_path, damage):
    x, y = blobs2(60)

    def setup():
        model = mlp(out=2)
        opt = engine.optim.SGD(model.parameters(), lr=0.1)
        sched = engine.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
        return model, opt, sched, [LearningRateScheduler(sched),
                                   ModelCheckpoint(tmp_path / "c.npz", monitor="loss")]
    model, opt, sched, callbacks = setup()
    fit(model, F.cross_entropy, opt, (x, y), epochs=1, verbose=0, seed=0, callbacks=callbacks)
    state = engine.load(tmp_path / "c.npz")
    saved = state["callbacks"]["LearningRateScheduler_0"]["scheduler"]
    if damage == "last_epoch_string":
        saved["last_epoch"] = "three"
    elif damage == "unknown_entry":
        saved["surprise"] = 1.0
    else:
        saved["base_lrs"] = [0.1, 0.2]
    engine.save(state, tmp_path / "bad.npz")
    model, opt, sched, callbacks = setup()
    before = sched.state_dict()
    with pytest.raises(ValueError, match="scheduler state"):
        fit(model, F.cross_entropy, opt, (x, y), epochs=2, verbose=0, seed=0,
            callbacks=callbacks[:1], resume_from=tmp_path / "bad.npz")
    assert sched.state_dict() == before and opt.param_groups[0]["lr"] == 0.1


def test_predict_on_nothing_and_bad_batch_sizes_raise():
    model = mlp()
    x, _ = blobs2(10)
    with pytest.raises(ValueError, match="no samples"):
        predict(model, x[:0])
    for bad in (0, -1, 2.5, True):
        with pytest.raises((ValueError, TypeError)):
            predict(model, x, batch_size=bad)


def test_monitoring_an_unlogged_value_is_a_value_error():
    x, y = blobs2(20)
    model = mlp()
    opt = engine.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="not logged"):
        fit(model, F.cross_entropy, opt, (x, y), epochs=1, verbose=0,
            callbacks=[EarlyStopping(monitor="nonsense")])


def test_csv_logger_does_not_append_to_a_foreign_file(tmp_path):
    from engine.train import CSVLogger
    x, y = blobs2(40)
    model = mlp(out=2)
    opt = engine.optim.SGD(model.parameters(), lr=0.1)
    fit(model, F.cross_entropy, opt, (x, y), epochs=1, verbose=0, seed=0,
        callbacks=[ModelCheckpoint(tmp_path / "c.npz", monitor="loss")])
    (tmp_path / "log.csv").write_text("name,value\nx,1\n")
    with pytest.raises(ValueError, match="not a CSVLogger log"):
        fit(model, F.cross_entropy, opt, (x, y), epochs=2, verbose=0, seed=0,
            callbacks=[CSVLogger(tmp_path / "log.csv")], resume_from=tmp_path / "c.npz")
    assert (tmp_path / "log.csv").read_text() == "name,value\nx,1\n"


@pytest.mark.parametrize("path", ["ck-{bogus}.npz", "ck-{0}.npz", "ck-{epoch.npz", "ck-{epoch:q}.npz"])
def test_model_checkpoint_path_fields_are_checked_at_construction(tmp_path, path):
    with pytest.raises(ValueError, match="ModelCheckpoint path"):
        ModelCheckpoint(tmp_path / path)


def _fit(**kwargs):
    x, y = kwargs.pop("data", blobs2(20))
    model = mlp(out=2)
    opt = engine.optim.SGD(model.parameters(), lr=0.1)
    return fit(model, kwargs.pop("loss", F.cross_entropy), opt, (x, y), epochs=1,
               **{"verbose": 0, **kwargs})


@pytest.mark.parametrize("kwargs", [
    {"verbose": "x"}, {"verbose": 3}, {"eval_batch_size": 0},
    {"callbacks": [LearningRateScheduler(lambda epoch: float("nan"))]},
    {"callbacks": [LearningRateScheduler(lambda epoch: -0.1)]},
], ids=["verbose_str", "verbose_3", "eval_batch_size_0", "schedule_nan", "schedule_negative"])
def test_bad_fit_settings_raise(kwargs):
    with pytest.raises((ValueError, TypeError)):
        _fit(**kwargs)


@pytest.mark.parametrize("make", [
    lambda: EarlyStopping(min_delta=float("nan")), lambda: EarlyStopping(min_delta="0.1"),
    lambda: EarlyStopping(monitor=3), lambda: ModelCheckpoint("x.npz", save_best_only="yes"),
], ids=["min_delta_nan", "min_delta_str", "monitor_int", "save_best_only_str"])
def test_bad_callback_settings_raise_at_construction(make):
    with pytest.raises((ValueError, TypeError)):
        make()


@pytest.mark.parametrize("where", ["inputs", "targets"])
def test_nan_in_the_data_is_named_as_such(where):
    x, y = blobs2(20)
    t = y.astype(np.float32)[:, None]
    if where == "inputs":
        x = x.copy()
        x[3, 0] = np.nan
    else:
        t[5, 0] = np.nan
    with pytest.raises(ValueError, match=f"the {where} of the batch"):
        engine.manual_seed(0)
        model = nn.Sequential(nn.Linear(2, 1))
        fit(model, nn.BCEWithLogitsLoss(), engine.optim.SGD(model.parameters(), lr=0.1), (x, t),
            epochs=1, batch_size=20, verbose=0)


@pytest.mark.parametrize("make", [
    lambda o: engine.optim.lr_scheduler.OneCycleLR(o, max_lr=0.3, total_steps=10),
    lambda o: engine.optim.lr_scheduler.ReduceLROnPlateau(o, patience=0, factor=0.5),
    lambda o: engine.optim.lr_scheduler.MultiStepLR(o, [1, 3]),
], ids=["OneCycleLR", "ReduceLROnPlateau", "MultiStepLR"])
def test_every_scheduler_resumes_exactly_from_a_checkpoint(tmp_path, make):
    x, y = blobs2(64, seed=2)

    def run(epochs, folder, resume=False, checkpoint=True):
        model = mlp(out=2, seed=4)
        opt = engine.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        callbacks = [LearningRateScheduler(make(opt), monitor="loss")]
        if checkpoint:
            callbacks.insert(0, ModelCheckpoint(folder / "c.npz", monitor="loss"))
        fit(model, F.cross_entropy, opt, (x, y), epochs=epochs, batch_size=16, verbose=0,
            seed=1, callbacks=callbacks, resume_from=(folder / "c.npz") if resume else None)
        return model.state_dict()
    full = run(4, tmp_path, checkpoint=False)
    run(2, tmp_path)
    resumed = run(4, tmp_path, resume=True)
    for k in full:
        np.testing.assert_array_equal(full[k], resumed[k])
