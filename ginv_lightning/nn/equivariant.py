"""Steerable (escnn) generator and discriminator, equivariant by construction."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from escnn import nn as enn
from torch import Tensor

from ginv_lightning.escnn_support.plain_forward import FastPath
from ginv_lightning.nn.base import Discriminator, ExportedGenerator, Generator
from ginv_lightning.nn.conditioning import (
    ProjectionHead,
    label_channels,
    label_width,
    with_labels,
)
from ginv_lightning.nn.export import export_sequential
from ginv_lightning.nn.fields import FeatureFields
from ginv_lightning.nn.ladder import base_size, check_images, check_widths
from ginv_lightning.nn.layers import (
    equivariant_conv,
    equivariant_conv_transposed,
    equivariant_pool,
    equivariant_upsample,
)
from ginv_lightning.shapes import ImageShape
from ginv_lightning.symmetry.base import Symmetry


class EquivariantGenerator(FastPath, Generator):
    """G(g.z) = g.G(z): noise in regular fields, escnn layers end to end, a scalar image out.

    The noise is a 1x1 map of ``latent_fields`` regular fields (band-limited for
    continuous groups). A transposed convolution spreads it over the coarsest
    grid; each further stage doubles the resolution (nearest upsampling, 3x3
    steerable convolution, batch norm, nonlinearity); a last convolution maps to
    ``image.channels`` scalar fields and tanh bounds them to [-1, 1]. For images
    with ``classes``, a learnt vector per class joins the noise as trivial fields.

    Args:
        symmetry: the group the generator commutes with.
        image: the shape of the images it makes.
        widths: regular fields per stage, coarsest first; there are
            ``len(widths) - 1`` doublings of resolution.
        latent_fields: regular fields of noise.
    """

    def __init__(
        self,
        symmetry: Symmetry,
        image: ImageShape,
        widths: Sequence[int] = (32, 16, 8),
        latent_fields: int = 16,
    ) -> None:
        super().__init__()
        check_widths(widths)
        check_images(symmetry, image)
        fields = FeatureFields(symmetry)
        start = base_size(image.size, len(widths))
        if start < 3:
            # escnn's default kernel basis of width 2 has its only ring at the centre,
            # where no point of an even-width kernel lies: the basis is empty.
            raise ValueError(
                f"image size {image.size} with {len(widths)} widths leaves a {start}-wide "
                "coarsest grid, and steerable kernels need at least 3; use fewer widths "
                "or a larger image size"
            )
        self.latent_type = fields.latent(latent_fields)
        self.latent_shape = (self.latent_type.size,) + (1,) * symmetry.dimensionality
        self.labels_in = label_channels(image.classes)
        self.input_type = fields.generator_input(self.latent_type, label_width(self.labels_in))
        current = fields.hidden(widths[0])
        layers: list[enn.EquivariantModule] = [
            equivariant_conv_transposed(self.input_type, current, kernel_size=start)
        ]
        for width in widths[1:]:
            following = fields.hidden(width)
            layers += [
                fields.batch_norm(current),
                fields.activation(current),
                equivariant_upsample(current),
                equivariant_conv(current, following, kernel_size=3, padding=1),
            ]
            current = following
        layers += [
            fields.batch_norm(current),
            fields.activation(current),
            equivariant_conv(current, fields.image(image.channels), kernel_size=3, padding=1),
        ]
        self.net = enn.SequentialModule(*layers)

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        inputs = with_labels(z, labels, self.labels_in)
        return torch.tanh(self.run_escnn(self.net, inputs)).contiguous()

    def export(self) -> Generator:
        """Plain torch layers with the filters expanded once (see ``nn.export``)."""
        net = export_sequential(self.net)
        return ExportedGenerator(net, self.latent_shape, self.labels_in).eval()


class InvariantDiscriminator(FastPath, Discriminator):
    """D(g.x) = D(x): steerable convolutions, group pooling, a spatial mean, a linear head.

    Each stage is a 3x3 steerable convolution and a (leaky) nonlinearity, with
    2x2 average pooling between stages. Pooling each field over the group makes
    the features invariant; averaging over the grid removes where they are.
    For images with ``classes``, the head adds the projection of a learnt class
    vector on those invariant features (Miyato & Koyama 2018).

    Args:
        symmetry: the group the score is invariant to.
        image: the shape of the images it judges.
        widths: regular fields per stage, finest first.
    """

    def __init__(
        self,
        symmetry: Symmetry,
        image: ImageShape,
        widths: Sequence[int] = (8, 16, 32),
    ) -> None:
        super().__init__()
        check_widths(widths)
        check_images(symmetry, image)
        base_size(image.size, len(widths))
        fields = FeatureFields(symmetry)
        self.in_type = fields.image(image.channels)
        current = self.in_type
        layers: list[enn.EquivariantModule] = []
        for i, width in enumerate(widths):
            following = fields.hidden(width)
            layers += [
                equivariant_conv(current, following, kernel_size=3, padding=1),
                fields.activation(following, leaky=True),
            ]
            if i < len(widths) - 1:
                layers.append(equivariant_pool(following))
            current = following
        self.net = enn.SequentialModule(*layers)
        self.fields = fields
        self.head = ProjectionHead(len(current), image.classes)

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        features = self.run_escnn(self.net, x)
        invariant = self.fields.invariant_features(features, self.net.out_type)
        return self.head(invariant.flatten(2).mean(-1), labels).squeeze(-1)
