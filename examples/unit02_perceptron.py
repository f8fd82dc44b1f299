"""Unit 2 — Let's test it out: the learning of an artificial neuron (the perceptron).

Slides: "Learning of an artificial neuron" / "Perceptron" (Rosenblatt's learning rule with a
Heaviside output; linearly separable problems; the XOR problem).

Training pairs (x_j, ŷ_j), ŷ_j the desired output; the neuron's output y_j(t) = H(w·x_j + b);
after each sample

    w_i(t+1) = w_i(t) + α (ŷ_j − y_j(t)) x_{j,i}

The rule learns AND and OR (an epoch ends without an error: the classes are separated by the
line w·x + b = 0) and never learns XOR: no straight line separates (0,1), (1,0) from (0,0), (1,1),
so every epoch makes at least one error however long it runs.
"""
# %%
import numpy as np

from engine.data import make_blobs
from engine.models import Perceptron
from engine.units import figure, parse_args, save_figure

UNIT = {"number": 2, "title": "Learning of an artificial neuron: the perceptron",
        "slides": "Learning of an artificial neuron", "minutes": 0.1}

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
GATES = {"AND": np.array([0, 0, 0, 1]), "OR": np.array([0, 1, 1, 1]), "XOR": np.array([0, 1, 1, 0])}


# %%
def plot_boundary(ax, perceptron, X, y, title):
    """The points coloured by their desired output, the region where H(w·x + b) = 1 shaded,
    and the line w·x + b = 0."""
    lo, hi = X.min(0) - 0.5, X.max(0) + 0.5
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
    zz = perceptron.predict(np.c_[xx.ravel(), yy.ravel()]).reshape(xx.shape)
    ax.contourf(xx, yy, zz, levels=[-0.5, 0.5, 1.5], colors=["#9ecae1", "#fdae6b"], alpha=0.5)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", edgecolors="k", s=60, zorder=3)
    w, b = perceptron.w, perceptron.b
    if abs(w[1]) > 1e-12:
        ax.plot(xx[0], -(w[0] * xx[0] + b) / w[1], "k-", lw=1)
    ax.set_xlim(lo[0], hi[0]), ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel("$x_1$"), ax.set_ylabel("$x_2$"), ax.set_title(title, fontsize=9)


# %%
def main(argv=None):
    args = parse_args(UNIT, argv, __doc__)
    epochs = 20 if args.quick else 100
    alpha = 0.5
    results = {}
    fig, axes = figure((12, 4), 1, 3)
    fig_e, ax_e = figure((6, 4))
    for ax, (gate, y) in zip(axes, GATES.items()):
        # %% [markdown]
        # w and b start at small random values (the slides: "initialize weights with a low enough
        # value"); one epoch is one pass over the four pairs, sample by sample.
        p = Perceptron(2, lr=alpha, init="random", random_state=args.seed)
        errors = p.fit(X, y, epochs=epochs)
        converged = errors[-1] == 0
        results[gate] = {"errors": errors, "converged": converged, "epochs": len(errors),
                         "w": p.w.tolist(), "b": float(p.b), "predictions": p.predict(X).tolist()}
        print(f"{gate:3s}: errors per epoch {errors[:12]}{' ...' if len(errors) > 12 else ''}")
        print(f"     {'converged after ' + str(len(errors)) + ' epochs' if converged else 'no epoch without an error in ' + str(len(errors)) + ' epochs'};"
              f" w = {np.round(p.w, 3)}, b = {p.b:.3f}; y = H(w·x + b) on (0,0),(0,1),(1,0),(1,1): "
              f"{p.predict(X).tolist()} (desired {y.tolist()})")
        plot_boundary(ax, p, X, y, f"{gate}: " + ("learned" if converged else
                                                   f"not separable ({errors[-1]} errors in epoch {len(errors)})"))
        ax_e.plot(range(1, len(errors) + 1), errors, "o-", ms=3, label=gate)
    ax_e.set_xlabel("epoch"), ax_e.set_ylabel("errors in the epoch"), ax_e.legend()
    ax_e.set_title(f"Perceptron rule, α = {alpha}")
    save_figure(fig, args.out, "unit02_decision_boundaries.png")
    save_figure(fig_e, args.out, "unit02_errors_per_epoch.png")

    # %% [markdown]
    # A larger linearly separable set: two Gaussian blobs. The rule still finds a separating line.
    xb, yb = make_blobs(n_samples=60 if args.quick else 200, centers=[(-2, -2), (2, 2)],
                        cluster_std=1.0, random_state=args.seed)
    p = Perceptron(2, lr=alpha, init="random", random_state=args.seed)
    errors = p.fit(xb, yb, epochs=epochs)
    fig_b, ax_b = figure((5, 5))
    plot_boundary(ax_b, p, xb, yb, f"two blobs: {len(errors)} epochs, last epoch {errors[-1]} errors")
    save_figure(fig_b, args.out, "unit02_blobs.png")
    print(f"two blobs ({len(xb)} points): errors per epoch {errors[:12]}; accuracy "
          f"{(p.predict(xb) == yb).mean():.3f}")
    results["blobs"] = {"errors": errors, "converged": errors[-1] == 0}
    return results


if __name__ == "__main__":
    main()
