"""Learning-rate schedules (PyTorch's formulas).  Call ``scheduler.step()`` once per epoch,
after ``optimizer.step()``; it writes the new rate into every ``group["lr"]``.

With t = ``last_epoch`` (the number of step() calls) and lr₀ each group's initial rate:

* ``StepLR(step_size, gamma)``:          lr = lr₀ · gamma^⌊t / step_size⌋
* ``ExponentialLR(gamma)``:              lr = lr₀ · gamma^t
* ``CosineAnnealingLR(T_max, eta_min)``: lr = eta_min + (lr₀ − eta_min)·(1 + cos(π·t/T_max))/2
* ``MultiStepLR(milestones, gamma)``:    lr = lr₀ · gamma^(number of milestones ≤ t)
* ``LambdaLR(lr_lambda)``:               lr = lr₀ · lr_lambda(t)   (one function, or one per group)
* ``OneCycleLR(max_lr, total_steps)``:   warm up from max_lr/div_factor to max_lr over the first
  pct_start of the steps, then anneal (cosine or linear) to max_lr/div_factor/final_div_factor;
  momentum (or Adam's β₁) moves the opposite way.  Call its ``step()`` after every batch.
* ``ReduceLROnPlateau``:                 lr ← max(lr·factor, min_lr) when the monitored metric
  has not improved for more than ``patience`` calls of ``step(metric)``.
"""
import bisect
import math

from ..validate import (boolean, finite_real, is_int, non_negative_int, non_negative_real,
                        one_of, positive_int, positive_real, probability, real_number)
from . import hyper
from .optimizer import Optimizer


def _last_epoch(value):
    """-1 (a new schedule) or the number of steps already taken (resuming)."""
    if not is_int(value) or value < -1:
        raise ValueError(f"last_epoch must be an int >= -1, got {value!r}")
    return int(value)


def _milestones(value):
    """Non-negative ints in increasing order (MultiStepLR's epochs).  A repeated milestone
    applies gamma twice there, as in PyTorch; a milestone before the one listed ahead of it is
    a mistake (a list out of order) and refused."""
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise TypeError(f"milestones must be a list of increasing ints, got "
                        f"{type(value).__name__} {value!r}")
    items = list(value)
    for m in items:
        non_negative_int(m, "each milestone")
    if any(b < a for a, b in zip(items, items[1:])):
        raise ValueError(f"milestones must be in increasing order, got {items!r}")
    return [int(m) for m in items]


class LRScheduler:
    """Base: subclasses give ``lr_at(base_lr, t)`` (closed form)."""

    def __init__(self, optimizer, last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        last_epoch = _last_epoch(last_epoch)
        for group in optimizer.param_groups:
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError("resuming a schedule (last_epoch != -1) needs 'initial_lr' in "
                               "every parameter group")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self.step()

    def lr_at(self, base_lr, t):
        raise NotImplementedError

    def group_lr(self, i, base_lr, t):
        """The rate of parameter group i at step t (most schedules: the same closed form)."""
        return self.lr_at(base_lr, t)

    def step(self):
        self.last_epoch += 1
        for i, (group, base) in enumerate(zip(self.optimizer.param_groups, self.base_lrs)):
            # A schedule (a user's lr_lambda above all) must not hand the optimizer a NaN,
            # infinite or negative rate: refused here, naming the schedule and the step.
            try:
                lr = self.group_lr(i, base, self.last_epoch)
            except OverflowError:       # gamma ** t beyond a float: Python raises, not inf
                lr = math.inf
            group["lr"] = non_negative_real(
                lr,
                f"the learning rate {type(self).__name__} computed for parameter group {i} "
                f"at step {self.last_epoch}")
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self):
        """The learning rates set by the last step(), one per parameter group."""
        return list(self._last_lr)

    def state_dict(self):
        """Numbers only (everything but the optimizer), so it fits in an .npz checkpoint."""
        return {k: (list(v) if isinstance(v, (list, tuple)) else v)
                for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict):
        self.__dict__.update({k: v for k, v in state_dict.items() if k != "optimizer"})


