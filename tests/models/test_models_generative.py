"""Autoencoders, the VAE, the GAN trainer (Algorithm 1) and the latent-space helpers."""
import builtins

import numpy as np
import pytest

import engine
from engine import nn
from engine.models import (VAE, Autoencoder, ConvAutoencoder, ConvVAE, DenoisingAutoencoder,
                           DenoisingDataset, GANTrainer)
from engine.models import latent
from engine.models.gan import log_d, log_one_minus_d
from engine.models.vae import kl_normal, reparameterize


def images(n=12, shape=(1, 8, 8), seed=0):
    return np.random.default_rng(seed).uniform(0, 1, (n, *shape)).astype(np.float32)


# ----------------------------------------------------------------------------- autoencoders
@pytest.mark.parametrize("model", [Autoencoder((1, 8, 8), 4, hidden=(16,)),
                                   Autoencoder(64, 100, hidden=()),
                                   ConvAutoencoder((1, 8, 8), 4, channels=(2, 3))])
def test_autoencoders_reconstruct_the_input_shape(model):
    x = engine.tensor(images().reshape((12,) + model.input_shape))
    h = model.encode(x)
    assert h.shape == (12, model.latent_dim)
    r = model(x)
    assert r.shape == x.shape and 0 <= r.numpy().min() and r.numpy().max() <= 1
    assert model.undercomplete == (model.latent_dim < 64)


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="latent_dim"):
        Autoencoder(64, 0)
    with pytest.raises(ValueError, match="divisible"):
        ConvAutoencoder((1, 10, 10), 4, channels=(2, 3))
    with pytest.raises(ValueError, match="beta"):
        VAE(64, 2, beta=-1.0)
    with pytest.raises(TypeError, match="encode"):
        DenoisingAutoencoder(nn.Linear(2, 2))


def test_denoising_pipeline_target_is_the_clean_input():
    x = images(20)
    data = DenoisingDataset(x, noise_std=0.3, seed=0)
    noisy, clean = data[np.arange(5)]
    assert np.array_equal(clean, x[:5])                      # the target is x itself
    assert not np.allclose(noisy, clean)                     # the input is not
    again, _ = data[np.arange(5)]
    assert not np.array_equal(again, noisy)                  # fresh noise each access
    # Through a shuffling DataLoader and engine.train.fit: every target row is a clean row of x.
    dae = DenoisingAutoencoder(Autoencoder((1, 8, 8), 4, hidden=(8,)), noise_std=0.3)
    clean_rows = {row.tobytes() for row in x}
    seen = []

    def loss(outputs, targets):
        targets = targets.numpy() if hasattr(targets, "numpy") else targets
        seen.append(targets)
        return engine.nn.functional.mse_loss(outputs, engine.tensor(targets))

    def checking_input(batch):  # the model sees the noisy input
        seen_inputs.append(batch.numpy().copy())
        return dae.autoencoder(batch)
    seen_inputs = []
    object.__setattr__(dae, "forward", checking_input)
    optimizer = engine.optim.SGD(dae.parameters(), lr=0.01)
    engine.train.fit(dae, loss, optimizer, dae.loader(x, batch_size=8, seed=1), epochs=2,
                     verbose=0, metrics=())
    assert sum(len(t) for t in seen) == 40
    for targets, inputs in zip(seen, seen_inputs):
        assert all(row.tobytes() in clean_rows for row in targets)
        assert not any(row.tobytes() in clean_rows for row in inputs)


# ----------------------------------------------------------------------------- VAE
def test_kl_matches_its_closed_form_and_a_monte_carlo_estimate():
    rng = np.random.default_rng(0)
    mu = rng.normal(size=(3, 4))
    logvar = rng.normal(scale=0.5, size=(3, 4))
    kl = float(kl_normal(engine.tensor(mu), engine.tensor(logvar)).numpy())
    var = np.exp(logvar)
    closed = np.mean(np.sum(0.5 * (mu ** 2 + var - 1 - logvar), axis=1))
    assert kl == pytest.approx(closed, rel=1e-12)
    # Monte Carlo: KL = E_q[log q(h) − log p(h)], h ~ q = N(μ, σ²), p = N(0, 1).
    n = 200_000
    h = mu + np.sqrt(var) * rng.standard_normal((n, *mu.shape))
    log_q = -0.5 * (np.log(2 * np.pi) + logvar + (h - mu) ** 2 / var)
    log_p = -0.5 * (np.log(2 * np.pi) + h ** 2)
    per_sample = (log_q - log_p).sum(axis=2).mean(axis=1)
    estimate, stderr = per_sample.mean(), per_sample.std() / np.sqrt(n)
    assert abs(estimate - kl) < 4 * stderr
    assert stderr < 0.01


