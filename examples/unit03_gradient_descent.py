"""Unit 3 — Let's test it out: gradient descent and the impact of the learning rate.

Slides: "Gradient descent" / "Learning rate impact" (w := w − α ∂J/∂w; too high a rate
overshoots or diverges, too low a rate is slow; local minima of a non-convex cost).

Each step computes the slope ∂J/∂w with the engine's autograd (``J.backward()``) and moves
against it:

    w^(t+1) = w^(t) − α ∂J/∂w^(t)

on the convex cost J(w) = (w − 3)² (minimum at w* = 3, curvature J'' = 2) with four rates:
α = 0.02 crawls, α = 0.3 converges, α = 0.95 overshoots (each step jumps past w* and back:
the sign of w − 3 alternates, the error shrinks only by |1 − 2α| = 0.9 per step), α = 1.05
diverges (|1 − 2α| > 1: every step lands further away). Then on the non-convex
J(w) = w⁴ − 3w² + w, started at w = 2, it is trapped in the local minimum near w ≈ 1.13, while
the global minimum is near w ≈ −1.30; started at w = −2 it finds the global one.
"""
# %%
import numpy as np

import engine
from engine.units import figure, parse_args, save_figure

UNIT = {"number": 3, "title": "Gradient descent: the learning rate",
        "slides": "Gradient descent; learning rate impact", "minutes": 0.1}


def convex(w):
    return (w - 3.0) ** 2


def non_convex(w):
    return w ** 4 - 3.0 * w ** 2 + w


# %%
def gradient_descent(cost, w0, alpha, steps):
    """The w^(t) of ``steps`` steps of w := w − α ∂J/∂w from w0 (∂J/∂w by autograd)."""
    path = [float(w0)]
    w_value = float(w0)
    for _ in range(steps):
        w = engine.tensor([w_value], dtype=engine.float64, requires_grad=True)
        J = cost(w).sum()
        J.backward()                                   # ∂J/∂w at w^(t)
        w_value = w_value - alpha * float(w.grad.numpy()[0])
        path.append(w_value)
        if not np.isfinite(w_value) or abs(w_value) > 1e6:
            break
    return np.array(path)


# %%
def main(argv=None):
    args = parse_args(UNIT, argv, __doc__)
    steps = 15 if args.quick else 40
    rates = {"too low (α = 0.02)": 0.02, "good (α = 0.3)": 0.3,
             "too high: overshoots (α = 0.95)": 0.95, "too high: diverges (α = 1.05)": 1.05}
    results = {}
    fig, (ax_curve, ax_t) = figure((12, 4.5), 1, 2)
    grid = np.linspace(-3, 9, 300)
    ax_curve.plot(grid, convex(grid), "k-", lw=1)
    print(f"J(w) = (w − 3)², w0 = 0, {steps} steps:")
    for (label, alpha), colour in zip(rates.items(), ("tab:blue", "tab:green", "tab:orange", "tab:red")):
        path = gradient_descent(convex, 0.0, alpha, steps)
        results[alpha] = {"final_w": float(path[-1]), "final_J": float(convex(path[-1])),
                          "path": path.tolist()}
        print(f"  {label:34s} w after {len(path) - 1} steps = {path[-1]:10.4f}, J = {convex(path[-1]):10.4g}")
        shown = path[np.abs(path) < 9.5]
        ax_curve.plot(shown, convex(shown), "o-", ms=3, lw=0.8, color=colour, label=label)
        ax_t.plot(np.arange(len(path)), path, "o-", ms=2, color=colour, label=label)
    ax_curve.set_xlim(-3, 9), ax_curve.set_ylim(-1, 40)
    ax_curve.set_xlabel("w"), ax_curve.set_ylabel("J(w)"), ax_curve.legend(fontsize=7)
    ax_curve.set_title("J(w) = (w − 3)²: the steps on the cost")
    ax_t.axhline(3, color="k", lw=0.5), ax_t.set_ylim(-6, 12)
    ax_t.set_xlabel("step t"), ax_t.set_ylabel("$w^{(t)}$"), ax_t.set_title("w per step")
    save_figure(fig, args.out, "unit03_learning_rates.png")

    # %% [markdown]
    # A non-convex cost: where gradient descent ends depends on where it starts.
    fig, ax = figure((7, 4.5))
    grid = np.linspace(-2.2, 2.2, 300)
    ax.plot(grid, non_convex(grid), "k-", lw=1)
    print("J(w) = w⁴ − 3w² + w, α = 0.02:")
    for w0, colour in ((2.0, "tab:red"), (-2.0, "tab:green")):
        path = gradient_descent(non_convex, w0, 0.02, 4 * steps)
        kind = "local" if path[-1] > 0 else "global"
        print(f"  from w0 = {w0:+.1f}: w → {path[-1]:+.4f}, J = {non_convex(path[-1]):+.4f} ({kind} minimum)")
        results[f"non_convex_from_{w0:+.0f}"] = float(path[-1])
        ax.plot(path, non_convex(path), "o-", ms=3, lw=0.8, color=colour,
                label=f"from w0 = {w0:+.0f}: ends at {path[-1]:+.2f} ({kind} minimum)")
    ax.set_xlabel("w"), ax.set_ylabel("J(w)"), ax.legend(fontsize=8)
    ax.set_title("non-convex cost: trapped in a local minimum")
    save_figure(fig, args.out, "unit03_local_minimum.png")
    return results


if __name__ == "__main__":
    main()
