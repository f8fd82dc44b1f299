"""A PyTorch program for MNIST, written as one would for PyTorch: only the imports name engine.

Run it with PyTorch by changing the imports back (``import torch``, ``import torch.nn as nn``,
``import torch.nn.functional as F``, ``import torch.optim as optim``,
``from torch.optim.lr_scheduler import StepLR``, ``from torch.utils.data import Subset``,
``from torchvision import datasets, transforms``).  ``tests/test_pytorch_style_program.py``
trains it for a few hundred batches; ``benchmarks/pytorch_style_mnist_epoch.py`` for a whole
epoch.

    python tests/pytorch_style_mnist.py --data DIR [--epochs 1] [--max-batches N]

DIR holds the MNIST files (torchvision's DIR/MNIST/raw layout, or the files themselves).
"""
import argparse
import time

import engine as torch
import engine.nn as nn
import engine.nn.functional as F
import engine.optim as optim
from engine.optim.lr_scheduler import StepLR
from engine.utils.data import DataLoader, Subset
from engine.vision import datasets, transforms


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, 1)
        self.conv2 = nn.Conv2d(16, 32, 3, 1)
        self.dropout1 = nn.Dropout2d(0.1)
        self.pool = nn.AdaptiveAvgPool2d((6, 6))
        self.fc1 = nn.Linear(32 * 6 * 6, 128)
        self.norm = nn.LayerNorm(128)
        self.dropout2 = nn.Dropout(0.3)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.gelu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.pool(self.dropout1(x))
        x = x.flatten(1)
        x = F.silu(self.norm(self.fc1(x)))
        x = self.fc2(self.dropout2(x))
        return F.log_softmax(x, dim=1)


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.zeros_(m.bias)


def train(args, model, device, train_loader, optimizer, epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        if args.max_batches is not None and batch_idx >= args.max_batches:
            break
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
        optimizer.step()
        if batch_idx % args.log_interval == 0:
            print(f"Train Epoch: {epoch} [{batch_idx * len(data)}/{len(train_loader.dataset)} "
                  f"({100. * batch_idx / len(train_loader):.0f}%)]\tLoss: {loss.item():.6f}")


def test(model, device, test_loader):
    model.eval()
    test_loss, correct = 0.0, 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction="sum").item()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
    n = len(test_loader.dataset)
    print(f"\nTest set: Average loss: {test_loss / n:.4f}, Accuracy: {correct}/{n} "
          f"({100. * correct / n:.1f}%)\n")
    return correct / n


def main(argv=None):
    parser = argparse.ArgumentParser(description="PyTorch-style MNIST on engine")
    parser.add_argument("--data", default="../data", help="folder with the MNIST files")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--test-batch-size", type=int, default=1000)
    parser.add_argument("--test-size", type=int, default=None,
                        help="evaluate on the first N test images only")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--max-batches", type=int, default=None,
                        help="stop each epoch after N batches")
    parser.add_argument("--lr", type=float, default=1.0)
    parser.add_argument("--gamma", type=float, default=0.7)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log-interval", type=int, default=100)
    args = parser.parse_args(argv)

    torch.manual_seed(args.seed)
    device = "cpu"
    transform = transforms.Compose([transforms.ToTensor(),
                                    transforms.Normalize((0.1307,), (0.3081,))])
    train_set = datasets.MNIST(args.data, train=True, download=False, transform=transform)
    test_set = datasets.MNIST(args.data, train=False, transform=transform)
    if args.test_size is not None:
        test_set = Subset(test_set, range(args.test_size))
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=args.test_batch_size)

    model = Net().to(device)
    model.apply(init_weights)
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)
    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        train(args, model, device, train_loader, optimizer, epoch)
        accuracy = test(model, device, test_loader)
        scheduler.step()
    print(f"{time.perf_counter() - start:.1f} s")
    return accuracy


if __name__ == "__main__":
    main()
