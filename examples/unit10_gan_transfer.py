"""Unit 10 — Let's test it out: a GAN on handwritten digits, then transfer learning.

Slides (seed 002, "Generative adversarial networks"): Goodfellow et al. (2014), Algorithm 1 —
for each iteration, k steps that update the discriminator by ascending
∇_θd (1/m) Σ [log D(x_i) + log(1 − D(G(z_i)))], then one step that updates the generator by
descending ∇_θg (1/m) Σ log(1 − D(G(z_i))), with minibatch SGD and momentum; at the
equilibrium D(x) = ½.  Slides (seeds 001 and 004, "Transfer learning"): train on task A, keep
(freeze) the first layers, replace the head and fine-tune on task B; the four cases, a small or
large target set × a target similar to or different from the source.

Measures printed: for the GAN, the share of generated digits that a separately trained
classifier labels with confidence > 0.9, and the entropy of the histogram of its predicted
classes (log2 10 = 3.32 bits when every class is generated equally often; mode collapse shows as
a low entropy); the final mean D(x) and D(G(z)).  For transfer: test accuracy of the frozen and
fine-tuned network vs the same network trained from scratch, per case.  Source task: MNIST
digits 0–4; similar target: digits 5–9; different target: Fashion-MNIST when its files are
found locally (``$ENGINE_DATA/fashion-mnist`` or ``shared/data/fashion-mnist``), else the bundled
8×8 digits (scanned by another device, upsampled to 28×28): the output says which ran.
"""
# %%
import os
import time
from pathlib import Path

import numpy as np

import engine
import engine.nn.functional as F
from engine import nn, viz
from engine.data import load_digits, load_fashion_mnist
from engine.models import GANTrainer
from engine.units import course_mnist, figure, finish, parse_args, save_figure

UNIT = {"number": 10, "title": "GANs (Algorithm 1) and transfer learning",
        "slides": "GANs, transfer learning (seeds 002, 001)",
        "minutes": 0.5}


# %% ---------------------------------------------------------------- a small CNN
def cnn(n_classes, in_shape):
    """features (two conv blocks with batch norm) → Linear → ReLU → head."""
    _, h, w = in_shape
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * (h // 4) * (w // 4), 64), nn.ReLU(),
        nn.Linear(64, n_classes))


FEATURES = slice(0, 9)   # the two conv blocks and the Flatten: the layers transfer keeps


def train_classifier(model, x, y, epochs, seed, lr=0.05, batch_size=64):
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = engine.optim.SGD(params, lr=lr, momentum=0.9)
    engine.train.fit(model, F.cross_entropy, optimizer, (x, y), epochs=epochs,
                     batch_size=batch_size, verbose=0, seed=seed)
    model.eval()
    return model


def accuracy(model, x, y):
    probs = predict_proba(model, x)
    return float((probs.argmax(1) == y).mean())


def predict_proba(model, x, batch_size=512):
    model.eval()
    out = []
    with engine.no_grad():
        for i in range(0, len(x), batch_size):
            out.append(F.softmax(model(engine.tensor(x[i:i + batch_size])), axis=1).numpy())
    return np.concatenate(out)


# %% ---------------------------------------------------------------- the GAN
def gan_models(noise_dim, shape):
    d = int(np.prod(shape))
    generator = nn.Sequential(nn.Linear(noise_dim, 256), nn.ReLU(),
                              nn.Linear(256, d), nn.Sigmoid(), nn.Reshape(*shape))
    # dropout in the discriminator, as in the paper's experiments; a logit out: D(x) = σ(logit)
    discriminator = nn.Sequential(nn.Flatten(), nn.Linear(d, 256), nn.LeakyReLU(0.2),
                                  nn.Dropout(0.3), nn.Linear(256, 1))
    return generator, discriminator


def class_entropy(predicted, n_classes=10):
    """Entropy (bits) of the histogram of predicted classes."""
    p = np.bincount(predicted, minlength=n_classes) / len(predicted)
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def generator_gradient_norms(trainer, m=256):
    """‖∇θg‖ of the saturating and the non-saturating generator loss on the same z (no step):
    with D(G(z)) small, log(1 − D(G(z))) is flat and its gradient small (the paper's remark)."""
    from engine.models.gan import log_d, log_one_minus_d
    z = trainer.sample_noise(m)
    norms = {}
    for name, loss_of in (("saturating", lambda a: log_one_minus_d(a).mean()),
                          ("non-saturating", lambda a: -log_d(a).mean())):
        trainer.G.zero_grad()
        loss_of(trainer.D(trainer.G(z)).reshape(m)).backward()
        norms[name] = float(np.sqrt(sum((p.grad.numpy() ** 2).sum()
                                        for p in trainer.G.parameters())))
    trainer.G.zero_grad()
    trainer.D.zero_grad()
    return norms