def test_reparameterisation_gradient_by_gradcheck():
    rng = np.random.default_rng(1)
    mu = engine.tensor(rng.normal(size=(3, 2)), requires_grad=True)
    logvar = engine.tensor(rng.normal(size=(3, 2)), requires_grad=True)
    eps = rng.standard_normal((3, 2))
    assert engine.gradcheck(lambda m, v: reparameterize(m, v, eps), [mu, logvar])
    # and the analytic form: ∂h/∂μ = 1, ∂h/∂(log σ²) = ½·σ·ε
    h = reparameterize(mu, logvar, eps)
    h.sum().backward()
    np.testing.assert_allclose(mu.grad.numpy(), np.ones((3, 2)))
    np.testing.assert_allclose(logvar.grad.numpy(), 0.5 * np.exp(0.5 * logvar.numpy()) * eps)


def test_reparameterisation_draws_from_n_mu_sigma():
    engine.manual_seed(0)
    mu = engine.tensor(np.full((100_000, 1), 2.0))
    logvar = engine.tensor(np.full((100_000, 1), np.log(0.25)))
    h = reparameterize(mu, logvar).numpy()
    assert h.mean() == pytest.approx(2.0, abs=0.01) and h.std() == pytest.approx(0.5, abs=0.01)


@pytest.mark.parametrize("make", [lambda: VAE((1, 8, 8), 3, hidden=(16,)),
                                  lambda: ConvVAE((1, 8, 8), 3, channels=(2, 4))])
def test_vae_forward_loss_and_training_step(make):
    engine.manual_seed(0)
    vae = make()
    x = images()
    recon, mu, logvar = vae(engine.tensor(x))
    assert recon.shape == x.shape and mu.shape == logvar.shape == (12, 3)
    total, rec, kl = vae.loss(x)
    assert float(total.numpy()) == pytest.approx(float(rec.numpy()) + float(kl.numpy()), rel=1e-5)
    optimizer = engine.optim.Adam(vae.parameters(), lr=1e-2)
    before = -vae.elbo(x, samples=20)
    from engine.models.vae import train_vae
    train_vae(vae, x, optimizer, epochs=30, batch_size=12, seed=0, verbose=False)
    assert -vae.elbo(x, samples=20) < before                 # the ELBO went up
    assert vae.sample(5).shape == (5, 1, 8, 8)


def test_beta_weights_the_kl_term():
    engine.manual_seed(0)
    vae = VAE(64, 2, hidden=(8,))
    x = images(4, (64,))
    engine.manual_seed(1)
    t1, r1, k1 = vae.loss(x, beta=1.0)
    engine.manual_seed(1)
    t4, r4, k4 = vae.loss(x, beta=4.0)
    assert float(t4.numpy()) == pytest.approx(float(r1.numpy()) + 4 * float(k1.numpy()), rel=1e-5)


def test_interpolation_follows_the_slide_formula_and_attribute_vectors():
    vae = VAE(64, 3, hidden=(8,))
    object.__setattr__(vae, "_decode_numpy", lambda h: np.asarray(h))   # see the codes
    x1, x2 = images(2, (64,))
    h1, h2 = vae._codes(np.stack([x1, x2]))
    codes = vae.interpolate(x1, x2, steps=4)
    expected = np.stack([h1 + (h2 - h1) * i / 4 for i in range(5)])
    np.testing.assert_allclose(codes, expected, rtol=1e-6, atol=1e-7)
    with_attr, without = images(5, (64,), seed=1), images(5, (64,), seed=2)
    v = vae.attribute_vector(with_attr, without)
    np.testing.assert_allclose(v, vae._codes(with_attr).mean(0) - vae._codes(without).mean(0))
    edited = vae.apply_attribute(x1[None], v, alphas=(0.0, 2.0))
    np.testing.assert_allclose(edited[1] - edited[0], 2 * v[None], rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------- GAN
def _gan(k=1, generator_loss="saturating"):
    G = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 4), nn.Sigmoid())
    D = nn.Sequential(nn.Linear(4, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1))
    return GANTrainer(G, D, engine.optim.SGD(D.parameters(), lr=0.05, momentum=0.5),
                      engine.optim.SGD(G.parameters(), lr=0.05, momentum=0.5),
                      k=k, noise_dim=3, generator_loss=generator_loss)


@pytest.mark.parametrize("k", [1, 3])
def test_gan_takes_exactly_k_discriminator_steps_per_generator_step(k):
    engine.manual_seed(0)
    trainer = _gan(k)
    log = []
    params = {"D": list(trainer.D.parameters()), "G": list(trainer.G.parameters())}
    for who, opt in (("D", trainer.d_optimizer), ("G", trainer.g_optimizer)):
        step = opt.step

        def logged(step=step, who=who):
            other = "G" if who == "D" else "D"
            frozen = [p.numpy().copy() for p in params[other]]
            step()
            # a D step leaves G unchanged and a G step leaves D unchanged
            assert all(np.array_equal(a, p.numpy()) for a, p in zip(frozen, params[other]))
            log.append(who)
        opt.step = logged
    history = trainer.train(np.random.default_rng(0).uniform(size=(50, 4)), iterations=4,
                            batch_size=10)
    assert "".join(log) == ("D" * k + "G") * 4
    assert trainer.d_steps == 4 * k and trainer.g_steps == 4
    assert set(history) == {"d_loss", "g_loss", "d_x", "d_g_z"}
    assert all(len(v) == 4 for v in history.values())
    assert all(0 < v < 1 for v in history["d_x"] + history["d_g_z"])


