"""Unit 8 — Let's test it out: autoencoders and what their codes are good for.

Slides (seed 002, "Autoencoders"): the undercomplete autoencoder (encoder h = f(x), decoder
r = g(h), h smaller than x, trained to make r ≈ x); the denoising autoencoder (input x + n,
target x); and the applications: anomaly detection by reconstruction error, retrieval by
distance in the latent space, clustering (k-means) in the latent space rather than on the
pixels, and inpainting of occluded images.

Measures printed: the test reconstruction MSE; the denoising MSE (vs the noisy input's); the
anomaly-detection AUC (one digit class held out of training, a threshold chosen on validation
data); retrieval precision@10 (latent vs pixel space); the adjusted Rand index of k-means (latent
vs pixel space; needs scikit-learn: ``pip install ".[examples]"``); the inpainting MSE on the
hidden pixels (an autoencoder trained with input = original + occlusion, target = original).
"""
# %%
import time

import numpy as np

import engine
import engine.nn.functional as F
from engine import viz
from engine.models import Autoencoder, ConvAutoencoder, DenoisingAutoencoder
from engine.models import latent
from engine.units import course_mnist, figure, finish, parse_args, save_figure

UNIT = {"number": 8, "title": "Autoencoders: denoising, anomalies, retrieval, inpainting",
        "slides": "Autoencoders (seed 002)",
        "minutes": 0.5}

ANOMALY_DIGIT = 0      # held out of the anomaly detector's training set


# %%
def train_autoencoder(model, inputs, targets, epochs, batch_size=128, lr=2e-3, seed=0):
    """Minimise the MSE (1/N) Σ (target − r)² with Adam; ``inputs`` may be a DataLoader of
    (noisy, clean) pairs, then ``targets`` is None."""
    optimizer = engine.optim.Adam(model.parameters(), lr=lr)
    data = inputs if targets is None else (inputs, targets)
    history = engine.train.fit(model, F.mse_loss, optimizer, data, epochs=epochs,
                               batch_size=batch_size, verbose=0, seed=seed, metrics=())
    model.eval()
    return history


def mse(a, b):
    return float(((a - b) ** 2).mean())


