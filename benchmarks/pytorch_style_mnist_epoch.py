"""One full epoch of the PyTorch-style MNIST program (tests/pytorch_style_mnist.py): the test
accuracy and the time it prints.

    python benchmarks/pytorch_style_mnist_epoch.py --data DIR [--epochs 1]
"""
import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    program = Path(__file__).resolve().parents[1] / "tests" / "pytorch_style_mnist.py"
    runpy.run_path(str(program), run_name="__main__")
