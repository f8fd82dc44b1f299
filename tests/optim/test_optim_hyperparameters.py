"""Optimizers and schedulers refuse bad hyper-parameters when they are built (not at the first
step), with a ValueError/TypeError that names the setting; duplicate parameters are refused.

Each table lists, per class, the settings and the bad values tried; the counts are in the
report of the work (the tables are the single source)."""
import math

import numpy as np
import pytest

from engine import optim
from engine.nn import Linear, Parameter
from engine.optim import lr_scheduler

NAN, INF = math.nan, math.inf
# Values that are never a number: refused as TypeError.
NOT_NUMBERS = [True, False, "0.1", None, 1j, [0.1]]
# Numbers that are never a finite setting: refused as ValueError.
NOT_FINITE = [NAN, INF, -INF]


def param():
    return Parameter(np.array([1.0, -2.0, 0.5]))


def bad_values(kind):
    """(value, exception) pairs for a setting of ``kind``."""
    cases = [(v, TypeError) for v in NOT_NUMBERS] + [(v, ValueError) for v in NOT_FINITE]
    cases += {"nonneg": [(-1e-3, ValueError), (-1, ValueError)],
              "unit": [(-0.1, ValueError), (1.5, ValueError)],
              "bool": []}[kind]
    if kind == "bool":          # a flag takes True/False only
        cases = [(v, TypeError) for v in (0, 1, "yes", None, 1.0, NAN)]
    return cases


OPTIMIZER_SETTINGS = {
    optim.SGD: {"lr": "nonneg", "momentum": "nonneg", "dampening": "unit", "weight_decay": "nonneg",
                "nesterov": "bool"},
    optim.Adagrad: {"lr": "nonneg", "lr_decay": "nonneg", "weight_decay": "nonneg",
                    "initial_accumulator_value": "nonneg", "eps": "nonneg"},
    optim.RMSprop: {"lr": "nonneg", "alpha": "unit", "eps": "nonneg", "weight_decay": "nonneg",
                    "momentum": "nonneg", "centered": "bool"},
    optim.Adadelta: {"lr": "nonneg", "rho": "unit", "eps": "nonneg", "weight_decay": "nonneg"},
    optim.Adam: {"lr": "nonneg", "eps": "nonneg", "weight_decay": "nonneg", "amsgrad": "bool"},
    optim.AdamW: {"lr": "nonneg", "eps": "nonneg", "weight_decay": "nonneg", "amsgrad": "bool"},
}
OPTIMIZER_CASES = [(cls, name, value, exc)
                   for cls, settings in OPTIMIZER_SETTINGS.items()
                   for name, kind in settings.items()
                   for value, exc in bad_values(kind)]
BAD_BETAS = [((NAN, 0.999), ValueError), ((0.9, INF), ValueError), ((1.0, 0.999), ValueError),
             ((0.9, -0.1), ValueError), ((0.9,), ValueError), ((0.9, 0.99, 0.9), ValueError),
             (0.9, ValueError), ("ab", ValueError), (None, ValueError),
             ((True, 0.9), TypeError), (("0.9", 0.99), TypeError)]
BETA_CASES = [(cls, "betas", value, exc) for cls in (optim.Adam, optim.AdamW)
              for value, exc in BAD_BETAS]


@pytest.mark.parametrize("cls, name, value, exc", OPTIMIZER_CASES + BETA_CASES,
                         ids=lambda v: repr(v)[:20])
def test_optimizer_refuses_bad_setting_at_construction(cls, name, value, exc):
    with pytest.raises(exc, match=name):
        cls([param()], **{name: value})


@pytest.mark.parametrize("cls, name, value, exc", OPTIMIZER_CASES + BETA_CASES,
                         ids=lambda v: repr(v)[:20])
def test_add_param_group_refuses_bad_setting(cls, name, value, exc):
    opt = cls([param()])
    with pytest.raises(exc, match=name):
        opt.add_param_group({"params": [param()], name: value})
    assert len(opt.param_groups) == 1           # nothing half-added


@pytest.mark.parametrize("value, exc", [(NAN, ValueError), (INF, ValueError), (-0.1, ValueError),
                                        ("0.1", TypeError), (None, TypeError), (True, TypeError)])
