"""What every steerable (escnn) generator and invariant discriminator shares.

A generator takes noise in regular fields (and, for labelled images, class
vectors as trivial fields), runs a body of escnn layers ending in the image's
scalar fields, bounds them with tanh, and exports to plain torch. An invariant
discriminator runs its body, pools each field over the group, averages over the
grid and scores with a linear head. Subclasses build only their body (``net``).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from escnn import nn as enn
from torch import Tensor

from ginv_lightning.escnn_support.plain_forward import FastPath
from ginv_lightning.nn.base import Discriminator, ExportedGenerator, Generator
from ginv_lightning.nn.conditioning import grid_score, label_channels, label_width, with_labels
from ginv_lightning.nn.export import export_sequential
from ginv_lightning.nn.fields import FeatureFields
from ginv_lightning.nn.ladder import base_size, check_images, check_widths
from ginv_lightning.shapes import ImageShape
from ginv_lightning.symmetry.escnn_group import EscnnGroup


def steerable_base_size(image: ImageShape, widths: Sequence[int]) -> int:
    """The coarsest grid of a generator's ladder, at least 3 wide.

    escnn's default kernel basis of width 2 has its only ring at the centre,
    where no point of an even-width kernel lies: the basis is empty.
    """
    start = base_size(image.size, len(widths))
    if start < 3:
        raise ValueError(
            f"image size {image.size} with {len(widths)} widths leaves a {start}-wide "
            "coarsest grid, and steerable kernels need at least 3; use fewer widths "
            "or a larger image size"
        )
    return start


class EscnnGenerator(FastPath, Generator):
    """G(g.z) = g.G(z) for any body of escnn layers from ``input_type`` to the image's fields."""

    latent_type: enn.FieldType
    input_type: enn.FieldType
    net: enn.SequentialModule

    def _take_inputs(
        self, symmetry: EscnnGroup, image: ImageShape, widths: Sequence[int], latent_fields: int
    ) -> tuple[FeatureFields, int]:
        """Check the ladder, set the noise, label and input types; the fields and coarsest grid."""
        check_widths(widths)
        check_images(symmetry, image)
        start = steerable_base_size(image, widths)
        fields = FeatureFields(symmetry)
        self.latent_type = fields.latent(latent_fields)
        self.latent_shape = (self.latent_type.size,) + (1,) * symmetry.dimensionality
        self.labels_in = label_channels(image.classes)
        self.input_type = fields.generator_input(self.latent_type, label_width(self.labels_in))
        return fields, start

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        inputs = with_labels(z, labels, self.labels_in)
        return torch.tanh(self.run_escnn(self.net, inputs)).contiguous()

    def export(self) -> Generator:
        """Plain torch layers (and sums) with the filters expanded once (see ``nn.export``)."""
        net = export_sequential(self.net)
        return ExportedGenerator(net, self.latent_shape, self.labels_in).eval()


class EscnnDiscriminator(FastPath, Discriminator):
    """D(g.x) = D(x) for any body of escnn layers: group pooling, a grid mean, a linear head."""

    net: enn.SequentialModule
    fields: FeatureFields
    head: torch.nn.Module

    def _take_images(
        self, symmetry: EscnnGroup, image: ImageShape, widths: Sequence[int]
    ) -> FeatureFields:
        """Check the ladder and the images; the fields its body is built of."""
        check_widths(widths)
        check_images(symmetry, image)
        base_size(image.size, len(widths))
        self.fields = FeatureFields(symmetry)
        return self.fields

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        features = self.run_escnn(self.net, x)
        invariant = self.fields.invariant_features(features, self.net.out_type)
        return grid_score(self.head, invariant, labels)
