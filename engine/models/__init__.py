"""``engine.models``: the course's models, one short module per family.

- ``perceptron``: ``Perceptron`` (Rosenblatt's rule, Heaviside output; not gradient descent)
- ``mlp``: ``MLP(sizes, activation=...)``
- ``lenet``: ``LeNet5`` (the classic, with the slides' activation and pooling choices)
- ``vgg``: ``VGGNet`` (a small VGG-style CNN with batch norm and dropout: the best-MNIST model)
- ``regression``: ``LinearRegression`` (the single neuron of °C → °F), ``SoftmaxRegression``,
  ``LogisticRegression``, ``polynomial_features``, ``PolynomialRegression``
- generative models (units 8–10): ``autoencoder``, ``vae``, ``gan``
"""
from .autoencoder import (Autoencoder, ConvAutoencoder, DenoisingAutoencoder,  # noqa: E402
                          DenoisingDataset)
from .gan import GANTrainer  # noqa: E402
from .vae import VAE, ConvVAE  # noqa: E402
