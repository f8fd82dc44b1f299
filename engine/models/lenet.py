"""LeNet-5 (LeCun, Bottou, Bengio, Haffner, 1998): the classic convolutional net for digits.

    input 1×32×32 (MNIST's 28×28 padded by 2)
    C1: 6 convolutions 5×5        → 6×28×28     S2: 2×2 subsampling → 6×14×14
    C3: 16 convolutions 5×5       → 16×10×10    S4: 2×2 subsampling → 16×5×5
    C5: 120 convolutions 5×5      → 120×1×1     F6: 84 units       → output: 10 scores

The choices the slides discuss are parameters: ``activation="tanh"`` (the original's squashing
function) or ``"relu"`` (today's default, trains faster); ``pooling="avg"`` (the original's
subsampling) or ``"max"`` (max pooling, today's default).
"""
from .. import nn
from ..validate import positive_int
from .mlp import activation_module


class LeNet5(nn.Module):
    """``LeNet5(num_classes=10, in_channels=1, activation="tanh", pooling="avg", image_size=28)``.

    Input (N, in_channels, image_size, image_size) with image_size 28 (padded by 2 in C1) or 32;
    output (N, num_classes) class scores (logits).
    """

    def __init__(self, num_classes=10, in_channels=1, activation="tanh", pooling="avg", image_size=28):
        super().__init__()
        num_classes = positive_int(num_classes, "num_classes")
        in_channels = positive_int(in_channels, "in_channels")
        if image_size not in (28, 32):
            raise ValueError(f"image_size must be 28 (MNIST, padded to 32) or 32, got {image_size!r}")
        if pooling not in ("avg", "max"):
            raise ValueError(f"pooling must be 'avg' or 'max', got {pooling!r}")
        pool = nn.AvgPool2d if pooling == "avg" else nn.MaxPool2d
        pad = 2 if image_size == 28 else 0
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, 5, padding=pad), activation_module(activation), pool(2),   # C1, S2
            nn.Conv2d(6, 16, 5), activation_module(activation), pool(2),                        # C3, S4
            nn.Conv2d(16, 120, 5), activation_module(activation))                               # C5
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(120, 84), activation_module(activation),                   # F6
            nn.Linear(84, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))
