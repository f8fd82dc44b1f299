"""Unit 6 — Let's test it out: supervised learning, regression.

Slides: "Supervised learning: regression" (a single neuron learning °C → °F with the MSE cost;
multi-variable and polynomial regression; under- and over-fitting).

1. The single neuron ŷ = w·x + b (linear activation) learns Fahrenheit from Celsius on the
   slide's four pairs (0, 8, 15, 22 °C → 32, 46.4, 59, 71.6 °F) by gradient descent on
   J(w, b) = (1/m) Σ (y_i − ŷ_i)²:  w := w − α ∂J/∂w,  b := b − α ∂J/∂b. The answer is
   F = 1.8·C + 32, so w → 1.8 and b → 32.
2. Multi-variable regression on ``diabetes`` (10 features → disease progression), features
   standardised on the training split only; test MSE and R² against the mean-predictor baseline.
3. Polynomial regression ŷ = b + Σ_k w_k x^k on a few noisy points: degree 1 under-fits (high
   error everywhere), degree 3 fits, degree 12 over-fits (near-zero training error, large test error).
"""
# %%
import numpy as np

import engine
import engine.nn.functional as F
from engine.data import StandardScaler, load_diabetes, make_celsius, train_val_test_split
from engine.models import LinearRegression, PolynomialRegression, polynomial_features
from engine.units import figure, parse_args, save_figure

UNIT = {"number": 6, "title": "Supervised learning: regression",
        "slides": "Supervised learning: regression",
        "minutes": 0.5}


def gradient_descent(model, x, y, steps, optimizer, record_every=1):
    """Full-batch gradient descent on the MSE cost; returns J after each recorded step."""
    x, y = engine.tensor(x), engine.tensor(y)
    costs = []
    for step in range(steps):
        J = F.mse_loss(model(x), y)                 # J(w, b) = (1/m) Σ (y_i − ŷ_i)²
        optimizer.zero_grad()
        J.backward()                                # ∂J/∂w, ∂J/∂b
        optimizer.step()                            # w := w − α ∂J/∂w
        if step % record_every == 0:
            costs.append(float(J.item()))
    return costs


def r2_score(y, y_hat):
    """R² = 1 − Σ (y − ŷ)² / Σ (y − ȳ)²: 1 perfect, 0 no better than predicting the mean."""
    return 1.0 - float(((y - y_hat) ** 2).sum() / ((y - y.mean()) ** 2).sum())


# %%
def celsius_to_fahrenheit(args):
    c, f = make_celsius()                            # the slide's four pairs, shapes (4, 1)
    neuron = LinearRegression(1)
    engine.nn.init.zeros_(neuron.linear.weight)     # start from w = 0, b = 0
    engine.nn.init.zeros_(neuron.linear.bias)
    alpha = 0.004                                    # < 2 / (largest curvature of J) ≈ 0.005
    steps = 6000
    optimizer = engine.optim.SGD(neuron.parameters(), lr=alpha)
    costs = gradient_descent(neuron, c, f, steps, optimizer)
    w, b = float(neuron.w.ravel()[0]), float(neuron.b.ravel()[0])
    print(f"single neuron, {steps} steps of gradient descent with α = {alpha}:")
    print(f"  learned w = {w:.4f} (→ 1.8), b = {b:.4f} (→ 32); J = {costs[-1]:.2e}")
    for ci, fi in zip(c.ravel(), f.ravel()):
        print(f"  {ci:5.1f} °C → ŷ = {w * ci + b:6.2f} °F (true {fi:.1f})")
    print(f"  100 °C → {w * 100 + b:.2f} °F (true 212)")
    fig, (ax1, ax2) = figure((10, 4), 1, 2)
    ax1.semilogy(np.arange(1, steps + 1), costs)
    ax1.set_xlabel("step t"), ax1.set_ylabel("J(w, b)  (MSE)"), ax1.set_title("cost during gradient descent")
    grid = np.linspace(-5, 30, 50)
    ax2.plot(grid, w * grid + b, "-", label=f"ŷ = {w:.3f}·x + {b:.2f}")
    ax2.plot(c, f, "o", label="the slide's pairs")
    ax2.set_xlabel("x (°C)"), ax2.set_ylabel("y (°F)"), ax2.legend(), ax2.set_title("°C → °F")
    save_figure(fig, args.out, "unit06_celsius.png")
    return {"w": w, "b": b, "cost": costs[-1]}


