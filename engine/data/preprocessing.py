"""Feature scaling and missing values, fitted on the training set and applied to the rest.

Statistics are per feature (over axis 0) and ignore NaN, so they can be fitted before the
missing values are filled; NaN inputs stay NaN in ``transform``.
"""
import warnings

import numpy as np

from ._utils import to_numpy


class _Fitted:
    _fitted_attr = None

    def _check_fitted(self):
        if getattr(self, self._fitted_attr, None) is None:
            raise RuntimeError(f"{type(self).__name__} is not fitted yet: call fit(x_train) first")

    def _check_x(self, x):
        x = to_numpy(x, "x")
        if x.ndim < 1 or x.dtype.kind not in "biuf":
            raise TypeError(f"{type(self).__name__} needs a numeric array, got {x.dtype} {x.shape}")
        stat = getattr(self, self._fitted_attr, None)
        if stat is not None and x.shape[1:] != np.shape(stat):
            raise ValueError(f"{type(self).__name__} was fitted on features of shape "
                             f"{np.shape(stat)}, got samples of shape {x.shape[1:]}")
        return x

    def fit_transform(self, x, y=None):
        return self.fit(x, y).transform(x)


def _out_dtype(x):
    return x.dtype if x.dtype.kind == "f" else np.float64


class StandardScaler(_Fitted):
    """z = (x − μ) / σ with μ, σ the per-feature mean and (population) std of the fit data.
    A constant feature (σ = 0) is only centred."""
    _fitted_attr = "mean_"

    def __init__(self, with_mean=True, with_std=True):
        self.with_mean, self.with_std = with_mean, with_std
        self.mean_ = self.scale_ = None

    def fit(self, x, y=None):
        self.mean_ = None
        x = self._check_x(x).astype(np.float64)
        self.mean_ = np.nanmean(x, axis=0) if self.with_mean else np.zeros(x.shape[1:])
        std = np.nanstd(x, axis=0) if self.with_std else np.ones(x.shape[1:])
        self.scale_ = np.where(std > 0, std, 1.0)
        return self

    def transform(self, x):
        self._check_fitted()
        x = self._check_x(x)
        return ((x - self.mean_) / self.scale_).astype(_out_dtype(x))

    def inverse_transform(self, z):
        self._check_fitted()
        z = self._check_x(z)
        return (z * self.scale_ + self.mean_).astype(_out_dtype(z))


class MinMaxScaler(_Fitted):
    """x' = lo + (x − min)·(hi − lo)/(max − min): the fit data's range mapped to
    ``feature_range`` (lo, hi). A constant feature maps to lo."""
    _fitted_attr = "data_min_"

    def __init__(self, feature_range=(0.0, 1.0)):
        lo, hi = feature_range
        if not lo < hi:
            raise ValueError(f"feature_range must be (low, high) with low < high, got {feature_range}")
        self.feature_range = (float(lo), float(hi))
        self.data_min_ = self.data_max_ = None

    def fit(self, x, y=None):
        self.data_min_ = None
        x = self._check_x(x).astype(np.float64)
        self.data_min_ = np.nanmin(x, axis=0)
        self.data_max_ = np.nanmax(x, axis=0)
        span = self.data_max_ - self.data_min_
        lo, hi = self.feature_range
        self.scale_ = (hi - lo) / np.where(span > 0, span, 1.0)
        self.min_ = lo - self.data_min_ * self.scale_
        return self

    def transform(self, x):
        self._check_fitted()
        x = self._check_x(x)
        return (x * self.scale_ + self.min_).astype(_out_dtype(x))

    def inverse_transform(self, z):
        self._check_fitted()
        z = self._check_x(z)
        return ((z - self.min_) / self.scale_).astype(_out_dtype(z))


class SimpleImputer(_Fitted):
    """Fill missing values (NaN) with a per-feature statistic of the fit data.

    ``strategy``: "mean", "median", "most_frequent" or "constant" (uses ``fill_value``).
    A feature with no observed value is filled with ``fill_value`` (default 0).
    """
    _fitted_attr = "statistics_"
    STRATEGIES = ("mean", "median", "most_frequent", "constant")

    def __init__(self, strategy="mean", fill_value=None):
        if strategy not in self.STRATEGIES:
            raise ValueError(f"strategy must be one of {self.STRATEGIES}, got {strategy!r}")
        self.strategy, self.fill_value = strategy, fill_value
        self.statistics_ = None

    def fit(self, x, y=None):
        self.statistics_ = None
        x = self._check_x(x).astype(np.float64)
        fill = 0.0 if self.fill_value is None else float(self.fill_value)
        observed = ~np.isnan(x)
        if self.strategy == "constant":
            stats = np.full(x.shape[1:], fill)
        elif self.strategy == "most_frequent":
            flat = x.reshape(len(x), -1)
            stats = np.empty(flat.shape[1])
            for j in range(flat.shape[1]):
                col = flat[~np.isnan(flat[:, j]), j]
                if col.size:
                    values, counts = np.unique(col, return_counts=True)
                    stats[j] = values[np.argmax(counts)]      # the smallest among ties
                else:
                    stats[j] = fill
            stats = stats.reshape(x.shape[1:])
        else:
            reduce = np.nanmean if self.strategy == "mean" else np.nanmedian
            with warnings.catch_warnings():       # an all-NaN feature: filled below
                warnings.simplefilter("ignore", RuntimeWarning)
                stats = reduce(x, axis=0)
            stats = np.where(observed.any(axis=0), stats, fill)
        self.statistics_ = stats
        self.missing_ = ~observed.all(axis=0)       # features that had missing values
        return self

    def transform(self, x):
        self._check_fitted()
        x = self._check_x(x)
        out = x.astype(_out_dtype(x), copy=True)
        mask = np.isnan(out)
        out[mask] = np.broadcast_to(self.statistics_, out.shape)[mask]
        return out
