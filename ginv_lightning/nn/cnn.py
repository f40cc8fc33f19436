"""Ordinary DCGAN-style baselines, optionally sized to match an equivariant counterpart."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from torch import Tensor, nn
from torch.nn.utils.parametrizations import spectral_norm as torch_spectral_norm

from ginv_lightning.nn import layers
from ginv_lightning.nn.base import Discriminator, PlainGenerator
from ginv_lightning.nn.conditioning import (
    ProjectionHead,
    grid_score,
    label_channels,
    label_width,
)
from ginv_lightning.nn.equivariant import EquivariantGenerator, InvariantDiscriminator
from ginv_lightning.nn.ladder import base_size, check_images, check_widths
from ginv_lightning.nn.matching import Match, matched_discriminator, matched_generator
from ginv_lightning.shapes import ImageShape
from ginv_lightning.symmetry.contract import GroupAction


class CNNGenerator(PlainGenerator):
    """The equivariant generator's layout with plain layers and no constraint.

    Args:
        symmetry: used only for its field size when matching (the grid is the image's).
        image: the shape of the images it makes.
        widths: channels per stage, coarsest first; with ``match`` set, the
            *equivariant* counterpart's fields per stage instead.
        latent_dim: noise channels; with ``match`` set, the counterpart's latent fields.
        match: ``None`` takes ``widths`` as channels. ``"params"`` picks channels
            so that the parameter count is within 10% of the counterpart
            ``EquivariantGenerator(widths, latent_dim)``. ``"shapes"`` multiplies by
            the field size, so every convolution has the counterpart's tensor shapes.
        spectral_norm: torch's ``spectral_norm`` on every convolution.
    """

    def __init__(
        self,
        symmetry: GroupAction,
        image: ImageShape,
        widths: Sequence[int] = (32, 16, 8),
        latent_dim: int = 64,
        match: Match | None = None,
        spectral_norm: bool = False,
    ) -> None:
        super().__init__()
        check_widths(widths)
        check_images(symmetry, image)
        dims = image.dims
        if match is not None:
            widths, latent_dim = matched_generator(
                symmetry, image, widths, latent_dim, match, EquivariantGenerator, CNNGenerator
            )
        start = base_size(image.size, len(widths))
        self.latent_shape = (latent_dim,) + (1,) * dims
        self.labels_in = label_channels(image.classes)
        inputs = latent_dim + label_width(self.labels_in)
        stack: list[nn.Module] = [layers.conv_transposed(dims, inputs, widths[0], start)]
        for previous, width in pairwise(widths):
            stack += [
                layers.batch_norm(dims, previous),
                nn.ReLU(),
                layers.upsample(dims),
                layers.conv(dims, previous, width, 3, padding=1),
            ]
        stack += layers.plain_image_head(dims, widths[-1], image.channels)
        self.net = nn.Sequential(*(_normalised(layer, spectral_norm) for layer in stack))


class CNNDiscriminator(Discriminator):
    """The invariant discriminator's layout with plain layers: no symmetry at all.

    Args:
        widths: channels per stage, finest first (fields of the counterpart with ``match``).
        match: as for :class:`CNNGenerator`, against ``InvariantDiscriminator(widths)``.
        spectral_norm: torch's ``spectral_norm`` on every convolution and the head.
    """

    def __init__(
        self,
        symmetry: GroupAction,
        image: ImageShape,
        widths: Sequence[int] = (8, 16, 32),
        match: Match | None = None,
        spectral_norm: bool = False,
    ) -> None:
        super().__init__()
        check_widths(widths)
        check_images(symmetry, image)
        dims = image.dims
        if match is not None:
            widths = matched_discriminator(
                symmetry, image, widths, match, InvariantDiscriminator, CNNDiscriminator
            )
        base_size(image.size, len(widths))
        stack: list[nn.Module] = []
        channels = image.channels
        for i, width in enumerate(widths):
            stack += [layers.conv(dims, channels, width, 3, padding=1), nn.LeakyReLU(0.2)]
            if i < len(widths) - 1:
                stack.append(layers.avg_pool(dims))
            channels = width
        self.net = nn.Sequential(*(_normalised(layer, spectral_norm) for layer in stack))
        self.head = _normalised(ProjectionHead(channels, image.classes), spectral_norm)

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        return grid_score(self.head, self.net(x), labels)


def _normalised(layer: nn.Module, spectral_norm: bool) -> nn.Module:
    """``layer`` under torch's spectral normalisation when asked and it has weights to scale."""
    scaled = isinstance(layer, (nn.Linear, nn.modules.conv._ConvNd))
    return torch_spectral_norm(layer) if spectral_norm and scaled else layer
