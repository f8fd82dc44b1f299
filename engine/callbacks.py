"""``engine.callbacks``: the callbacks of ``engine.train.fit`` under their short import path.

They live in ``engine.train.callbacks``, next to the loop whose hooks they implement.
"""
from .train.callbacks import (Callback, CSVLogger, EarlyStopping, LearningRateScheduler,
                              ModelCheckpoint)

__all__ = ["Callback", "EarlyStopping", "ModelCheckpoint", "LearningRateScheduler", "CSVLogger"]
