"""``engine.models``: the course's models, one short module per family.

- ``perceptron``: ``Perceptron`` (Rosenblatt's rule, Heaviside output; not gradient descent)
- ``mlp``: ``MLP(sizes, activation=...)``
- ``lenet``: ``LeNet5`` (the classic, with the slides' activation and pooling choices)
- ``vgg``: ``VGGNet`` (a small VGG-style CNN with batch norm and dropout: the best-MNIST model)
- ``regression``: ``LinearRegression`` (the single neuron of °C → °F), ``LogisticRegression``,
  ``SoftmaxRegression``, ``polynomial_features``, ``PolynomialRegression``
- generative models (units 8–10): ``autoencoder``, ``vae``, ``gan``
"""
from .lenet import LeNet5
from .mlp import MLP
from .perceptron import Perceptron
from .regression import (LinearRegression, LogisticRegression, PolynomialRegression,
                         SoftmaxRegression, polynomial_features)
from .vgg import VGGNet

__all__ = ["Perceptron", "MLP", "LeNet5", "VGGNet", "LinearRegression", "LogisticRegression",
           "SoftmaxRegression", "PolynomialRegression", "polynomial_features"]

# generative models and what their codes are good for (units 8–10)
from .autoencoder import (Autoencoder, ConvAutoencoder, DenoisingAutoencoder,  # noqa: E402
                          DenoisingDataset)
from .gan import GANTrainer  # noqa: E402
from .vae import VAE, ConvVAE  # noqa: E402

__all__ += ["Autoencoder", "ConvAutoencoder", "DenoisingAutoencoder", "DenoisingDataset", "VAE",
            "ConvVAE", "GANTrainer"]
