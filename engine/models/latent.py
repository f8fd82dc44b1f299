"""What an autoencoder's code and reconstruction are good for (unit 8), a few lines each.

- anomaly detection: the reconstruction error e(x) = (1/D) Σ_d (x_d − r_d)² is small on what
  the model was trained on and larger on what it has not seen; a threshold chosen on
  validation data turns it into a detector, ``engine.metrics.roc_auc_score`` measures it;
- retrieval: the k images whose codes h are nearest (Euclidean) to a query's, scored by
  precision@k (the share of the k neighbours with the query's label);
- clustering: k-means on the codes vs on the raw pixels, scored by the adjusted Rand index
  against the labels (scikit-learn's ``KMeans`` and ``adjusted_rand_score``: the optional
  ``examples`` extra, ``pip install ".[examples]"``);
- inpainting: an autoencoder trained with input = original + occlusion, target = original
  (``occluder`` as a denoising autoencoder's corruption) fills the hidden region; repeating
  x ← m ⊙ x_known + (1 − m) ⊙ r(x) keeps the known pixels as they are.
"""
import numpy as np

from .. import metrics
from ..autograd import no_grad
from ..data._utils import as_generator, to_numpy
from ..tensor import Tensor
from ..validate import positive_int, real_number


def _batched(fn, x, batch_size):
    x = to_numpy(x, "x")
    batch_size = positive_int(batch_size, "batch_size")
    outs = []
    with no_grad():
        for i in range(0, len(x), batch_size):
            outs.append(fn(Tensor(x[i:i + batch_size])))
    return np.concatenate(outs)


def _eval(model):
    was = model.training
    model.eval()
    return was


def encode(model, x, batch_size=512):
    """The codes h of x as a NumPy array (N, latent_dim); for a VAE, the means μ."""
    was = _eval(model)

    def code(t):
        h = model.encode(t)
        return (h[0] if isinstance(h, tuple) else h).numpy()
    try:
        return _batched(code, x, batch_size)
    finally:
        model.train(was)


def reconstruct(model, x, batch_size=512):
    """r = g(f(x)) as a NumPy array shaped like x (for a VAE, decoded from μ)."""
    was = _eval(model)

    def rec(t):
        h = model.encode(t)
        return model.decode(h[0] if isinstance(h, tuple) else h).numpy()
    try:
        return _batched(rec, x, batch_size)
    finally:
        model.train(was)


def reconstruction_errors(model, x, batch_size=512):
    """e(x) = (1/D) Σ_d (x_d − r_d)² per image: the anomaly score."""
    x = to_numpy(x, "x")
    r = reconstruct(model, x, batch_size)
    return ((x - r) ** 2).reshape(len(x), -1).mean(axis=1)


def choose_threshold(val_scores, val_labels=None, quantile=0.95):
    """A threshold on anomaly scores, chosen on validation data.

    With ``val_labels`` (1 = anomaly): the ROC point maximising Youden's J = TPR − FPR.
    Without: the ``quantile`` of the (all normal) validation scores, so about 1 − quantile of
    normal images are flagged.  Scores at or above the threshold are called anomalies.
    """
    scores = to_numpy(val_scores, "val_scores").astype(float)
    if val_labels is None:
        q = real_number(quantile, "quantile")
        if not 0 < q < 1:
            raise ValueError(f"quantile must be in (0, 1), got {quantile}")
        return float(np.quantile(scores, q))
    fpr, tpr, thresholds = metrics.roc_curve(to_numpy(val_labels, "val_labels"), scores)
    best = int(np.argmax(tpr - fpr))
    return float(min(thresholds[best], scores.max()))  # roc_curve's first threshold is +inf


def anomaly_report(scores, labels, threshold):
    """AUC of the scores and precision / recall / F1 of ``scores >= threshold`` (1 = anomaly)."""
    labels = to_numpy(labels, "labels").astype(int)
    flagged = (to_numpy(scores, "scores") >= threshold).astype(int)
    return {"auc": float(metrics.roc_auc_score(labels, scores)),
            "precision": float(metrics.precision_score(labels, flagged, zero_division=0)),
            "recall": float(metrics.recall_score(labels, flagged, zero_division=0)),
            "f1": float(metrics.f1_score(labels, flagged, zero_division=0)),
            "threshold": float(threshold)}


