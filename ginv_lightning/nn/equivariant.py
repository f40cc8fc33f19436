"""Steerable (escnn) generator and discriminator, equivariant by construction."""

from __future__ import annotations

from collections.abc import Sequence

from escnn import nn as enn
from torch.nn.utils.parametrizations import spectral_norm as torch_spectral_norm

from ginv_lightning.nn.conditioning import ProjectionHead
from ginv_lightning.nn.escnn_skeletons import EscnnDiscriminator, EscnnGenerator
from ginv_lightning.nn.layers import (
    equivariant_conv,
    equivariant_conv_transposed,
    equivariant_pool,
    equivariant_upsample,
    spectral_equivariant_conv,
    spectral_equivariant_conv_transposed,
)
from ginv_lightning.shapes import ImageShape
from ginv_lightning.symmetry.escnn_group import EscnnGroup


class EquivariantGenerator(EscnnGenerator):
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
        spectral_norm: divide every expanded filter by its largest singular value
            (the anchors' recipe; exact equivariance is kept, see
            ``layers.SpectralR2Conv``).
    """

    def __init__(
        self,
        symmetry: EscnnGroup,
        image: ImageShape,
        widths: Sequence[int] = (32, 16, 8),
        latent_fields: int = 16,
        spectral_norm: bool = False,
    ) -> None:
        super().__init__()
        fields, start = self._take_inputs(symmetry, image, widths, latent_fields)
        conv = spectral_equivariant_conv if spectral_norm else equivariant_conv
        spread = (
            spectral_equivariant_conv_transposed if spectral_norm else equivariant_conv_transposed
        )
        current = fields.hidden(widths[0])
        layers: list[enn.EquivariantModule] = [spread(self.input_type, current, kernel_size=start)]
        for width in widths[1:]:
            following = fields.hidden(width)
            layers += [
                fields.batch_norm(current),
                fields.activation(current),
                equivariant_upsample(current),
                conv(current, following, kernel_size=3, padding=1),
            ]
            current = following
        layers += [
            fields.batch_norm(current),
            fields.activation(current),
            conv(current, fields.image(image.channels), kernel_size=3, padding=1),
        ]
        self.net = enn.SequentialModule(*layers)


class InvariantDiscriminator(EscnnDiscriminator):
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
        spectral_norm: divide every expanded filter, and the head's weight, by
            its largest singular value (the anchors' recipe; exactly invariant).
    """

    def __init__(
        self,
        symmetry: EscnnGroup,
        image: ImageShape,
        widths: Sequence[int] = (8, 16, 32),
        spectral_norm: bool = False,
    ) -> None:
        super().__init__()
        fields = self._take_images(symmetry, image, widths)
        conv = spectral_equivariant_conv if spectral_norm else equivariant_conv
        self.in_type = fields.image(image.channels)
        current = self.in_type
        layers: list[enn.EquivariantModule] = []
        for i, width in enumerate(widths):
            following = fields.hidden(width)
            layers += [
                conv(current, following, kernel_size=3, padding=1),
                fields.activation(following, leaky=True),
            ]
            if i < len(widths) - 1:
                layers.append(equivariant_pool(following))
            current = following
        self.net = enn.SequentialModule(*layers)
        head = ProjectionHead(len(current), image.classes)
        self.head = torch_spectral_norm(head) if spectral_norm else head
