"""Moving a tensor between devices, as an op: the gradient goes back the way it came."""
from ..autograd import Function
from ..devices import as_device, device_of, move


class ToDevice(Function):
    """y = x on ``device``;  ∂L/∂x = ∂L/∂y moved back to x's device.

    ``Tensor.to("cuda")`` / ``.cpu()`` call it, so a graph may start on the host and continue
    on the GPU: backward brings the gradient home. The only host↔device copies are here
    (and in ``Module.to``), where the user asked for them.
    """

    def __init__(self, device):
        self.device = as_device(device)

    def forward(self, x):
        self.source = device_of(x)
        return move(x, self.device)

    def backward(self, gy):
        return move(gy, self.source)