# %%
def diabetes_regression(args):
    bunch = load_diabetes(return_names=True)
    X, y = bunch.X, bunch.y[:, None]
    (x_tr, y_tr), (x_val, y_val), (x_te, y_te) = train_val_test_split(X, y, random_state=args.seed)
    x_tr = np.concatenate([x_tr, x_val]); y_tr = np.concatenate([y_tr, y_val])   # no tuning here
    scaler = StandardScaler().fit(x_tr)                                        # fitted on train only
    x_tr, x_te = scaler.transform(x_tr), scaler.transform(x_te)
    y_mean, y_std = y_tr.mean(), y_tr.std()
    model = LinearRegression(X.shape[1])
    optimizer = engine.optim.SGD(model.parameters(), lr=0.1)
    gradient_descent(model, x_tr, (y_tr - y_mean) / y_std, 200 if args.quick else 1000, optimizer)
    with engine.no_grad():
        pred = model(engine.tensor(x_te)).numpy() * y_std + y_mean
    mse = float(((pred - y_te) ** 2).mean())
    baseline = float(((y_mean - y_te) ** 2).mean())
    r2 = r2_score(y_te, pred)
    w = model.w.ravel() * y_std
    print(f"\ndiabetes ({len(X)} patients, {X.shape[1]} features): test MSE {mse:.0f} "
          f"(predicting the mean: {baseline:.0f}), R² = {r2:.3f}")
    order = np.argsort(-np.abs(w))
    print("  largest weights (per standard deviation of the feature): " +
          ", ".join(f"{bunch.feature_names[i]} {w[i]:+.1f}" for i in order[:4]))
    fig, ax = figure((5, 5))
    ax.scatter(y_te, pred, s=12)
    lims = [min(y_te.min(), pred.min()), max(y_te.max(), pred.max())]
    ax.plot(lims, lims, "k--", lw=1)
    ax.set_xlabel("true progression"), ax.set_ylabel("predicted"), ax.set_title(f"diabetes, test R² = {r2:.2f}")
    save_figure(fig, args.out, "unit06_diabetes.png")
    return {"diabetes_test_mse": mse, "diabetes_baseline_mse": baseline, "diabetes_r2": r2}


# %%
def polynomial_fits(args):
    rng = np.random.default_rng(args.seed)
    truth = lambda x: np.sin(np.pi * x)                              # noqa: E731
    x_train = np.sort(rng.uniform(-1, 1, 12))
    y_train = truth(x_train) + rng.normal(0, 0.15, x_train.shape)
    x_test = rng.uniform(-1, 1, 200)
    y_test = truth(x_test) + rng.normal(0, 0.15, x_test.shape)
    steps = 1500 if args.quick else 20000
    fig, ax = figure((7, 4.5))
    grid = np.linspace(-1, 1, 200)
    ax.plot(x_train, y_train, "ko", label="training points")
    ax.plot(grid, truth(grid), "k:", label="sin(πx) (the truth)")
    out = {}
    for degree, label in ((1, "under-fits"), (3, "fits"), (12, "over-fits")):
        model = PolynomialRegression(degree)
        optimizer = engine.optim.Adam(model.parameters(), lr=0.02)
        gradient_descent(model, polynomial_features(x_train, degree), y_train[:, None].astype(np.float32),
                         steps, optimizer, record_every=100)
        with engine.no_grad():
            f = lambda x: model(engine.tensor(polynomial_features(x, degree))).numpy().ravel()  # noqa: E731
            train_mse = float(((f(x_train) - y_train) ** 2).mean())
            test_mse = float(((f(x_test) - y_test) ** 2).mean())
            ax.plot(grid, f(grid), label=f"degree {degree} ({label}): train {train_mse:.3f}, test {test_mse:.3f}")
        print(f"polynomial degree {degree:2d} ({label}): train MSE {train_mse:.4f}, test MSE {test_mse:.4f}")
        out[f"poly{degree}_train_mse"], out[f"poly{degree}_test_mse"] = train_mse, test_mse
    ax.set_ylim(-2, 2), ax.legend(fontsize=7), ax.set_xlabel("x"), ax.set_ylabel("y")
    ax.set_title("under- and over-fitting (MSE on train / test)")
    save_figure(fig, args.out, "unit06_polynomial.png")
    return out


# %%
def main(argv=None):
    args = parse_args(UNIT, argv, __doc__)
    results = celsius_to_fahrenheit(args)
    results.update(diabetes_regression(args))
    results.update(polynomial_fits(args))
    return results


if __name__ == "__main__":
    main()
