"""``engine.models``: the course's models, one short module per family.

- ``perceptron``: ``Perceptron`` (Rosenblatt's rule, Heaviside output; not gradient descent)
- ``mlp``: ``MLP(sizes, activation=...)``
- ``lenet``: ``LeNet5`` (the classic, with the slides' activation and pooling choices)
- ``vgg``: ``VGGNet`` (a small VGG-style CNN with batch norm and dropout: the best-MNIST model)
- ``regression``: ``LinearRegression`` (the single neuron of °C → °F), ``LogisticRegression``,
  ``SoftmaxRegression``, ``polynomial_features``, ``PolynomialRegression``
- generative models (units 8–10): ``autoencoder``, ``vae``, ``gan``
"""
from .autoencoder import Autoencoder, ConvAutoencoder, DenoisingAutoencoder, DenoisingDataset
from .gan import GANTrainer
from .lenet import LeNet5
from .mlp import MLP
from .perceptron import Perceptron
from .regression import (LinearRegression, LogisticRegression, PolynomialRegression,
                         SoftmaxRegression, polynomial_features)
from .vae import VAE, ConvVAE
from .vgg import VGGNet

__all__ = ["Perceptron", "MLP", "LeNet5", "VGGNet", "LinearRegression", "LogisticRegression",
           "SoftmaxRegression", "PolynomialRegression", "polynomial_features",
           # generative models (units 8-10)
           "Autoencoder", "ConvAutoencoder", "DenoisingAutoencoder", "DenoisingDataset", "VAE",
           "ConvVAE", "GANTrainer"]
