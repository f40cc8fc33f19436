"""Equivariant MLPs (escnn, no base space) for data that are points of R^d, not images.

The group acts on a point by its base-space representation (a 2-D rotation or
reflection for the planar groups); hidden features are regular fields of the
group with no base space (``escnn.gspaces.no_base_space``), mixed by
``escnn.nn.Linear`` and pointwise nonlinearities, as escnn's MLP examples do.
"""

from __future__ import annotations

from collections.abc import Sequence

from escnn import nn as enn
from torch import Tensor

from ginv_lightning.nn.base import Discriminator, ExportedGenerator, Generator
from ginv_lightning.nn.conditioning import (
    ProjectionHead,
    label_channels,
    label_width,
    with_labels,
)
from ginv_lightning.nn.export import export_sequential
from ginv_lightning.nn.fields import FeatureFields
from ginv_lightning.nn.ladder import check_widths
from ginv_lightning.shapes import DataShape, VectorShape
from ginv_lightning.symmetry.escnn_group import EscnnGroup, require_escnn


class EquivariantMLPGenerator(Generator):
    """G(rho(g) z) = g.G(z) for points: regular-field noise, equivariant layers, a vector out.

    The noise is ``latent_fields`` regular fields: its Gaussian law is invariant
    but no group element fixes it, so the generated law is invariant while each
    point is free to lie anywhere (noise in trivial fields could only produce the
    fixed points of the group, i.e. the origin).

    Args:
        symmetry: the group the generator commutes with.
        shape: the points it makes, of the base space's dimension.
        widths: regular fields per hidden layer.
        latent_fields: regular fields of noise.
    """

    def __init__(
        self,
        symmetry: EscnnGroup,
        shape: DataShape,
        widths: Sequence[int] = (32, 32),
        latent_fields: int = 4,
    ) -> None:
        super().__init__()
        check_widths(widths)
        check_vectors(symmetry, shape)
        fields = FeatureFields.for_vectors(symmetry)
        self.latent_type = fields.latent(latent_fields)
        self.latent_shape = (self.latent_type.size,)
        self.labels_in = label_channels(shape.classes)
        self.input_type = fields.generator_input(self.latent_type, label_width(self.labels_in))
        layers, current = hidden_layers(fields, self.input_type, widths)
        layers.append(linear(current, fields.vectors()))
        self.net = enn.SequentialModule(*layers)

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        inputs = with_labels(z, labels, self.labels_in)
        return self.net(enn.GeometricTensor(inputs, self.input_type)).tensor

    def export(self) -> Generator:
        """Plain torch layers with the weight matrices expanded once (see ``nn.export``)."""
        net = export_sequential(self.net)
        return _ExportedMLP(net, self.latent_shape, self.labels_in).eval()


class _ExportedMLP(ExportedGenerator):
    """An exported vector generator: no tanh, points are unbounded."""

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        return self.net(with_labels(z, labels, self.labels_in))


class InvariantMLPDiscriminator(Discriminator):
    """D(g.x) = D(x) for points: equivariant layers, group pooling, a linear head.

    One forward pass, whatever the group's order (an orbit average costs |G|).

    Args:
        symmetry: the group the score is invariant to.
        shape: the points it judges.
        widths: regular fields per hidden layer.
    """

    def __init__(
        self,
        symmetry: EscnnGroup,
        shape: DataShape,
        widths: Sequence[int] = (32, 32),
    ) -> None:
        super().__init__()
        check_widths(widths)
        check_vectors(symmetry, shape)
        fields = FeatureFields.for_vectors(symmetry)
        self.in_type = fields.vectors()
        layers, current = hidden_layers(fields, self.in_type, widths)
        self.net = enn.SequentialModule(*layers)
        self.fields = fields
        self.head = ProjectionHead(len(current), shape.classes)

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        features = self.net(enn.GeometricTensor(x, self.in_type))
        invariant = self.fields.invariant_features(features.tensor, features.type)
        return self.head(invariant, labels).squeeze(-1)


def hidden_layers(
    fields: FeatureFields, in_type: enn.FieldType, widths: Sequence[int]
) -> tuple[list[enn.EquivariantModule], enn.FieldType]:
    """Linear maps to ``widths`` regular fields, each followed by a leaky nonlinearity.

    Returns the layers and the field type they end with.
    """
    layers: list[enn.EquivariantModule] = []
    current = in_type
    for width in widths:
        following = fields.hidden(width)
        layers += [linear(current, following), fields.activation(following, leaky=True)]
        current = following
    return layers, current


def linear(in_type: enn.FieldType, out_type: enn.FieldType) -> enn.Linear:
    """An equivariant linear map that owns its basis (see ``layers.py`` on ``recompute``)."""
    return enn.Linear(in_type, out_type, recompute=True)


def check_vectors(symmetry: EscnnGroup, shape: DataShape) -> None:
    """MLPs make and judge points of the base space; images need the convolutional networks."""
    if not isinstance(shape, VectorShape):
        raise ValueError(
            f"MLP networks take vector data (points of R^d), got {shape}; "
            "use the convolutional networks for images"
        )
    symmetry = require_escnn(symmetry)
    if shape.dim != symmetry.dimensionality:
        raise ValueError(
            f"{symmetry.name} acts on R^{symmetry.dimensionality}, "
            f"but the data are points of R^{shape.dim}"
        )
