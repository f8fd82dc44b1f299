"""How to call each activation kernel pair, shared by the kernel and gradient tests."""
from dataclasses import dataclass, field


@dataclass
class Kernel:
    name: str
    params: dict = field(default_factory=dict)
    saves_output: bool = False   # backward takes y (sigmoid, tanh, softmax) instead of x
    along_axis: bool = False     # softmax family: takes an axis
    per_channel: bool = False    # PReLU: takes the slopes
    backward_params: bool = True  # Heaviside's backward (all zeros) needs no parameters

    def forward(self, kernels, x, weight=None, axis=-1, out=None):
        f = getattr(kernels, self.name)
        if self.per_channel:
            return f(x, weight, out=out)
        if self.along_axis:
            return f(x, axis, out=out)
        return f(x, **self.params, out=out)

    def backward(self, kernels, x, y, gy, weight=None, axis=-1, out=None):
        f = getattr(kernels, self.name + "_backward")
        saved = y if self.saves_output else x
        if self.per_channel:
            return f(x, weight, gy, out=out)
        if self.along_axis:
            return f(saved, gy, axis, out=out)
        return f(saved, gy, **(self.params if self.backward_params else {}), out=out)


KERNELS = [
    Kernel("relu"),
    Kernel("leaky_relu", {"negative_slope": 0.1}),
    Kernel("prelu", per_channel=True),
    Kernel("elu", {"alpha": 1.3}),
    Kernel("sigmoid", saves_output=True),
    Kernel("tanh", saves_output=True),
    Kernel("softplus"),
    Kernel("heaviside", {"value_at_zero": 0.5}, backward_params=False),
    Kernel("softmax", saves_output=True, along_axis=True),
    Kernel("log_softmax", saves_output=True, along_axis=True),
]