# %%
def main(argv=None):
    args = parse_args(UNIT, argv, __doc__)
    started = time.perf_counter()
    n_train = 1000 if args.quick else 10000
    (x_all, y_all), (x_test, y_test), name = course_mnist(args.quick, args.seed,
                                                          n_test=300 if args.quick else 5000)
    rng = np.random.default_rng(args.seed)
    pick = rng.permutation(len(x_all))[:n_train]
    x_train, y_train = x_all[pick], y_all[pick]
    shape = x_train.shape[1:]
    epochs = 1 if args.quick else 5
    print(f"data: {name}, {len(x_train)} training and {len(x_test)} test images of shape {shape}")
    results = {}

    # %% 1. The undercomplete autoencoder: 784 → 128 → h (32) → 128 → 784.
    latent_dim = 32
    ae = Autoencoder(shape, latent_dim, hidden=(128,))
    print(f"\n1. undercomplete autoencoder (latent {latent_dim} < input {ae.input_dim}: "
          f"undercomplete={ae.undercomplete})")
    print(ae)
    train_autoencoder(ae, x_train, x_train, epochs, seed=args.seed)
    r_test = latent.reconstruct(ae, x_test)
    results["test_mse"] = mse(r_test, x_test)
    print(f"   test reconstruction MSE (1/N) Σ (x − r)² = {results['test_mse']:.4f}")
    viz.plot_image_grid(np.concatenate([x_test[:10], r_test[:10]]),
                        args.out / "reconstructions.png", ncols=10,
                        title="test images (top) and their reconstructions r = g(f(x))")

    # %% 2. The denoising autoencoder: input x + n, target the clean x.
    sigma = 0.5
    dae = DenoisingAutoencoder(ConvAutoencoder(shape, latent_dim, channels=(8, 16)), noise_std=sigma)
    print(f"\n2. denoising autoencoder (convolutional), noise n ~ N(0, {sigma}²) on the input only")
    train_autoencoder(dae, dae.loader(x_train, 128, seed=args.seed), None, epochs, seed=args.seed)
    noisy = dae.corrupt(x_test, np.random.default_rng(args.seed + 1))
    denoised = latent.reconstruct(dae, noisy)
    results["noisy_mse"] = mse(noisy, x_test)
    results["denoised_mse"] = mse(denoised, x_test)
    results["plain_ae_on_noisy_mse"] = mse(latent.reconstruct(ae, noisy), x_test)
    print(f"   MSE to the clean test images: noisy input {results['noisy_mse']:.4f}, "
          f"plain AE on it {results['plain_ae_on_noisy_mse']:.4f}, "
          f"denoising AE {results['denoised_mse']:.4f}")
    viz.plot_image_grid(np.concatenate([x_test[:10], noisy[:10], denoised[:10]]),
                        args.out / "denoising.png", ncols=10,
                        title="clean x, noisy x + n, denoised")

    # %% 3. Anomaly detection: train on every digit but one; the held-out digit is the anomaly.
    print(f"\n3. anomaly detection: an autoencoder trained without the digit {ANOMALY_DIGIT}")
    normal = y_train != ANOMALY_DIGIT
    cut = int(0.8 * len(x_train))            # the last 20 % of the training pick: validation
    x_fit = x_train[:cut][normal[:cut]]
    x_val, y_val = x_train[cut:], (y_train[cut:] == ANOMALY_DIGIT).astype(int)
    detector = Autoencoder(shape, 8, hidden=(128,))   # a narrow code: it rebuilds only what it saw
    train_autoencoder(detector, x_fit, x_fit, epochs, seed=args.seed)
    threshold = latent.choose_threshold(latent.reconstruction_errors(detector, x_val), y_val)
    scores = latent.reconstruction_errors(detector, x_test)
    is_anomaly = (y_test == ANOMALY_DIGIT).astype(int)
    report = latent.anomaly_report(scores, is_anomaly, threshold)
    results["anomaly_auc"] = report["auc"]
    print(f"   threshold on e(x) chosen on validation (max TPR − FPR): {threshold:.4f}")
    print(f"   test: AUC = {report['auc']:.3f}, precision {report['precision']:.3f}, "
          f"recall {report['recall']:.3f}, F1 {report['f1']:.3f} "
          f"({is_anomaly.sum()} anomalies among {len(is_anomaly)})")
    fig, (ax1, ax2) = figure((10, 4), 1, 2)
    bins = np.linspace(0, np.quantile(scores, 0.995), 50)
    ax1.hist(scores[is_anomaly == 0], bins, alpha=0.6, density=True, label="normal digits")
    ax1.hist(scores[is_anomaly == 1], bins, alpha=0.6, density=True,
             label=f"anomaly (digit {ANOMALY_DIGIT})")
    ax1.axvline(threshold, color="k", ls="--", label="threshold (validation)")
    ax1.set_xlabel("reconstruction error e(x)"), ax1.legend(), ax1.set_title("anomaly scores")
    fpr, tpr, _ = engine.metrics.roc_curve(is_anomaly, scores)
    ax2.plot(fpr, tpr, label=f"AUC = {report['auc']:.3f}"), ax2.plot([0, 1], [0, 1], "k:")
    ax2.set_xlabel("FPR"), ax2.set_ylabel("TPR"), ax2.legend(), ax2.set_title("ROC")
    save_figure(fig, args.out, "anomaly")

    # %% 4. Retrieval: the 10 nearest neighbours of a query, in h-space vs pixel space.
    print("\n4. retrieval by distance: test images as queries, training images as the database")
    h_train, h_test = latent.encode(ae, x_train), latent.encode(ae, x_test)
    n_q = min(1000, len(x_test))
    results["precision_at_10_latent"] = latent.precision_at_k(h_test[:n_q], y_test[:n_q],
                                                              h_train, y_train, k=10)
    results["precision_at_10_pixels"] = latent.precision_at_k(x_test[:n_q], y_test[:n_q],
                                                              x_train, y_train, k=10)
    print(f"   precision@10: latent space (h, {latent_dim} numbers) "
          f"{results['precision_at_10_latent']:.3f}, pixel space ({ae.input_dim} numbers) "
          f"{results['precision_at_10_pixels']:.3f}")
    idx = latent.nearest_neighbours(h_test[:5], h_train, k=9)
    rows = np.concatenate([np.concatenate([x_test[i:i + 1], x_train[idx[i]]]) for i in range(5)])
    viz.plot_image_grid(rows, args.out / "retrieval.png", ncols=10,
                        title="query (first column) and its 9 nearest neighbours in h-space")

    # %% 5. k-means in the latent space vs on the pixels (scikit-learn).
    print("\n5. k-means with 10 clusters, scored by the adjusted Rand index against the labels")
    n_c = min(2000, len(x_test))
    try:
        results["ari_latent"] = latent.kmeans_ari(h_test[:n_c], y_test[:n_c], 10, args.seed)
        results["ari_pixels"] = latent.kmeans_ari(x_test[:n_c], y_test[:n_c], 10, args.seed)
        print(f"   ARI: latent space {results['ari_latent']:.3f}, "
              f"pixel space {results['ari_pixels']:.3f}")
    except ImportError as exc:
        print(f"   skipped: {exc}")

    # %% 6. Inpainting: input = original + occlusion, target = original (a kind of denoising).
    size = max(2, shape[-1] * 10 // 28)
    print(f"\n6. inpainting: an autoencoder trained on {size}×{size} occlusions (input) and the "
          f"originals (target)")
    painter = DenoisingAutoencoder(ConvAutoencoder(shape, latent_dim, channels=(8, 16)),
                                   corruption=latent.occluder(size))
    train_autoencoder(painter, painter.loader(x_train, 128, seed=args.seed), None, epochs,
                      seed=args.seed)
    x_in = x_test[:100 if args.quick else 1000]
    occluded, mask = latent.occlude(x_in, size, np.random.default_rng(args.seed + 2))
    filled = latent.inpaint(painter, occluded, mask, steps=3)   # known pixels kept as they are
    hidden = mask == 0
    results["inpaint_mse_occluded"] = float(((occluded - x_in)[hidden] ** 2).mean())
    results["inpaint_mse_filled"] = float(((filled - x_in)[hidden] ** 2).mean())
    print(f"   MSE on the hidden pixels: left black {results['inpaint_mse_occluded']:.4f}, "
          f"inpainted {results['inpaint_mse_filled']:.4f}")
    viz.plot_image_grid(np.concatenate([x_in[:10], occluded[:10], filled[:10]]),
                        args.out / "inpainting.png", ncols=10,
                        title="original, occluded, inpainted")

    return finish(results, args.out, started)


if __name__ == "__main__":
    main()