def run_gan(args, x_train, y_train, x_test, y_test, results):
    shape = x_train.shape[1:]
    iterations = 100 if args.quick else 3000
    noise_dim, m, k = 64, 64, 1
    G, D = gan_models(noise_dim, shape)
    trainer = GANTrainer(G, D,
                         d_optimizer=engine.optim.SGD(D.parameters(), lr=0.05, momentum=0.5),
                         g_optimizer=engine.optim.SGD(G.parameters(), lr=0.05, momentum=0.5),
                         k=k, noise_dim=noise_dim, generator_loss="non-saturating")
    print(f"\nGAN: Algorithm 1, k = {k}, m = {m}, SGD with momentum 0.5; the generator descends "
          f"the non-saturating −log D(G(z)) (the paper's advice; 'saturating' is Algorithm 1's "
          f"log(1 − D(G(z))))")
    grid_rng = np.random.default_rng(args.seed)
    z_fixed = trainer.sample_noise(10, grid_rng)
    snapshots = []

    def snapshot(iteration, tr):
        G.eval()
        with engine.no_grad():
            snapshots.append((iteration, G(z_fixed).numpy()))
        G.train()
    every = max(1, iterations // 5)
    history = trainer.train(x_train, iterations, batch_size=m, callback=snapshot, every=every)
    tail = max(1, iterations // 10)
    results["gan_d_x"] = float(np.mean(history["d_x"][-tail:]))
    results["gan_d_g_z"] = float(np.mean(history["d_g_z"][-tail:]))
    print(f"   mean over the last {tail} iterations: D(x) = {results['gan_d_x']:.3f}, "
          f"D(G(z)) = {results['gan_d_g_z']:.3f} (equilibrium: both ½)")

    norms = generator_gradient_norms(trainer)
    results["generator_gradient_norms"] = norms
    print(f"   ‖∇θg‖ now: saturating log(1 − D(G(z))) {norms['saturating']:.4f}, "
          f"non-saturating −log D(G(z)) {norms['non-saturating']:.4f}")

    # The separately trained judge: a CNN on all ten digits.
    judge = train_classifier(cnn(10, shape), x_train, y_train, 1, args.seed)
    results["judge_test_accuracy"] = accuracy(judge, x_test, y_test)
    generated = trainer.generate(200 if args.quick else 1000, np.random.default_rng(args.seed + 1))
    probs = predict_proba(judge, generated)
    results["gan_confident_share"] = float((probs.max(1) > 0.9).mean())
    results["gan_class_entropy_bits"] = class_entropy(probs.argmax(1))
    counts = np.bincount(probs.argmax(1), minlength=10)
    print(f"   judge (a CNN, test accuracy {results['judge_test_accuracy']:.3f}) on {len(generated)} "
          f"generated digits: {results['gan_confident_share']:.1%} labelled with confidence > 0.9;")
    print(f"   predicted classes {counts.tolist()}, entropy "
          f"{results['gan_class_entropy_bits']:.2f} bits (max log2 10 = 3.32)")

    rows = np.concatenate([images for _, images in snapshots])
    viz.plot_image_grid(rows, args.out / "gan_samples_over_training.png", ncols=10,
                        title="G(z) for 10 fixed z, rows: iterations "
                              + ", ".join(str(i) for i, _ in snapshots))
    fig, (ax1, ax2) = figure((10, 4), 1, 2)
    smooth = max(1, iterations // 50)
    kernel = np.ones(smooth) / smooth
    ax1.plot(np.convolve(history["d_x"], kernel, "valid"), label="D(x)")
    ax1.plot(np.convolve(history["d_g_z"], kernel, "valid"), label="D(G(z))")
    ax1.axhline(0.5, color="k", ls=":", label="½")
    ax1.set_xlabel("iteration"), ax1.legend(), ax1.set_title("the discriminator's outputs")
    ax2.plot(np.convolve(history["d_loss"], kernel, "valid"), label="D: −V")
    ax2.plot(np.convolve(history["g_loss"], kernel, "valid"), label="G: −log D(G(z))")
    ax2.set_xlabel("iteration"), ax2.legend(), ax2.set_title("losses")
    save_figure(fig, args.out, "gan_curves")
    viz.plot_image_grid(generated[:40], args.out / "gan_samples.png", ncols=10,
                        titles=[f"{c} ({p:.2f})" for c, p in zip(probs[:40].argmax(1),
                                                                  probs[:40].max(1))],
                        title="generated digits: the judge's label (confidence)")


# %% ---------------------------------------------------------------- transfer learning
def different_domain(seed, quick):
    """Fashion-MNIST when its files are here, else the bundled 8×8 digits upsampled to 28×28."""
    folders = []
    if os.environ.get("ENGINE_DATA"):
        folders.append(Path(os.environ["ENGINE_DATA"]) / "fashion-mnist")
    here = Path(__file__).resolve().parent
    folders += [p / "shared" / "data" / "fashion-mnist" for p in (here.parent, here.parent.parent)]
    folders += [Path.cwd() / ".." / "shared" / "data" / "fashion-mnist"]
    for folder in folders:
        if folder.is_dir():
            try:
                (xtr, ytr), (xte, yte) = load_fashion_mnist(path=folder, download=False)
                return (xtr, ytr), (xte, yte), "Fashion-MNIST"
            except (FileNotFoundError, ValueError):
                pass
    x, y = load_digits()
    x = (x / np.float32(16.0)).reshape(-1, 1, 8, 8).astype(np.float32)
    with engine.no_grad():     # 8×8 → 28×28, bilinear (nn.Upsample's function)
        x = F.interpolate(engine.tensor(x), size=(28, 28), mode="bilinear").numpy()
    order = np.random.default_rng(seed).permutation(len(x))
    te, tr = order[:500], order[500:]
    return (x[tr], y[tr]), (x[te], y[te]), "bundled 8x8 digits, upsampled to 28x28"


def transfer_case(source, x_small_or_large, y_target, x_test, y_test, n_classes, epochs, seed):
    """Frozen features + new head, fine-tuned, vs the same network from scratch."""
    engine.manual_seed(seed)
    model = cnn(5, x_small_or_large.shape[1:])
    model.load_state_dict(source.state_dict())
    nn.freeze(model[FEATURES])                 # the first layers keep task A's weights and stats
    model[-1] = nn.Linear(64, n_classes)       # a new head for task B
    train_classifier(model, x_small_or_large, y_target, epochs, seed)
    fine_tuned = accuracy(model, x_test, y_test)
    engine.manual_seed(seed)
    scratch = train_classifier(cnn(n_classes, x_small_or_large.shape[1:]), x_small_or_large,
                               y_target, epochs, seed)
    return fine_tuned, accuracy(scratch, x_test, y_test)


def run_transfer(args, x_train, y_train, x_test, y_test, results):
    shape = x_train.shape[1:]
    print("\ntransfer learning: source task A = digits 0–4")
    src = y_train < 5
    source = train_classifier(cnn(5, shape), x_train[src], y_train[src],
                              1 if args.quick else 2, args.seed)
    te_src = y_test < 5
    results["source_accuracy"] = accuracy(source, x_test[te_src], y_test[te_src])
    print(f"   source network: test accuracy on digits 0–4 = {results['source_accuracy']:.3f}")

    rng = np.random.default_rng(args.seed)
    tgt = np.flatnonzero(y_train >= 5)
    te_tgt = y_test >= 5
    (dx_tr, dy_tr), (dx_te, dy_te), domain = different_domain(args.seed, args.quick)
    if shape != dx_tr.shape[1:]:      # the 8×8 fallback of course_mnist: match its size
        with engine.no_grad():
            dx_tr = F.interpolate(engine.tensor(dx_tr), size=shape[1:], mode="bilinear").numpy()
            dx_te = F.interpolate(engine.tensor(dx_te), size=shape[1:], mode="bilinear").numpy()
    small, large = (50, 200) if args.quick else (100, 3000)
    cases = [("similar (digits 5–9)", "small", x_train, y_train - 5, tgt, small, 5,
              x_test[te_tgt], y_test[te_tgt] - 5),
             ("similar (digits 5–9)", "large", x_train, y_train - 5, tgt, large, 5,
              x_test[te_tgt], y_test[te_tgt] - 5),
             (f"different ({domain})", "small", dx_tr, dy_tr, np.arange(len(dx_tr)), small, 10,
              dx_te, dy_te),
             (f"different ({domain})", "large", dx_tr, dy_tr, np.arange(len(dx_tr)), large, 10,
              dx_te, dy_te)]
    print(f"   different-domain target: {domain}")
    print(f"   {'target':<50} {'set':>12}  {'frozen + fine-tuned':>19}  {'from scratch':>12}")
    results["transfer"] = []
    for what, size, xs, ys, pool, n, n_classes, xt, yt in cases:
        pick = rng.choice(pool, size=min(n, len(pool)), replace=False)
        # the same epochs for both networks: 30 passes over a small set, 3 over a large one
        epochs = 30 if size == "small" else 3
        if args.quick:
            epochs = min(epochs, 2)
            xt, yt = xt[:200], yt[:200]
        tuned, scratch = transfer_case(source, xs[pick], ys[pick], xt, yt, n_classes,
                                       epochs, args.seed)
        results["transfer"].append({"target": what, "size": size, "n": len(pick),
                                    "fine_tuned": tuned, "scratch": scratch})
        print(f"   {what:<50} {size + ' (' + str(len(pick)) + ')':>12}  {tuned:>19.3f}  "
              f"{scratch:>12.3f}")
    results["different_domain"] = domain


# %%
def main(argv=None):
    args = parse_args(UNIT, argv, __doc__)
    started = time.perf_counter()
    (x_all, y_all), (x_test, y_test), name = course_mnist(args.quick, args.seed,
                                                          n_test=300 if args.quick else 5000)
    pick = np.random.default_rng(args.seed).permutation(len(x_all))[:1000 if args.quick else 20000]
    x_train, y_train = x_all[pick], y_all[pick]
    print(f"data: {name}, {len(x_train)} training and {len(x_test)} test images")
    results = {}
    run_gan(args, x_train, y_train, x_test, y_test, results)
    run_transfer(args, x_train, y_train, x_test, y_test, results)
    return finish(results, args.out, started)


if __name__ == "__main__":
    main()