class StepLR(LRScheduler):
    """lr = lr₀ · gamma^⌊t / step_size⌋: divide by 1/gamma every ``step_size`` epochs."""

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size = positive_int(step_size, "step_size")
        self.gamma = non_negative_real(gamma, "gamma")
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, t):
        return base_lr * self.gamma ** (t // self.step_size)


class ExponentialLR(LRScheduler):
    """lr = lr₀ · gamma^t."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = non_negative_real(gamma, "gamma")
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, t):
        return base_lr * self.gamma ** t


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (lr₀ − eta_min)·(1 + cos(π·t / T_max)) / 2 (half a cosine over T_max
    epochs; beyond T_max it rises again, as PyTorch's closed form does)."""

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):  # noqa: N803 (PyTorch's name)
        self.T_max = positive_int(T_max, "T_max")
        self.eta_min = non_negative_real(eta_min, "eta_min")
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, t):
        # t / T_max first: int / int is exact for any T_max, a float times 10**400 overflows
        phase = math.pi * (t / self.T_max)
        return self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(phase)) / 2


class MultiStepLR(LRScheduler):
    """lr = lr₀ · gamma^(number of milestones ≤ t): divide by 1/gamma at each milestone epoch."""

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        self.milestones = _milestones(milestones)
        self.gamma = non_negative_real(gamma, "gamma")
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, t):
        return base_lr * self.gamma ** bisect.bisect_right(self.milestones, t)


