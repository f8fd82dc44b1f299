"""Generative adversarial nets (unit 10), trained as Goodfellow et al. (2014), Algorithm 1.

A generator G maps noise z ~ p_g(z) to samples G(z); a discriminator D gives the probability
D(x) that x came from the data rather than from G.  The two play the minimax game

    min_G max_D V(D, G) = E_x[log D(x)] + E_z[log(1 − D(G(z)))].

Algorithm 1 (minibatch stochastic gradient descent), for each training iteration:

    for k steps:
        sample m noise samples {z_1 … z_m} from p_g(z)
        sample m examples {x_1 … x_m} from the data
        update D by ascending   ∇_θd (1/m) Σ_i [log D(x_i) + log(1 − D(G(z_i)))]
    sample m noise samples {z_1 … z_m} from p_g(z)
    update G by descending      ∇_θg (1/m) Σ_i log(1 − D(G(z_i)))

At the game's equilibrium G reproduces the data and D(x) = ½ everywhere.  Early in training
D rejects G's samples confidently, log(1 − D(G(z))) saturates and its gradient vanishes; the
paper therefore suggests training G to maximise log D(G(z)) instead ("non-saturating":
descend −(1/m) Σ log D(G(z_i))), which has the same fixed point.  Both are offered here.

The discriminator given to ``GANTrainer`` outputs a *logit* a (one per sample, no final sigmoid):
D(x) = σ(a), and the logs are computed stably as log D = −softplus(−a), log(1 − D) = −softplus(a).
"""
import numpy as np

from .. import optim
from .. import random as _random
from ..autograd import no_grad
from ..data._utils import to_numpy
from ..nn import functional as F
from ..nn.module import Module
from ..tensor import Tensor
from ..validate import positive_int


def log_d(logits):
    """log D = log σ(a) = −softplus(−a)."""
    return -F.softplus(-logits)


def log_one_minus_d(logits):
    """log(1 − D) = log σ(−a) = −softplus(a)."""
    return -F.softplus(logits)


def default_optimizer(module, lr=0.05, momentum=0.5):
    """Minibatch SGD with momentum, as in the paper's experiments (momentum 0.5 at the start)."""
    return optim.SGD(module.parameters(), lr=lr, momentum=momentum)