@pytest.mark.parametrize("cls", list(OPTIMIZER_SETTINGS))
def test_a_rate_set_later_is_refused_at_step_before_any_weight_moves(cls, value, exc):
    p = param()
    opt = cls([p], lr=0.1)
    before = p.numpy().copy()
    p.grad = np.ones(3)
    opt.param_groups[0]["lr"] = value
    with pytest.raises(exc, match="lr"):
        opt.step()
    np.testing.assert_array_equal(p.numpy(), before)


def test_step_checks_a_group_again_only_when_a_setting_changed(monkeypatch):
    """Unchanged settings are not checked on every step (the same objects as last time); a
    value set between steps, a new group dict or a key added (a scheduler's initial_lr)
    is, so a bad rate set after many steps is still refused before any weight moves."""
    from engine.optim import hyper
    checked = []
    real = hyper.check_group
    monkeypatch.setattr(hyper, "check_group",
                        lambda group, where="": (checked.append(where), real(group, where))[1])
    p = param()
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    p.grad = np.ones(3)
    checked.clear()
    for _ in range(3):
        opt.step()
    assert checked == ["parameter group 0"]                 # the first step only
    opt.param_groups[0]["lr"] = 0.05
    opt.step()
    opt.param_groups[0] = dict(opt.param_groups[0])         # same values, a new dict
    opt.step()
    opt.param_groups[0]["initial_lr"] = 0.05
    opt.step()
    assert len(checked) == 4
    before = p.numpy().copy()
    opt.param_groups[0]["lr"] = -1.0
    with pytest.raises(ValueError, match="lr"):
        opt.step()
    with pytest.raises(ValueError, match="lr"):             # and again: it was not remembered
        opt.step()
    np.testing.assert_array_equal(p.numpy(), before)


def test_valid_settings_of_every_kind_are_accepted_and_converted():
    opt = optim.SGD([param()], lr=np.float32(0.5), momentum=1, nesterov=np.bool_(True))
    group = opt.param_groups[0]
    assert group["lr"] == 0.5 and type(group["lr"]) is float
    assert group["nesterov"] is True
    adam = optim.Adam([param()], betas=[0.5, np.float64(0.9)], lr=0)
    assert adam.param_groups[0]["betas"] == (0.5, 0.9)


def test_nesterov_needs_momentum_and_no_dampening():
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD([param()], nesterov=True)
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD([param()], momentum=0.9, dampening=0.5, nesterov=True)


# ---------------------------------------------------------------------- the parameters
def test_the_same_parameter_twice_in_a_list_is_refused():
    p = param()
    with pytest.raises(ValueError, match="more than once"):
        optim.SGD([p, p], lr=0.1)


def test_the_same_parameter_in_two_groups_is_refused():
    p = param()
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.Adam([{"params": [p]}, {"params": [p], "lr": 0.1}])
    opt = optim.Adam([p])
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [p]})


def test_tied_weights_are_listed_once_so_the_optimizer_takes_the_model():
    model_a, model_b = Linear(3, 3), Linear(3, 3)
    model_b.weight = model_a.weight
    from engine.nn import Sequential
    model = Sequential(model_a, model_b)
    assert len(list(model.parameters())) == 3
    opt = optim.SGD(model.parameters(), lr=0.1)
    assert sum(len(g["params"]) for g in opt.param_groups) == 3


@pytest.mark.parametrize("params, exc", [
    ([], ValueError), (iter([]), ValueError), ([{"params": []}], ValueError),
    (param(), TypeError), ({param()}, TypeError), ("weights", TypeError), (None, TypeError),
    (3, TypeError), ([np.ones(3)], TypeError), ([1.0], TypeError), ([param(), "x"], TypeError),
    ([{"lr": 0.1}], TypeError), ([{"params": [param()]}, param()], TypeError),
    ({"params": [param()]}, TypeError),
])
def test_bad_parameter_lists_are_refused(params, exc):
    with pytest.raises(exc):
        optim.SGD(params, lr=0.1)


def test_a_tensor_computed_from_others_is_refused():
    p = param()
    with pytest.raises(ValueError, match="leaf"):
        optim.SGD([p * 2], lr=0.1)


# ---------------------------------------------------------------------- schedulers
def opt():
    return optim.SGD([param()], lr=0.1, momentum=0.9)