def nearest_neighbours(queries, database, k=10, exclude_self=False):
    """Indices (Q, k) of the k database rows nearest to each query (Euclidean distance,
    ‖q − d‖² = ‖q‖² + ‖d‖² − 2 q·d).  ``exclude_self`` skips a zero-distance match at the same
    index (when the queries are the database)."""
    q = to_numpy(queries, "queries").reshape(len(queries), -1).astype(np.float64)
    d = to_numpy(database, "database").reshape(len(database), -1).astype(np.float64)
    k = positive_int(k, "k")
    if k + exclude_self > len(d):
        raise ValueError(f"k = {k} neighbours asked from a database of {len(d)} rows")
    dist = (q * q).sum(1)[:, None] + (d * d).sum(1)[None, :] - 2 * q @ d.T
    if exclude_self:
        dist[np.arange(len(q)), np.arange(len(q))] = np.inf
    idx = np.argpartition(dist, k - 1, axis=1)[:, :k]
    order = np.take_along_axis(dist, idx, 1).argsort(axis=1)
    return np.take_along_axis(idx, order, 1)


def precision_at_k(query_codes, query_labels, db_codes, db_labels, k=10):
    """Mean over queries of (1/k)·#{the k nearest database items with the query's label}."""
    idx = nearest_neighbours(query_codes, db_codes, k)
    same = to_numpy(db_labels, "db_labels")[idx] == to_numpy(query_labels, "query_labels")[:, None]
    return float(same.mean())


def _sklearn():
    try:
        from sklearn.cluster import KMeans
        from sklearn.metrics import adjusted_rand_score
    except ImportError as exc:
        raise ImportError('k-means clustering uses scikit-learn, an optional extra of engine: '
                          'pip install ".[examples]" (or pip install scikit-learn)') from exc
    return KMeans, adjusted_rand_score


def kmeans_ari(features, labels, n_clusters=10, seed=0):
    """Adjusted Rand index between k-means clusters of ``features`` and the true ``labels``
    (1 = the same partition, ≈ 0 = chance).  Needs scikit-learn (``pip install ".[examples]"``)."""
    KMeans, adjusted_rand_score = _sklearn()
    features = to_numpy(features, "features").reshape(len(features), -1)
    clusters = KMeans(n_clusters=positive_int(n_clusters, "n_clusters"), n_init=4,
                      random_state=seed).fit_predict(features)
    return float(adjusted_rand_score(to_numpy(labels, "labels"), clusters))


def occlude(x, size=10, rng=None, value=0.0):
    """Hide a random ``size``×``size`` square of each image (N, C, H, W): returns
    ``(x_occluded, mask)`` with mask 1 on the known pixels and 0 on the hidden ones."""
    x = to_numpy(x, "x")
    if x.ndim != 4:
        raise ValueError(f"occlude expects images (N, C, H, W), got shape {x.shape}")
    size = positive_int(size, "size")
    n, _, h, w = x.shape
    if size > min(h, w):
        raise ValueError(f"occlusion size {size} is larger than the images ({h}×{w})")
    rng = as_generator(rng)
    mask = np.ones_like(x)
    tops = rng.integers(0, h - size + 1, n)
    lefts = rng.integers(0, w - size + 1, n)
    for i, (t, l) in enumerate(zip(tops, lefts)):
        mask[i, :, t:t + size, l:l + size] = 0
    return x * mask + value * (1 - mask), mask


def occluder(size=10, value=0.0):
    """A ``corruption(x, rng)`` for ``DenoisingAutoencoder``: the images with a random square
    hidden (input = original + occlusion, target = original: inpainting as denoising)."""
    size = positive_int(size, "size")

    def corruption(x, rng):
        return occlude(x, size, rng, value)[0]
    return corruption


def inpaint(model, x_occluded, mask, steps=10, batch_size=512):
    """Fill the hidden pixels (mask 0) by iterating x ← m ⊙ x_known + (1 − m) ⊙ r(x), starting
    from the occluded image; the known pixels never change."""
    x_known = to_numpy(x_occluded, "x_occluded")
    mask = to_numpy(mask, "mask").astype(x_known.dtype)
    if mask.shape != x_known.shape:
        raise ValueError(f"mask shape {mask.shape} differs from the images' {x_known.shape}")
    x = x_known.copy()
    for _ in range(positive_int(steps, "steps")):
        x = mask * x_known + (1 - mask) * reconstruct(model, x, batch_size)
    return x
