"""Autoencoders (unit 8): an encoder h = f(x), a decoder r = g(h), trained so that r ≈ x.

- ``Autoencoder(input_dim, latent_dim, hidden=(256,))``: dense layers. *Undercomplete* when
  ``latent_dim`` is smaller than the input (the code h must keep only what matters to rebuild
  x), *overcomplete* when larger (then only a constraint — noise, sparsity — stops it from
  copying x through).
- ``ConvAutoencoder(image_shape, latent_dim, channels=(16, 32))``: convolutions and pooling
  down, ``Upsample`` and convolutions back up.
- ``DenoisingAutoencoder(autoencoder, noise_std)``: trained on pairs (x + n, x): the noisy image
  in, the *clean* image as target, so it must learn what a digit looks like to remove the noise.
  With ``corruption=`` another damage replaces the noise: occluded squares train it to inpaint.
  ``DenoisingDataset`` is the data pipeline that makes those pairs (fresh noise every batch).

Loss: the mean squared reconstruction error (1/N) Σ (x − r)², per pixel.
"""
import math

import numpy as np

from .. import nn
from ..data._utils import as_generator, to_numpy
from ..data.loader import DataLoader
from ..nn import functional as F
from ..tensor import Tensor
from ..validate import non_negative_real, positive_int


def _as_shape(input_dim):
    """``input_dim`` (an int, or an image shape such as (1, 28, 28)) as a shape tuple."""
    if isinstance(input_dim, (tuple, list)):
        shape = tuple(positive_int(n, "input_dim entries") for n in input_dim)
        if not shape:
            raise ValueError("input_dim must be an int or a non-empty shape, got ()")
        return shape
    return (positive_int(input_dim, "input_dim"),)


def _hidden(hidden, name="hidden sizes"):
    if hidden is None:
        return ()
    if isinstance(hidden, int):
        hidden = (hidden,)
    if not isinstance(hidden, (tuple, list)):
        raise TypeError(f"{name} must be an int or a tuple of ints, got {hidden!r}")
    return tuple(positive_int(h, name) for h in hidden)


def dense_stack(sizes, last_activation=None):
    """Linear layers of ``sizes`` (e.g. 784, 256, 32) with ReLU between them."""
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    if last_activation is not None:
        layers.append(last_activation)
    return nn.Sequential(*layers)


class Autoencoder(nn.Module):
    """Dense autoencoder: x → encoder → h (``latent_dim``) → decoder → r, with r in [0, 1].

    ``input_dim`` is the number of input features or the image shape (e.g. ``(1, 28, 28)``);
    images are flattened on the way in and reshaped on the way out, so ``model(x)`` has the
    shape of ``x``.  ``hidden`` are the encoder's hidden sizes (the decoder mirrors them).
    """

    def __init__(self, input_dim, latent_dim, hidden=(256,)):
        super().__init__()
        self.input_shape = _as_shape(input_dim)
        self.input_dim = math.prod(self.input_shape)
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        hidden = _hidden(hidden)
        self.encoder = nn.Sequential(nn.Flatten(),
                                     *dense_stack((self.input_dim, *hidden, self.latent_dim)))
        self.decoder = dense_stack((self.latent_dim, *reversed(hidden), self.input_dim),
                                   nn.Sigmoid())

    @property
    def undercomplete(self):
        """True when the code is smaller than the input (latent_dim < input_dim)."""
        return self.latent_dim < self.input_dim

    def encode(self, x):
        """h = f(x): the code, (N, latent_dim)."""
        return self.encoder(x)

    def decode(self, h):
        """r = g(h): images of ``input_shape``, values in [0, 1]."""
        r = self.decoder(h)
        return r.reshape((r.shape[0],) + self.input_shape)

    def forward(self, x):
        return self.decode(self.encode(x))

    def extra_repr(self):
        return f"input_shape={self.input_shape}, latent_dim={self.latent_dim}"