class GANTrainer:
    """Train ``generator`` against ``discriminator`` with Algorithm 1.

    GANTrainer(generator, discriminator, d_optimizer=None, g_optimizer=None, k=1,
               noise_dim=100, generator_loss="saturating", noise="normal")

    ``k``: discriminator steps per generator step.  ``generator_loss``: ``"saturating"``
    (descend log(1 − D(G(z))), as Algorithm 1 writes it) or ``"non-saturating"`` (descend
    −log D(G(z)), the paper's practical advice).  ``noise``: the prior p_g(z), ``"normal"``
    N(0, 1) or ``"uniform"`` U(−1, 1).  Optimizers default to SGD with momentum.
    The counters ``d_steps`` and ``g_steps`` count the updates made.
    """

    def __init__(self, generator, discriminator, d_optimizer=None, g_optimizer=None, k=1,
                 noise_dim=100, generator_loss="saturating", noise="normal"):
        for name, module in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(module, Module):
                raise TypeError(f"{name} must be an engine.nn.Module, got {type(module).__name__}")
        if generator_loss not in ("saturating", "non-saturating"):
            raise ValueError(f"generator_loss must be 'saturating' or 'non-saturating', "
                             f"got {generator_loss!r}")
        if noise not in ("normal", "uniform"):
            raise ValueError(f"noise must be 'normal' or 'uniform', got {noise!r}")
        self.G, self.D = generator, discriminator
        self.d_optimizer = d_optimizer if d_optimizer is not None else default_optimizer(discriminator)
        self.g_optimizer = g_optimizer if g_optimizer is not None else default_optimizer(generator)
        self.k = positive_int(k, "k")
        self.noise_dim = positive_int(noise_dim, "noise_dim")
        self.generator_loss = generator_loss
        self.noise = noise
        self.d_steps = 0
        self.g_steps = 0
        self.dtype = next(iter(generator.parameters())).dtype

    # ---------------------------------------------------------------- the pieces
    def sample_noise(self, m, rng=None):
        """m noise samples z ~ p_g(z), (m, noise_dim)."""
        rng = _random.get_generator() if rng is None else rng
        if self.noise == "normal":
            z = rng.standard_normal((m, self.noise_dim))
        else:
            z = rng.uniform(-1.0, 1.0, (m, self.noise_dim))
        return Tensor(z.astype(self.dtype))

    def discriminator_step(self, x_real):
        """One update of D: ascend (1/m) Σ [log D(x_i) + log(1 − D(G(z_i)))] (by descending its
        negative).  Returns (V_D, mean D(x), mean D(G(z)))."""
        m = x_real.shape[0]
        with no_grad():                       # G is fixed during D's step
            fake = self.G(self.sample_noise(m))
        real_logits = self.D(x_real).reshape(m)
        fake_logits = self.D(fake).reshape(m)
        value = (log_d(real_logits) + log_one_minus_d(fake_logits)).mean()
        self.d_optimizer.zero_grad()
        (-value).backward()                   # ascend V  ⇔  descend −V
        self.d_optimizer.step()
        self.d_steps += 1
        d_x = float(F.sigmoid(real_logits).numpy().mean())
        d_gz = float(F.sigmoid(fake_logits).numpy().mean())
        return float(value.numpy()), d_x, d_gz

    def generator_step(self, m):
        """One update of G: descend (1/m) Σ log(1 − D(G(z_i))) (or −(1/m) Σ log D(G(z_i))).
        D's gradients are computed on the way but D is not updated.  Returns the loss."""
        fake_logits = self.D(self.G(self.sample_noise(m))).reshape(m)
        if self.generator_loss == "saturating":
            loss = log_one_minus_d(fake_logits).mean()
        else:
            loss = -log_d(fake_logits).mean()
        self.g_optimizer.zero_grad()
        loss.backward()
        self.g_optimizer.step()
        self.D.zero_grad()                    # D's gradients from this step are not used
        self.g_steps += 1
        return float(loss.numpy())

    # ---------------------------------------------------------------- Algorithm 1
    def train(self, data, iterations, batch_size=64, rng=None, callback=None, every=None):
        """Run ``iterations`` iterations of Algorithm 1 with minibatches of m = ``batch_size``.

        ``data``: real examples (N, ...), a NumPy array or Tensor; each D step draws m of them
        at random.  ``callback(iteration, trainer)`` is called every ``every`` iterations (e.g.
        to save a grid of samples).  Returns the history: per iteration ``d_loss`` (−V_D of
        the last D step), ``g_loss``, ``d_x`` (mean D(x)) and ``d_g_z`` (mean D(G(z))), the
        last two averaged over the k D steps.
        """
        data = to_numpy(data, "data")
        iterations = positive_int(iterations, "iterations")
        m = positive_int(batch_size, "batch_size")
        if m > len(data):
            raise ValueError(f"batch_size {m} is larger than the data ({len(data)} examples)")
        rng = _random.get_generator() if rng is None else rng
        every = positive_int(every, "every", allow_none=True)
        history = {"d_loss": [], "g_loss": [], "d_x": [], "d_g_z": []}
        self.G.train()
        self.D.train()
        for iteration in range(1, iterations + 1):
            d_values, d_xs, d_gzs = [], [], []
            for _ in range(self.k):
                batch = Tensor(data[rng.choice(len(data), size=m, replace=False)].astype(self.dtype))
                value, d_x, d_gz = self.discriminator_step(batch)
                d_values.append(value)
                d_xs.append(d_x)
                d_gzs.append(d_gz)
            g_loss = self.generator_step(m)
            history["d_loss"].append(-d_values[-1])
            history["g_loss"].append(g_loss)
            history["d_x"].append(float(np.mean(d_xs)))
            history["d_g_z"].append(float(np.mean(d_gzs)))
            if callback is not None and every and iteration % every == 0:
                callback(iteration, self)
        return history

    def generate(self, n, rng=None):
        """n samples G(z) as a NumPy array (generator in eval mode, no gradients)."""
        n = positive_int(n, "n")
        was_training = self.G.training
        self.G.eval()
        with no_grad():
            out = self.G(self.sample_noise(n, rng)).numpy()
        self.G.train(was_training)
        return out
