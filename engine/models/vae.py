"""Variational autoencoders (unit 9).

The encoder does not give one code but a distribution over codes, N(μ, σ²) per latent axis
(it outputs μ and log σ²).  A code is drawn with the *reparameterisation*

    h = μ + σ·ε,   ε ~ N(0, 1),   σ = exp(½ log σ²)

so the randomness sits in ε and the gradient flows through μ and σ.  The loss is

    loss = reconstruction + β · KL(N(μ, σ²) ‖ N(0, 1)),
    KL = −½ Σ_j (1 + log σ²_j − μ_j² − σ²_j)

with the reconstruction term −log p(x | h): the binary cross-entropy of the decoder's pixel
probabilities, summed over pixels (Bernoulli pixels).  Both terms are per sample, averaged over
the batch; with β = 1, −loss is the evidence lower bound (ELBO) on log p(x), in nats.

Because the KL pulls every code distribution towards N(0, 1), decoding h ~ N(0, 1) generates
new images (``sample``), straight lines in h-space are smooth morphs (``interpolate``:
h_i = h_1 + (h_2 − h_1)·i/N, i = 0…N) and differences of mean codes are attribute vectors
(``attribute_vector``: h_new = h + α·(h_z − h_n)).
"""
import math

import numpy as np

from .. import nn
from .. import random as _random
from ..autograd import no_grad
from ..data._utils import to_numpy
from ..nn import functional as F
from ..tensor import Tensor
from ..validate import finite_real, non_negative_real, positive_int
from .autoencoder import _ConvShapes, _as_shape, _hidden, conv_decoder, conv_encoder, dense_stack


def reparameterize(mu, logvar, eps=None):
    """h = μ + σ·ε with σ = exp(½ log σ²) and ε ~ N(0, 1) (drawn unless given)."""
    if eps is None:
        eps = _random.get_generator().standard_normal(mu.shape).astype(mu.dtype)
    if not isinstance(eps, Tensor):
        eps = Tensor(eps, dtype=mu.dtype)
    return mu + (logvar * 0.5).exp() * eps


def kl_normal(mu, logvar):
    """KL(N(μ, σ²) ‖ N(0, 1)) = −½ Σ_j (1 + log σ²_j − μ_j² − σ²_j), summed over the latent
    axes and averaged over the batch (``F.kl_div_normal``)."""
    return F.kl_div_normal(mu, logvar)


