"""A small VGG-style CNN: stacks of 3×3 convolutions with batch norm, max pooling, dropout.

VGG's idea (Simonyan & Zisserman, 2014): only 3×3 convolutions, two per block (two stacked 3×3
see a 5×5 window with fewer weights and one more non-linearity), the spatial size halved by a
2×2 max pool after each block while the channel count doubles. Batch norm after each convolution
lets a high learning rate train it quickly; dropout before the classifier regularises it. With
augmentation this is the model behind the slides' "convolutional net: 99.50%" MNIST figure
(``examples/mnist_best.py``).
"""
from .. import nn
from ..validate import positive_int, probability


def _block(c_in, c_out):
    """conv 3×3 → BN → ReLU → conv 3×3 → BN → ReLU → max pool 2×2 (halves H and W)."""
    return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(),
            nn.Conv2d(c_out, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(),
            nn.MaxPool2d(2)]


class VGGNet(nn.Module):
    """``VGGNet(in_channels=1, num_classes=10, channels=(32, 64), hidden=128, dropout=0.4,
    image_size=28)``: one VGG block per entry of ``channels``, then
    flatten → Linear → BN → ReLU → Dropout → Linear (the class scores, logits).

    Input (N, in_channels, image_size, image_size); output (N, num_classes).
    ``image_size`` must be divisible by 2 ** len(channels).
    """

    def __init__(self, in_channels=1, num_classes=10, channels=(32, 64), hidden=128, dropout=0.4,
                 image_size=28):
        super().__init__()
        in_channels = positive_int(in_channels, "in_channels")
        num_classes = positive_int(num_classes, "num_classes")
        hidden = positive_int(hidden, "hidden")
        image_size = positive_int(image_size, "image_size")
        if not isinstance(channels, (tuple, list)) or not channels:
            raise TypeError(f"channels must be a non-empty tuple of ints, got {channels!r}")
        channels = tuple(positive_int(c, "channels[i]") for c in channels)
        if image_size % (2 ** len(channels)):
            raise ValueError(f"image_size must be divisible by 2**len(channels) = {2 ** len(channels)}, "
                             f"got {image_size}")
        dropout = probability(dropout, "dropout", allow_one=False)
        layers, c = [], in_channels
        for width in channels:
            layers += _block(c, width)
            c = width
        side = image_size // 2 ** len(channels)
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(c * side * side, hidden, bias=False), nn.BatchNorm1d(hidden),
            nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))
