"""Units 8–10 (autoencoders, VAE, GAN and transfer learning) run with ``--quick`` and return
their measures; each runs once here (module-scoped) and the checks read its numbers."""
import math

import numpy as np
import pytest

import engine.units as units

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    cache = {}

    def get(number):
        if number not in cache:
            out = tmp_path_factory.mktemp(f"unit{number:02d}")
            cache[number] = (units.run_unit(number, ["--quick", "--out", str(out)]), out)
        return cache[number]
    return get


def test_units_8_to_10_are_discovered():
    found = {u.number: u for u in units.discover()}
    for n in (8, 9, 10):
        assert n in found and found[n].minutes <= 5


def test_unit08_measures(run):
    r, out = run(8)
    for key in ("test_mse", "noisy_mse", "denoised_mse", "inpaint_mse_filled"):
        assert 0 < r[key] < 0.25, key
    assert 0 <= r["anomaly_auc"] <= 1
    assert 0 <= r["precision_at_10_latent"] <= 1 and 0 <= r["precision_at_10_pixels"] <= 1
    # Even a briefly trained model fills a hole better than leaving it black.
    assert r["inpaint_mse_filled"] < r["inpaint_mse_occluded"]
    if "ari_latent" in r:
        assert -1 <= r["ari_latent"] <= 1 and -1 <= r["ari_pixels"] <= 1
    names = {p.name for p in out.glob("*.png")}
    assert {"reconstructions.png", "denoising.png", "anomaly.png", "retrieval.png",
            "inpainting.png"} <= names


def test_unit09_measures(run):
    r, out = run(9)
    assert np.isfinite(r["test_elbo"]) and r["test_elbo"] < 0
    assert r["test_kl"] >= 0 and r["test_reconstruction"] > 0
    assert len(r["attribute_pixel_mass"]) == len(r["attribute_alphas"]) == 4
    names = {p.name for p in out.glob("*.png")}
    assert {"samples.png", "interpolation.png", "attribute_thickness.png"} <= names


def test_unit10_measures(run):
    r, out = run(10)
    assert 0 < r["gan_d_x"] < 1 and 0 < r["gan_d_g_z"] < 1
    assert 0 <= r["gan_confident_share"] <= 1
    assert 0 <= r["gan_class_entropy_bits"] <= math.log2(10) + 1e-9
    assert len(r["transfer"]) == 4
    assert {(c["size"], c["target"].split()[0]) for c in r["transfer"]} == {
        ("small", "similar"), ("large", "similar"), ("small", "different"),
        ("large", "different")}
    for case in r["transfer"]:
        assert 0 <= case["fine_tuned"] <= 1 and 0 <= case["scratch"] <= 1
    assert r["different_domain"] in ("Fashion-MNIST", "bundled 8x8 digits, upsampled to 28x28")
    names = {p.name for p in out.glob("*.png")}
    assert {"gan_samples_over_training.png", "gan_curves.png", "gan_samples.png"} <= names