def test_discriminator_step_ascends_v_and_generator_losses_are_the_papers():
    engine.manual_seed(0)
    trainer = _gan()
    x = engine.tensor(np.random.default_rng(0).uniform(size=(16, 4)).astype(np.float32))
    z = trainer.sample_noise(16)
    object.__setattr__(trainer, "sample_noise", lambda m, rng=None: z)   # the same z each time

    def value():
        with engine.no_grad():
            return float((log_d(trainer.D(x)) + log_one_minus_d(trainer.D(trainer.G(z)))).mean().numpy())
    before = value()
    v_step, _, _ = trainer.discriminator_step(x)
    assert v_step == pytest.approx(before, rel=1e-5)
    assert value() > before                                   # ascended V
    with engine.no_grad():
        d_gz = 1 / (1 + np.exp(-trainer.D(trainer.G(z)).numpy().ravel()))
    assert trainer.generator_step(16) == pytest.approx(np.mean(np.log(1 - d_gz)), rel=1e-4)
    trainer.generator_loss = "non-saturating"
    with engine.no_grad():
        d_gz = 1 / (1 + np.exp(-trainer.D(trainer.G(z)).numpy().ravel()))
    assert trainer.generator_step(16) == pytest.approx(-np.mean(np.log(d_gz)), rel=1e-4)


def test_gan_defaults_and_bad_settings():
    G, D = nn.Linear(2, 3), nn.Linear(3, 1)
    trainer = GANTrainer(G, D, noise_dim=2)
    assert isinstance(trainer.d_optimizer, engine.optim.SGD)
    assert trainer.d_optimizer.param_groups[0]["momentum"] > 0          # SGD with momentum
    with pytest.raises(ValueError, match="k must"):
        GANTrainer(G, D, k=0, noise_dim=2)
    with pytest.raises(ValueError, match="generator_loss"):
        GANTrainer(G, D, noise_dim=2, generator_loss="wasserstein")
    with pytest.raises(ValueError, match="batch_size"):
        trainer.train(np.zeros((3, 3), dtype=np.float32), iterations=1, batch_size=5)
    assert trainer.generate(4).shape == (4, 3)


# ----------------------------------------------------------------------------- helpers
def test_anomaly_threshold_and_report():
    scores = np.array([0.1, 0.2, 0.15, 0.9, 0.8, 0.12])
    labels = np.array([0, 0, 0, 1, 1, 0])
    t = latent.choose_threshold(scores, labels)
    assert t == 0.8                      # the lowest anomaly score: TPR 1, FPR 0
    report = latent.anomaly_report(scores, labels, t)
    assert report["auc"] == 1.0 and report["precision"] == 1.0 and report["recall"] == 1.0
    assert latent.choose_threshold(np.arange(101.0), quantile=0.9) == pytest.approx(90.0)


def test_retrieval_precision_at_k():
    db = np.array([[0.0, 0], [0, 1], [10, 10], [10, 11], [0, 0.5]])
    db_labels = np.array([0, 0, 1, 1, 1])
    q = np.array([[0.0, 0.1], [10, 10.4]])
    assert latent.nearest_neighbours(q, db, 2).tolist() == [[0, 4], [2, 3]]
    assert latent.precision_at_k(q, np.array([0, 1]), db, db_labels, k=2) == 0.75


def test_kmeans_ari_and_its_install_hint(monkeypatch):
    pytest.importorskip("sklearn")
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 0.1, (30, 2)), rng.normal(5, 0.1, (30, 2))])
    y = np.repeat([0, 1], 30)
    assert latent.kmeans_ari(x, y, n_clusters=2) == pytest.approx(1.0)
    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError("no sklearn here")
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    with pytest.raises(ImportError, match=r'pip install "\.\[examples\]"'):
        latent.kmeans_ari(x, y, n_clusters=2)


def test_inpainting_keeps_the_known_pixels():
    x = images(4)
    occluded, mask = latent.occlude(x, 3, rng=0)
    assert (mask == 0).sum() == 4 * 9 and np.all(occluded[mask == 0] == 0)
    filled = latent.inpaint(Autoencoder((1, 8, 8), 4, hidden=(8,)), occluded, mask, steps=2)
    np.testing.assert_array_equal(filled[mask == 1], x[mask == 1])
    assert not np.array_equal(filled[mask == 0], occluded[mask == 0])


def test_occlusion_pipeline_for_inpainting_keeps_the_target_clean():
    x = images(6) + 0.1            # no pixel is 0 before the occlusion
    data = DenoisingDataset(x, corruption=latent.occluder(3), seed=0)
    occluded, clean = data[np.arange(6)]
    assert np.array_equal(clean, x[:6])
    assert np.all((occluded == 0).reshape(6, -1).sum(axis=1) == 9)     # one 3×3 square each
    with pytest.raises(TypeError, match="corruption"):
        DenoisingDataset(x, corruption="squares")