class LambdaLR(LRScheduler):
    """lr = lr₀ · lr_lambda(t), t the number of step() calls: any schedule as a function
    (``lr_lambda`` may be a list, one function per parameter group)."""

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        n = len(optimizer.param_groups) if isinstance(optimizer, Optimizer) else 1
        lambdas = list(lr_lambda) if isinstance(lr_lambda, (list, tuple)) else [lr_lambda] * n
        if not all(callable(f) for f in lambdas):
            raise TypeError(f"lr_lambda must be a function or a list of {n} functions (one per "
                            f"parameter group), got {lr_lambda!r}")
        if len(lambdas) != n:
            raise ValueError(f"lr_lambda must be a function or a list of {n} functions (one per "
                             f"parameter group), got {lr_lambda!r}")
        self.lr_lambdas = lambdas
        super().__init__(optimizer, last_epoch)

    def group_lr(self, i, base_lr, t):
        return base_lr * self.lr_lambdas[i](t)

    def state_dict(self):
        """As the base class's, without the functions (they are code: rebuild them)."""
        return {k: v for k, v in super().state_dict().items() if k != "lr_lambdas"}


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith & Topin), stepped after every batch, t = 0 … total_steps − 1:

        lr₀ = max_lr / div_factor,   lr_min = lr₀ / final_div_factor
        phase 1 (t ≤ pct_start·T − 1):   lr₀ → max_lr,      momentum max_momentum → base_momentum
        phase 2 (to T − 1):              max_lr → lr_min,   momentum base_momentum → max_momentum
        (three_phase: max_lr → lr₀ over a second pct_start·T steps, then lr₀ → lr_min)
    each phase annealed from a to b by "cos": b + (a − b)·(1 + cos(π·p))/2 or "linear":
    a + (b − a)·p, p = the fraction of the phase done.  Momentum is the group's ``momentum``
    (SGD, RMSprop) or the first of its ``betas`` (Adam).  T = total_steps, or epochs ×
    steps_per_epoch.
    """

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None,
                 pct_start=0.3, anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85,
                 max_momentum=0.95, div_factor=25.0, final_div_factor=1e4, three_phase=False,
                 last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        if total_steps is None:
            if epochs is None or steps_per_epoch is None:
                raise ValueError("OneCycleLR needs total_steps, or epochs and steps_per_epoch")
            total_steps = positive_int(epochs, "epochs") * positive_int(steps_per_epoch,
                                                                        "steps_per_epoch")
        self.total_steps = positive_int(total_steps, "total_steps")
        if self.total_steps > 2 ** 53:      # beyond it, step counts are no longer exact floats
            raise ValueError(f"total_steps must be at most 2**53, got {total_steps!r}")
        pct_start = probability(pct_start, "pct_start")
        self.anneal_strategy = one_of(anneal_strategy, "anneal_strategy", ("cos", "linear"))
        three_phase = boolean(three_phase, "three_phase")
        div_factor = positive_real(div_factor, "div_factor")
        final_div_factor = positive_real(final_div_factor, "final_div_factor")
        base_momentum = non_negative_real(base_momentum, "base_momentum")
        max_momentum = non_negative_real(max_momentum, "max_momentum")
        last_epoch = _last_epoch(last_epoch)
        groups = optimizer.param_groups
        max_lrs = list(max_lr) if isinstance(max_lr, (list, tuple)) else [max_lr] * len(groups)
        if len(max_lrs) != len(groups):
            raise ValueError(f"max_lr has {len(max_lrs)} values for {len(groups)} groups")
        max_lrs = [positive_real(top, "max_lr") for top in max_lrs]
        T, pct = self.total_steps, float(pct_start)
        # (last step of the phase, where lr starts, where it ends, momentum start, end)
        if three_phase:
            self.phases = [(pct * T - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                           (2 * pct * T - 2, "max_lr", "initial_lr", "base_momentum",
                            "max_momentum"),
                           (T - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
        else:
            self.phases = [(pct * T - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                           (T - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")]
        self.cycle_momentum = boolean(cycle_momentum, "cycle_momentum")
        if self.cycle_momentum and not all("momentum" in g or "betas" in g for g in groups):
            raise ValueError("cycle_momentum needs an optimizer with momentum or betas "
                             "(SGD, RMSprop, Adam...); pass cycle_momentum=False")
        for group, top in zip(groups, max_lrs):
            if last_epoch == -1:
                group["initial_lr"] = top / div_factor
                group["max_lr"] = top
                group["min_lr"] = group["initial_lr"] / final_div_factor
            if self.cycle_momentum:
                group["max_momentum"], group["base_momentum"] = max_momentum, base_momentum
                if last_epoch == -1:
                    self._set_momentum(group, max_momentum)
                    hyper.check_group(group, "OneCycleLR's momentum (Adam's betas[0] < 1)")
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _set_momentum(group, value):
        if "betas" in group:
            group["betas"] = (value,) + tuple(group["betas"][1:])
        else:
            group["momentum"] = value

    def _anneal(self, start, end, p):
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * p) + 1)
        return (end - start) * p + start

    def group_lr(self, i, base_lr, t):
        if t > self.total_steps:
            raise ValueError(f"OneCycleLR stepped {t} times, more than total_steps = "
                             f"{self.total_steps}")
        group = self.optimizer.param_groups[i]
        start = 0.0
        for k, (end, lr_a, lr_b, mom_a, mom_b) in enumerate(self.phases):
            if t <= end or k == len(self.phases) - 1:
                # A phase may be empty (pct_start·total_steps < 1): it is then done.
                p = (t - start) / (end - start) if end > start else 1.0
                if self.cycle_momentum:
                    self._set_momentum(group, self._anneal(group[mom_a], group[mom_b], p))
                return self._anneal(group[lr_a], group[lr_b], p)
            start = end


class ReduceLROnPlateau:
    """Multiply the rate by ``factor`` when ``step(metric)`` sees no improvement for more than
    ``patience`` calls.  ``mode="min"`` (a loss) or ``"max"`` (an accuracy); "better" means
    beyond ``threshold`` (relative: best·(1 ∓ threshold), or absolute: best ∓ threshold);
    after a reduction, ``cooldown`` calls pass before counting again; never below ``min_lr``;
    changes smaller than ``eps`` are skipped.
    """

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4,
                 threshold_mode="rel", cooldown=0, min_lr=0.0, eps=1e-8):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        factor = finite_real(factor, "factor", low=0.0, high=1.0, high_open=True)
        mode = one_of(mode, "mode", ("min", "max"))
        threshold_mode = one_of(threshold_mode, "threshold_mode", ("rel", "abs"))
        self.optimizer = optimizer
        n = len(optimizer.param_groups)
        min_lrs = list(min_lr) if isinstance(min_lr, (list, tuple)) else [min_lr] * n
        if len(min_lrs) != n:
            raise ValueError(f"min_lr has {len(min_lrs)} values for {n} parameter groups")
        self.min_lrs = [non_negative_real(m, "min_lr") for m in min_lrs]
        self.mode, self.factor = mode, factor
        self.patience = non_negative_int(patience, "patience")
        self.threshold = non_negative_real(threshold, "threshold")
        self.threshold_mode = threshold_mode
        self.cooldown = non_negative_int(cooldown, "cooldown")
        self.eps = non_negative_real(eps, "eps")
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def is_better(self, a, best):
        if self.mode == "min":
            bound = best * (1 - self.threshold) if self.threshold_mode == "rel" else best - self.threshold
            return a < bound
        bound = best * (1 + self.threshold) if self.threshold_mode == "rel" else best + self.threshold
        return a > bound

    def step(self, metrics):
        current = real_number(metrics.item() if hasattr(metrics, "item") else metrics, "metrics")
        self.last_epoch += 1
        if self.is_better(current, self.best):
            self.best, self.num_bad_epochs = current, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                new = max(group["lr"] * self.factor, min_lr)
                if group["lr"] - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self):
        return list(self._last_lr)

    def state_dict(self):
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict):
        self.__dict__.update({k: v for k, v in state_dict.items() if k != "optimizer"})
