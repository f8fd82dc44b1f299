"""Unit 4 — Let's test it out: the general steps of learning, and a hidden layer solving XOR.

Slides: "General steps of learning" (initialise → load the data → forward propagation →
cost → backpropagation and update → repeat) and "Multi-layer perceptron" (forward propagation
a^(k) = b^(k) + W^(k) h^(k−1), h^(k) = g(a^(k)); the XOR problem solved by a hidden layer).

The loop below is written out step by step, with nothing hidden in a ``fit`` call. A network with
no hidden layer (a single neuron, like unit 2's perceptron) cannot separate XOR; with one hidden
layer of 4 tanh units it does: the hidden layer maps the four points to a space where one line
separates them.
"""
# %%
import numpy as np

import engine
import engine.nn.functional as F
from engine.data import make_xor
from engine.models import MLP
from engine.units import figure, parse_args, save_figure

UNIT = {"number": 4, "title": "General steps of learning; a hidden layer solves XOR",
        "slides": "General steps of learning; MLP", "minutes": 0.1}


# %%
def train(sizes, x, y, iterations, alpha, seed, log_every):
    """The general steps of learning, one per line."""
    engine.manual_seed(seed)
    model = MLP(sizes, activation="tanh")                       # 1. initialise the weights (random)
    optimizer = engine.optim.SGD(model.parameters(), lr=alpha, momentum=0.9)
    inputs, targets = engine.tensor(x), y.astype(np.float32)    # 2. load the data
    costs = []
    for t in range(iterations):                                 # 6. repeat
        scores = model(inputs)                                  # 3. forward propagation
        J = F.binary_cross_entropy_with_logits(scores, targets)  # 4. the cost J on the set
        optimizer.zero_grad()
        J.backward()                                            # 5a. backpropagation: ∂J/∂w
        optimizer.step()                                        # 5b. update: w := w − α ∂J/∂w (+ momentum)
        costs.append(float(J.item()))
        if log_every and (t + 1) % log_every == 0:
            print(f"    iteration {t + 1:5d}: J = {costs[-1]:.4f}")
    return model, costs


def predict_labels(model, x):
    with engine.no_grad():
        return (model(engine.tensor(np.asarray(x, dtype=np.float32))).numpy().ravel() > 0).astype(int)


def plot_boundary(ax, model, x, y, title):
    xx, yy = np.meshgrid(np.linspace(-0.5, 1.5, 150), np.linspace(-0.5, 1.5, 150))
    zz = predict_labels(model, np.c_[xx.ravel(), yy.ravel()]).reshape(xx.shape)
    ax.contourf(xx, yy, zz, levels=[-0.5, 0.5, 1.5], colors=["#9ecae1", "#fdae6b"], alpha=0.5)
    ax.scatter(x[:, 0], x[:, 1], c=y.ravel(), cmap="coolwarm", edgecolors="k", s=80, zorder=3)
    ax.set_xlabel("$x_1$"), ax.set_ylabel("$x_2$"), ax.set_title(title, fontsize=9)


# %%
def main(argv=None):
    args = parse_args(UNIT, argv, __doc__)
    x, y = make_xor()                                  # (0,0)→0, (0,1)→1, (1,0)→1, (1,1)→0
    x, y = x.astype(np.float32), y.reshape(-1, 1).astype(np.float32)
    iterations = 500 if args.quick else 2000
    results = {}
    fig, axes = figure((13, 4), 1, 3)
    for ax, sizes in zip(axes[:2], ((2, 1), (2, 4, 1))):
        name = "no hidden layer" if len(sizes) == 2 else f"hidden layer of {sizes[1]}"
        print(f"{name} {sizes}:")
        model, costs = train(sizes, x, y, iterations, alpha=0.1, seed=args.seed,
                             log_every=iterations // 4)
        pred = predict_labels(model, x)
        correct = int((pred == y.ravel()).sum())
        print(f"  outputs on (0,0),(0,1),(1,0),(1,1): {pred.tolist()} (desired {y.ravel().astype(int).tolist()});"
              f" {correct}/4 correct, final J = {costs[-1]:.4f}")
        key = "hidden" if len(sizes) > 2 else "linear"
        results[key] = {"correct": correct, "final_cost": costs[-1]}
        plot_boundary(ax, model, x, y, f"{name}: {correct}/4 correct")
        axes[2].semilogy(costs, label=name)
    axes[2].set_xlabel("iteration"), axes[2].set_ylabel("J (cross-entropy)"), axes[2].legend()
    axes[2].set_title("the cost during learning")
    save_figure(fig, args.out, "unit04_xor.png")
    return results


if __name__ == "__main__":
    main()
