"""``History``: what ``fit`` returns, the per-epoch and per-validation record of a run."""
import numpy as np


class History:
    """What ``fit`` returns.

    ``history``: dict of lists — "loss" and each metric per epoch, "lr" per epoch (when the
    optimizer has param_groups), "val_loss", "val_<metric>" per validation.
    ``epochs``: the epoch numbers (1-based) of the per-epoch lists; ``val_iterations``: the
    global iteration count at each validation; ``batch_losses``: the loss of every step.
    """

    def __init__(self):
        self.history = {}
        self.epochs = []
        self.val_iterations = []
        self.batch_losses = []

    def append(self, key, value):
        self.history.setdefault(key, []).append(float(value))

    @property
    def iterations(self):
        return self.val_iterations

    def __getitem__(self, key):
        return self.history[key]

    def __repr__(self):
        return f"History(epochs={len(self.epochs)}, keys={sorted(self.history)})"

    # -- checkpoints: plain arrays, so a checkpoint file needs no pickle
    def state_dict(self):
        return {"history": {k: np.asarray(v, dtype=np.float64) for k, v in self.history.items()},
                "epochs": np.asarray(self.epochs, dtype=np.int64),
                "val_iterations": np.asarray(self.val_iterations, dtype=np.int64),
                "batch_losses": np.asarray(self.batch_losses, dtype=np.float64)}

    def load_state_dict(self, state):
        self.history = {k: [float(v) for v in np.asarray(a).ravel()]
                        for k, a in state.get("history", {}).items()}
        self.epochs = [int(v) for v in np.asarray(state["epochs"]).ravel()]
        self.val_iterations = [int(v) for v in np.asarray(state["val_iterations"]).ravel()]
        self.batch_losses = [float(v) for v in np.asarray(state["batch_losses"]).ravel()]