SCHEDULER_CASES = [
    # (factory taking an optimizer, exception, the name in the message)
    *[(lambda o, v=v: lr_scheduler.StepLR(o, step_size=v), ValueError, "step_size")
      for v in (0, -1, 2.5, True, "3", None)],
    *[(lambda o, v=v: lr_scheduler.StepLR(o, 3, gamma=v), e, "gamma")
      for v, e in bad_values("nonneg")],
    *[(lambda o, v=v: lr_scheduler.ExponentialLR(o, gamma=v), e, "gamma")
      for v, e in bad_values("nonneg")],
    *[(lambda o, v=v: lr_scheduler.CosineAnnealingLR(o, T_max=v), ValueError, "T_max")
      for v in (0, -5, 2.7, True, None, "10")],
    *[(lambda o, v=v: lr_scheduler.CosineAnnealingLR(o, 10, eta_min=v), e, "eta_min")
      for v, e in bad_values("nonneg")],
    *[(lambda o, v=v: lr_scheduler.MultiStepLR(o, milestones=v), e, "milestone")
      for v, e in (([5, 2], ValueError), ([-1, 3], ValueError), ([2.5], ValueError),
                   ([True], ValueError), (["3"], ValueError), (3, TypeError), ("35", TypeError),
                   (None, TypeError))],
    *[(lambda o, v=v: lr_scheduler.MultiStepLR(o, [2], gamma=v), e, "gamma")
      for v, e in bad_values("nonneg")],
    *[(lambda o, v=v: lr_scheduler.LambdaLR(o, v), e, "lr_lambda")
      for v, e in ((0.5, TypeError), (None, TypeError), ("f", TypeError), ([1, 2], TypeError),
                   ([abs, abs], ValueError))],
    *[(lambda o, v=v: lr_scheduler.StepLR(o, 3, last_epoch=v), ValueError, "last_epoch")
      for v in (-2, 1.5, True, "0", None)],
    # OneCycleLR
    *[(lambda o, v=v: lr_scheduler.OneCycleLR(o, max_lr=v, total_steps=10), e, "max_lr")
      for v, e in bad_values("nonneg") + [(0.0, ValueError)] if not isinstance(v, list)],
    *[(lambda o, v=v: lr_scheduler.OneCycleLR(o, 1.0, total_steps=v), ValueError, "total_steps")
      for v in (0, -3, 2.5, True, "10")],
    *[(lambda o, v=v: lr_scheduler.OneCycleLR(o, 1.0, epochs=v, steps_per_epoch=3), ValueError,
       "epochs") for v in (0, 1.5, False)],
    *[(lambda o, v=v: lr_scheduler.OneCycleLR(o, 1.0, 10, pct_start=v), e, "pct_start")
      for v, e in bad_values("unit")],
    *[(lambda o, v=v: lr_scheduler.OneCycleLR(o, 1.0, 10, div_factor=v), e, "div_factor")
      for v, e in bad_values("nonneg") + [(0, ValueError)]],
    *[(lambda o, v=v: lr_scheduler.OneCycleLR(o, 1.0, 10, final_div_factor=v), e,
       "final_div_factor") for v, e in bad_values("nonneg") + [(0, ValueError)]],
    *[(lambda o, v=v: lr_scheduler.OneCycleLR(o, 1.0, 10, base_momentum=v), e, "base_momentum")
      for v, e in bad_values("nonneg")],
    *[(lambda o, v=v: lr_scheduler.OneCycleLR(o, 1.0, 10, max_momentum=v), e, "max_momentum")
      for v, e in bad_values("nonneg")],
    *[(lambda o, v=v: lr_scheduler.OneCycleLR(o, 1.0, 10, anneal_strategy=v), ValueError,
       "anneal_strategy") for v in ("cosine", None, 1, "")],
    *[(lambda o, v=v: lr_scheduler.OneCycleLR(o, 1.0, 10, three_phase=v), TypeError,
       "three_phase") for v in (1, "yes", None)],
    (lambda o: lr_scheduler.OneCycleLR(o, 1.0), ValueError, "total_steps"),
    (lambda o: lr_scheduler.OneCycleLR(o, [1.0, 2.0], 10), ValueError, "max_lr"),
    # ReduceLROnPlateau
    *[(lambda o, v=v: lr_scheduler.ReduceLROnPlateau(o, factor=v), e, "factor")
      for v, e in bad_values("unit") + [(1.0, ValueError)]],
    *[(lambda o, v=v: lr_scheduler.ReduceLROnPlateau(o, patience=v), ValueError, "patience")
      for v in (-1, 2.5, True, None)],
    *[(lambda o, v=v: lr_scheduler.ReduceLROnPlateau(o, cooldown=v), ValueError, "cooldown")
      for v in (-1, 0.5, "2")],
    *[(lambda o, v=v: lr_scheduler.ReduceLROnPlateau(o, threshold=v), e, "threshold")
      for v, e in bad_values("nonneg")],
    *[(lambda o, v=v: lr_scheduler.ReduceLROnPlateau(o, min_lr=v), e, "min_lr")
      for v, e in bad_values("nonneg") + [([0.1, 0.2], ValueError)] if v != [0.1]],
    *[(lambda o, v=v: lr_scheduler.ReduceLROnPlateau(o, eps=v), e, "eps")
      for v, e in bad_values("nonneg")],
    *[(lambda o, v=v: lr_scheduler.ReduceLROnPlateau(o, mode=v), ValueError, "mode")
      for v in ("minimum", None, 0)],
    *[(lambda o, v=v: lr_scheduler.ReduceLROnPlateau(o, threshold_mode=v), ValueError,
       "threshold_mode") for v in ("relative", None)],
]