class VAE(nn.Module):
    """A dense VAE: ``VAE(input_dim, latent_dim, hidden=(256,), beta=1.0)``.

    ``input_dim`` is a feature count or an image shape such as ``(1, 28, 28)``; pixel values
    must lie in [0, 1] (they are Bernoulli probabilities).  ``forward(x)`` returns
    ``(reconstruction, mu, logvar)``; ``loss(x)`` returns ``(total, reconstruction, kl)``.
    """

    def __init__(self, input_dim, latent_dim, hidden=(256,), beta=1.0):
        super().__init__()
        self.input_shape = _as_shape(input_dim)
        self.input_dim = math.prod(self.input_shape)
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.beta = non_negative_real(beta, "beta")
        hidden = _hidden(hidden)
        last = hidden[-1] if hidden else self.input_dim
        body = dense_stack((self.input_dim, *hidden))
        self.encoder = nn.Sequential(nn.Flatten(), *body, *([nn.ReLU()] if hidden else []))
        self.mu = nn.Linear(last, self.latent_dim)
        self.logvar = nn.Linear(last, self.latent_dim)
        self.decoder = dense_stack((self.latent_dim, *reversed(hidden), self.input_dim))

    # ---------------------------------------------------------------- the model
    def encode(self, x):
        """The code distribution of x: ``(mu, logvar)``, each (N, latent_dim)."""
        features = self.encoder(x)
        return self.mu(features), self.logvar(features)

    def decode_logits(self, h):
        """The decoder's pixel logits (before the sigmoid), shaped like the input."""
        z = self.decoder(h)
        return z.reshape((z.shape[0],) + self.input_shape)

    def decode(self, h):
        """Pixel probabilities p(x | h) = sigmoid(decoder(h)), shaped like the input."""
        return F.sigmoid(self.decode_logits(h))

    def forward(self, x):
        """``(reconstruction, mu, logvar)`` with the code drawn as h = μ + σ·ε."""
        mu, logvar = self.encode(x)
        return self.decode(reparameterize(mu, logvar)), mu, logvar

    def loss(self, x, beta=None):
        """``(total, reconstruction, kl)``: total = reconstruction + β·KL, per sample (batch mean).

        The reconstruction term is the binary cross-entropy summed over pixels, computed from
        the logits (stable even where a sigmoid would round to 0 or 1).
        """
        beta = self.beta if beta is None else non_negative_real(beta, "beta")
        x = x if isinstance(x, Tensor) else Tensor(to_numpy(x, "x"))
        mu, logvar = self.encode(x)
        logits = self.decode_logits(reparameterize(mu, logvar))
        recon = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") * (1.0 / x.shape[0])
        kl = kl_normal(mu, logvar)
        return recon + kl * beta, recon, kl

    # ---------------------------------------------------------------- using the latent space
    def _codes(self, x, batch_size=512):
        """μ of every row of x, as a NumPy array (eval mode, no gradients)."""
        x = to_numpy(x, "x")
        out = []
        with no_grad():
            for i in range(0, len(x), batch_size):
                mu, _ = self.encode(Tensor(x[i:i + batch_size]))
                out.append(mu.numpy())
        return np.concatenate(out) if out else np.zeros((0, self.latent_dim))

    def _decode_numpy(self, h):
        with no_grad():
            return self.decode(Tensor(np.asarray(h, dtype=self._dtype()))).numpy()

    def _dtype(self):
        return next(iter(self.parameters())).dtype

    def sample(self, n, rng=None):
        """n new images: decode h ~ N(0, 1) (NumPy, shaped (n, *input_shape))."""
        n = positive_int(n, "n")
        rng = _random.get_generator() if rng is None else rng
        return self._decode_numpy(rng.standard_normal((n, self.latent_dim)))

    def interpolate(self, x1, x2, steps=8):
        """Decode h_i = h_1 + (h_2 − h_1)·i/N for i = 0…N (N = ``steps``), with h_1, h_2 the
        means μ of the two images: N + 1 images from x1 to x2."""
        steps = positive_int(steps, "steps")
        pair = np.stack([to_numpy(x1, "x1").reshape(self.input_shape),
                         to_numpy(x2, "x2").reshape(self.input_shape)])
        h1, h2 = self._codes(pair)
        i = np.arange(steps + 1)[:, None]
        return self._decode_numpy(h1 + (h2 - h1) * i / steps)

    def attribute_vector(self, x_with, x_without):
        """h_z − h_n: the mean code of images with an attribute minus that of images without."""
        return self._codes(x_with).mean(axis=0) - self._codes(x_without).mean(axis=0)

    def apply_attribute(self, x, vector, alphas=(0.0, 1.0, 2.0)):
        """Decode h_new = h + α·vector for each α (h = μ of each image of x): an array
        (len(alphas), N, *input_shape)."""
        h = self._codes(x)
        vector = np.asarray(vector)
        return np.stack([self._decode_numpy(h + finite_real(a, "alpha") * vector)
                         for a in alphas])

    def elbo(self, x, batch_size=512, samples=1):
        """The mean ELBO per image, E_q[log p(x | h)] − KL, in nats (β = 1, ``samples`` draws of
        ε per image); a lower bound on log p(x), so higher is better."""
        x = to_numpy(x, "x")
        total, n = 0.0, 0
        with no_grad():
            for _ in range(positive_int(samples, "samples")):
                for i in range(0, len(x), batch_size):
                    chunk = x[i:i + batch_size]
                    loss, _, _ = self.loss(Tensor(chunk), beta=1.0)
                    total += float(loss.numpy()) * len(chunk)
                    n += len(chunk)
        return -total / n

    def extra_repr(self):
        return f"input_shape={self.input_shape}, latent_dim={self.latent_dim}, beta={self.beta}"


class ConvVAE(_ConvShapes, VAE):
    """A convolutional VAE for images (C, H, W): conv + pool levels to μ and log σ², upsampling +
    conv back to pixel logits.  Same methods as ``VAE``."""

    def __init__(self, image_shape=(1, 28, 28), latent_dim=16, channels=(16, 32), beta=1.0):
        nn.Module.__init__(self)
        channels = self._set_conv_shapes(image_shape, latent_dim, channels)
        self.beta = non_negative_real(beta, "beta")
        c, h, w = self.input_shape
        flat = channels[-1] * (h // 2 ** len(channels)) * (w // 2 ** len(channels))
        self.encoder = conv_encoder(self.input_shape, channels)
        self.mu = nn.Linear(flat, self.latent_dim)
        self.logvar = nn.Linear(flat, self.latent_dim)
        self.decoder = conv_decoder(self.input_shape, channels, self.latent_dim, logits=True)


def train_vae(model, x, optimizer, epochs=10, batch_size=128, seed=None, verbose=True):
    """Minimise ``model.loss`` over mini-batches of x; returns the per-epoch means
    ``{"loss": [...], "reconstruction": [...], "kl": [...]}``."""
    x = to_numpy(x, "x")
    epochs, batch_size = positive_int(epochs, "epochs"), positive_int(batch_size, "batch_size")
    rng = np.random.default_rng(seed) if seed is not None else _random.get_generator()
    history = {"loss": [], "reconstruction": [], "kl": []}
    model.train()
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        sums = np.zeros(3)
        for i in range(0, len(x), batch_size):
            batch = Tensor(x[order[i:i + batch_size]])
            optimizer.zero_grad()
            total, recon, kl = model.loss(batch)
            total.backward()
            optimizer.step()
            sums += np.array([float(total.numpy()), float(recon.numpy()), float(kl.numpy())]) \
                * batch.shape[0]
        means = sums / len(x)
        for key, value in zip(history, means):
            history[key].append(float(value))
        if verbose:
            print(f"  epoch {epoch + 1}/{epochs}: loss {means[0]:.2f} = reconstruction "
                  f"{means[1]:.2f} + β·KL (KL {means[2]:.2f})", flush=True)
    model.eval()
    return history