def conv_encoder(image_shape, channels):
    """Conv 3×3 → ReLU → MaxPool 2 per entry of ``channels``, then Flatten: (C, H, W) →
    (channels[-1]·H/2^L·W/2^L,)."""
    c, h, w = image_shape
    layers, c_in = [], c
    for c_out in channels:
        layers += [nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        c_in = c_out
    layers.append(nn.Flatten())
    return nn.Sequential(*layers)


def conv_decoder(image_shape, channels, latent_dim, logits=False):
    """The mirror of ``conv_encoder``: Linear → Reshape, then Upsample ×2 → Conv 3×3 per level,
    ending with the image's channels (and a Sigmoid unless ``logits``)."""
    c, h, w = image_shape
    levels = len(channels)
    h0, w0 = h // 2 ** levels, w // 2 ** levels
    layers = [nn.Linear(latent_dim, channels[-1] * h0 * w0), nn.ReLU(),
              nn.Reshape(channels[-1], h0, w0)]
    outs = list(reversed(channels[:-1])) + [c]
    c_in = channels[-1]
    for i, c_out in enumerate(outs):
        layers += [nn.Upsample(scale_factor=2), nn.Conv2d(c_in, c_out, 3, padding=1)]
        if i < len(outs) - 1:
            layers.append(nn.ReLU())
        c_in = c_out
    if not logits:
        layers.append(nn.Sigmoid())
    return nn.Sequential(*layers)


def check_image_shape(image_shape, levels):
    shape = _as_shape(image_shape)
    if len(shape) != 3:
        raise ValueError(f"image_shape must be (channels, height, width), got {image_shape!r}")
    if shape[1] % 2 ** levels or shape[2] % 2 ** levels:
        raise ValueError(f"image height and width must be divisible by 2^{levels} = "
                         f"{2 ** levels} (one pooling per entry of channels), got {shape}")
    return shape


class _ConvShapes:
    """What the convolutional models (``ConvAutoencoder``, ``ConvVAE``) check and keep of their
    settings: ``input_shape`` (C, H, W), ``input_dim`` and ``latent_dim``."""

    def _set_conv_shapes(self, image_shape, latent_dim, channels):
        """Check and keep the shapes; return the channels per level as a tuple."""
        channels = _hidden(channels, "channels")
        if not channels:
            raise ValueError("channels needs at least one entry")
        self.input_shape = check_image_shape(image_shape, len(channels))
        self.input_dim = math.prod(self.input_shape)
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        return channels


class ConvAutoencoder(_ConvShapes, Autoencoder):
    """Convolutional autoencoder for images (C, H, W): two conv + pool levels down to a dense
    code of ``latent_dim``, then upsampling + conv back up (H and W divisible by 2^levels)."""

    def __init__(self, image_shape=(1, 28, 28), latent_dim=32, channels=(16, 32)):
        nn.Module.__init__(self)
        channels = self._set_conv_shapes(image_shape, latent_dim, channels)
        c, h, w = self.input_shape
        flat = channels[-1] * (h // 2 ** len(channels)) * (w // 2 ** len(channels))
        self.encoder = nn.Sequential(*conv_encoder(self.input_shape, channels),
                                     nn.Linear(flat, self.latent_dim))
        self.decoder = conv_decoder(self.input_shape, channels, self.latent_dim)


# ----------------------------------------------------------------------------- denoising
def corrupt(x, noise_std, rng=None, clip=True):
    """x̃ = x + n, n ~ N(0, noise_std²) per pixel (clipped back to [0, 1] when ``clip``)."""
    x = to_numpy(x, "x")
    rng = as_generator(rng)
    noisy = x + rng.normal(0.0, noise_std, size=x.shape).astype(x.dtype)
    return np.clip(noisy, 0.0, 1.0) if clip else noisy


class DenoisingDataset:
    """Pairs (x̃, x) for a denoising autoencoder: ``dataset[i] = (x[i] + n, x[i])``.

    The corruption is drawn anew on every access, so each epoch sees other corruptions; the
    target is always the clean ``x`` (never the corrupted array).  Works with ``DataLoader``
    and ``engine.train.fit``.  ``corruption(x_batch, rng) -> x̃`` replaces the Gaussian noise
    when given: e.g. ``engine.models.latent.occlude`` hides squares, for inpainting.
    """

    def __init__(self, x, noise_std=0.5, seed=None, clip=True, corruption=None):
        self.x = to_numpy(x, "x")
        self.noise_std = non_negative_real(noise_std, "noise_std")
        if corruption is not None and not callable(corruption):
            raise TypeError(f"corruption must be a function (x, rng) -> x̃, "
                            f"got {type(corruption).__name__}")
        self.clip = bool(clip)
        self.corruption = corruption
        self.rng = as_generator(seed)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, index):
        clean = self.x[index]
        if self.corruption is not None:
            return self.corruption(clean, self.rng), clean
        return corrupt(clean, self.noise_std, self.rng, self.clip), clean


class DenoisingAutoencoder(nn.Module):
    """An autoencoder trained to map x + n to x (noise on the input only).

    ``DenoisingAutoencoder(Autoencoder(784, 32), noise_std=0.5)``; ``encode``/``decode``/
    ``forward`` are those of the wrapped model; ``loader(x, batch_size)`` gives the training
    batches (x̃, x) and ``corrupt(x)`` one noisy copy.
    """

    def __init__(self, autoencoder, noise_std=0.5, corruption=None):
        super().__init__()
        if not (hasattr(autoencoder, "encode") and hasattr(autoencoder, "decode")):
            raise TypeError(f"DenoisingAutoencoder wraps a model with encode() and decode(), "
                            f"got {type(autoencoder).__name__}")
        self.autoencoder = autoencoder
        self.noise_std = non_negative_real(noise_std, "noise_std")
        self.corruption = corruption

    def encode(self, x):
        return self.autoencoder.encode(x)

    def decode(self, h):
        return self.autoencoder.decode(h)

    def forward(self, x):
        return self.autoencoder(x)

    def corrupt(self, x, rng=None):
        """One corrupted copy x̃ of ``x`` (NumPy): x + n, or ``corruption(x, rng)``."""
        if self.corruption is not None:
            return self.corruption(to_numpy(x, "x"), as_generator(rng))
        return corrupt(x, self.noise_std, rng)

    def loader(self, x, batch_size=128, seed=None, shuffle=True):
        """A ``DataLoader`` of (x̃, x) batches: corrupted input, clean target."""
        return DataLoader(DenoisingDataset(x, self.noise_std, seed, corruption=self.corruption),
                          batch_size=batch_size, shuffle=shuffle, seed=seed)

    def extra_repr(self):
        return f"noise_std={self.noise_std}"


def reconstruction_loss(reconstruction, x):
    """The mean squared error (1/N) Σ (x − r)² over every pixel (``F.mse_loss``)."""
    return F.mse_loss(reconstruction, x if isinstance(x, Tensor) else Tensor(x))
