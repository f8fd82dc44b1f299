"""A PyTorch program (tests/pytorch_style_mnist.py: only its imports name engine) trains on the
real MNIST files: a few hundred batches here; the whole epoch is
benchmarks/pytorch_style_mnist_epoch.py."""
import os
from pathlib import Path

import pytest

import pytorch_style_mnist


def mnist_dir():
    """The IDX files: $ENGINE_DATA/mnist, else the shared/ folder beside the repository."""
    candidates = [Path(os.environ["ENGINE_DATA"]) / "mnist"] if "ENGINE_DATA" in os.environ else []
    candidates.append(Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist")
    for path in candidates:
        if (path / "train-images-idx3-ubyte.gz").exists():
            return path
    pytest.skip("MNIST files not found (set ENGINE_DATA)")


def test_pytorch_style_program_learns_mnist(capsys):
    accuracy = pytorch_style_mnist.main(["--data", str(mnist_dir()), "--max-batches", "300",
                                         "--test-size", "2000", "--log-interval", "50"])
    out = capsys.readouterr().out
    assert "Train Epoch: 1 [3200/60000" in out and "Accuracy:" in out
    assert accuracy >= 0.95, out
