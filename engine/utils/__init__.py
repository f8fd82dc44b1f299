"""``engine.utils``: PyTorch-shaped utilities (``engine.utils.data``: datasets and loaders)."""
from . import data

__all__ = ["data"]
