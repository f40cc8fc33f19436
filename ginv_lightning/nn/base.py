"""What the GAN module expects of a generator and a discriminator."""

from __future__ import annotations

import copy
from collections.abc import Callable

import torch
from torch import Tensor, nn

from ginv_lightning.nn.conditioning import LabelChannels, with_labels
from ginv_lightning.shapes import DataShape
from ginv_lightning.symmetry.contract import GroupAction


class Generator(nn.Module):
    """Maps latent noise to images and owns the law of that noise.

    Subclasses set ``latent_shape``; the noise is standard Gaussian in those
    coordinates, which equivariant generators choose so that its law is invariant.
    Class-conditional ones (built for a shape with ``classes``) set ``labels_in``
    and take ``forward(z, labels)``.
    """

    latent_shape: tuple[int, ...]

    def __init__(self) -> None:
        super().__init__()
        # not a class attribute: it would hide the submodule nn.Module keeps elsewhere
        self.labels_in: LabelChannels | None = None

    @property
    def classes(self) -> int:
        """How many classes it is conditioned on (0: unconditional)."""
        return self.labels_in.classes if self.labels_in is not None else 0

    def sample_latent(
        self,
        n: int,
        *,
        generator: torch.Generator | None = None,
        device: torch.device | str | None = None,
    ) -> Tensor:
        return torch.randn((n, *self.latent_shape), generator=generator, device=device)

    def export(self) -> Generator:
        """A plain-torch module with the same outputs, for fast sampling."""
        raise NotImplementedError


class Discriminator(nn.Module):
    """Maps a batch of images (N, C, *grid), or of points (N, d), to one real score each (N,).

    Class-conditional ones also take each sample's label: ``forward(x, labels)``.
    """


# What configs name as `generator:` / `discriminator:`: a class taking the
# symmetry and the data shape (images or vectors) first, its other arguments
# from YAML (the same pattern as Lightning's OptimizerCallable).
GeneratorBuilder = Callable[[GroupAction, DataShape], Generator]
DiscriminatorBuilder = Callable[[GroupAction, DataShape], Discriminator]


class PlainGenerator(Generator):
    """A plain-torch generator: ``net`` then tanh; already plain, so exporting copies it."""

    net: nn.Module

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        return torch.tanh(self.net(with_labels(z, labels, self.labels_in)))

    def export(self) -> Generator:
        return copy.deepcopy(self).eval()


class ExportedGenerator(Generator):
    """A generator rebuilt from plain torch layers (``nn.Sequential``) plus tanh."""

    def __init__(
        self,
        net: nn.Module,
        latent_shape: tuple[int, ...],
        labels_in: LabelChannels | None = None,
    ) -> None:
        super().__init__()
        self.net = net
        self.latent_shape = latent_shape
        self.labels_in = copy.deepcopy(labels_in)

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        return torch.tanh(self.net(with_labels(z, labels, self.labels_in)))

    def export(self) -> Generator:
        return self


def count_parameters(module: nn.Module) -> int:
    """Trainable parameters; for escnn layers these are the basis coefficients."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)