@pytest.mark.parametrize("make, exc, name", SCHEDULER_CASES)
def test_scheduler_refuses_bad_setting_at_construction(make, exc, name):
    o = opt()
    with pytest.raises(exc, match=name):
        make(o)
    assert o.param_groups[0]["lr"] == 0.1           # the optimizer is left as it was


def test_one_cycle_with_adam_refuses_a_momentum_that_makes_beta1_one():
    adam = optim.Adam([param()])
    with pytest.raises(ValueError, match="betas"):
        lr_scheduler.OneCycleLR(adam, 1.0, 10, max_momentum=1.0)


@pytest.mark.parametrize("value", [NAN, INF, -1.0])
def test_a_lambda_giving_a_bad_factor_is_refused_naming_the_step(value):
    o = opt()
    sched = lr_scheduler.LambdaLR(o, lambda t: 1.0 if t < 2 else value)
    sched.step()
    with pytest.raises(ValueError, match="LambdaLR.*step 2"):
        sched.step()


@pytest.mark.parametrize("pct_start, total", [(0.1, 10), (0.0, 5), (1.0, 4), (0.5, 2), (0.3, 1)])
@pytest.mark.parametrize("three_phase", [False, True])
def test_one_cycle_with_an_empty_phase_runs_to_the_end(pct_start, total, three_phase):
    # pct_start·total_steps < 2 leaves a phase with no step: it used to divide 0 by 0.
    o = opt()
    sched = lr_scheduler.OneCycleLR(o, 1.0, total, pct_start=pct_start, three_phase=three_phase)
    for _ in range(total - 1):
        sched.step()
        assert all(math.isfinite(lr) and lr >= 0 for lr in sched.get_last_lr())


@pytest.mark.parametrize("metric, exc", [("low", TypeError), (None, TypeError),
                                         (np.ones(3), ValueError)])
def test_plateau_step_refuses_a_metric_that_is_not_a_number(metric, exc):
    sched = lr_scheduler.ReduceLROnPlateau(opt())
    with pytest.raises(exc):
        sched.step(metric)


def test_multistep_keeps_pytorchs_repeated_milestones():
    o = opt()
    sched = lr_scheduler.MultiStepLR(o, [2, 2], gamma=0.5)
    sched.step()
    sched.step()
    assert o.param_groups[0]["lr"] == pytest.approx(0.1 * 0.25)


def count_bad_inputs():
    """How many bad settings this file tries (for the report)."""
    per_class = {}
    for cls, name, _, _ in OPTIMIZER_CASES + BETA_CASES:
        per_class[cls.__name__] = per_class.get(cls.__name__, 0) + 1
    return per_class, len(SCHEDULER_CASES)
