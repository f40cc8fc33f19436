"""Ordinary MLP baselines for vector data, optionally sized to match an equivariant MLP.

They also take other vector data, such as a plugin's sets (N, k, d), as flat
vectors of k d numbers: the baseline that knows nothing of the order exchange.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence

from torch import Tensor, nn

from ginv_lightning.nn.base import Discriminator, Generator
from ginv_lightning.nn.conditioning import ProjectionHead, label_channels, label_width, with_labels
from ginv_lightning.nn.equivariant_mlp import (
    EquivariantMLPGenerator,
    InvariantMLPDiscriminator,
    check_vectors,
)
from ginv_lightning.nn.fields import FeatureFields
from ginv_lightning.nn.ladder import check_widths
from ginv_lightning.nn.matching import Match, matched_widths
from ginv_lightning.shapes import DataShape, ImageShape, VectorShape
from ginv_lightning.symmetry.contract import GroupAction


class MLPGenerator(Generator):
    """The equivariant MLP generator's layout with plain ``nn.Linear`` layers and no constraint.

    Args:
        symmetry: only the dimension it acts on is used, and its field size when matching.
        shape: the points (or sets, as flat vectors) it makes.
        widths: units per hidden layer; with ``match`` set, the *equivariant*
            counterpart's fields per layer instead.
        latent_dim: noise dimension; with ``match`` set, the counterpart's latent fields.
        match: ``None`` takes ``widths`` as units. ``"params"`` picks units so that
            the parameter count is within 10% of ``EquivariantMLPGenerator(widths,
            latent_dim)``; ``"shapes"`` multiplies by the field size (the same
            matrix shapes). The noise then has the counterpart's dimension.
    """

    def __init__(
        self,
        symmetry: GroupAction,
        shape: DataShape,
        widths: Sequence[int] = (128, 128),
        latent_dim: int = 16,
        match: Match | None = None,
    ) -> None:
        super().__init__()
        check_widths(widths)
        self.sample_shape = _sample_shape(symmetry, shape, match)
        if match is not None:
            fields, latent_fields = list(widths), latent_dim
            vector_fields = FeatureFields.for_vectors(symmetry)
            latent_dim = vector_fields.latent(latent_fields).size
            widths = matched_widths(
                fields,
                vector_fields.field_size,
                match,
                lambda: EquivariantMLPGenerator(symmetry, shape, fields, latent_fields),
                lambda units: MLPGenerator(symmetry, shape, units, latent_dim),
            )
        self.latent_shape = (latent_dim,)
        self.labels_in = label_channels(shape.classes)
        self.net = _stack(
            latent_dim + label_width(self.labels_in), widths, math.prod(self.sample_shape)
        )

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        flat = self.net(with_labels(z, labels, self.labels_in))
        return flat.view(len(flat), *self.sample_shape)

    def export(self) -> Generator:
        return copy.deepcopy(self).eval()


class MLPDiscriminator(Discriminator):
    """The invariant MLP discriminator's layout with plain layers: no symmetry at all.

    Args:
        widths: units per hidden layer (fields of the counterpart with ``match``).
        match: as for :class:`MLPGenerator`, against ``InvariantMLPDiscriminator(widths)``.
    """

    def __init__(
        self,
        symmetry: GroupAction,
        shape: DataShape,
        widths: Sequence[int] = (128, 128),
        match: Match | None = None,
    ) -> None:
        super().__init__()
        check_widths(widths)
        inputs = math.prod(_sample_shape(symmetry, shape, match))
        if match is not None:
            fields = list(widths)
            widths = matched_widths(
                fields,
                FeatureFields.for_vectors(symmetry).field_size,
                match,
                lambda: InvariantMLPDiscriminator(symmetry, shape, fields),
                lambda units: MLPDiscriminator(symmetry, shape, units),
            )
        self.net = _stack(inputs, widths, 1, score_classes=shape.classes)

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        *hidden, head = self.net  # the head projects the class vector on the last features
        return head(nn.Sequential(*hidden)(x.flatten(1)), labels).squeeze(-1)


def _sample_shape(symmetry: GroupAction, shape: DataShape, match: Match | None) -> tuple[int, ...]:
    """The shape of one sample an MLP makes or judges: a point (d,), or any other kind of
    vector data (a plugin's sets (k, d)) flattened; images need the convolutional networks."""
    if isinstance(shape, VectorShape | ImageShape):
        check_vectors(symmetry, shape)
        return shape.sample_shape
    if match is not None:
        raise ValueError(
            f"match sizes an MLP against an escnn equivariant MLP, which {shape.describe()} "
            "have none of; give the MLP its widths"
        )
    return shape.sample_shape


def _stack(
    inputs: int, widths: Sequence[int], outputs: int, score_classes: int | None = None
) -> nn.Sequential:
    """Linear layers through ``widths`` with LeakyReLU(0.2), as the equivariant MLPs use.

    With ``score_classes`` (a discriminator's) the last layer is a projection head
    for that many classes (0: a plain linear score).
    """
    layers: list[nn.Module] = []
    for width in widths:
        layers += [nn.Linear(inputs, width), nn.LeakyReLU(0.2)]
        inputs = width
    if score_classes is None:
        layers.append(nn.Linear(inputs, outputs))
    else:
        layers.append(ProjectionHead(inputs, score_classes))
    return nn.Sequential(*layers)
