"""BigGAN-style residual networks: steerable (escnn) and their plain-torch counterparts.

Deeper ladders (64 px and up) train better with skip connections. Adding two
feature maps of the same field type is equivariant, so a residual block of
equivariant branches is equivariant; the blocks reuse the plain ladders'
resampling (nearest upsampling, 2x2 average pooling), which is exact on the
square grid. The CNN counterparts have the same layout with plain layers and
size themselves against the steerable networks with ``match`` (see ``nn.matching``).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from escnn import nn as enn
from torch import Tensor, nn
from torch.nn.utils.parametrizations import spectral_norm as torch_spectral_norm

from ginv_lightning.escnn_support.plain_forward import plain_forward
from ginv_lightning.nn import layers
from ginv_lightning.nn.base import Discriminator, PlainGenerator
from ginv_lightning.nn.conditioning import (
    ProjectionHead,
    grid_score,
    label_channels,
    label_width,
)
from ginv_lightning.nn.escnn_skeletons import EscnnDiscriminator, EscnnGenerator
from ginv_lightning.nn.export import FieldwiseFourierActivation
from ginv_lightning.nn.ladder import base_size, check_images, check_widths
from ginv_lightning.nn.matching import Match, matched_discriminator, matched_generator
from ginv_lightning.shapes import ImageShape
from ginv_lightning.symmetry.escnn_group import EscnnGroup


class PlainResidual(nn.Module):
    """``main(x) + skip(x)`` in plain torch: CNN blocks and exported steerable ones."""

    def __init__(self, main: nn.Module, skip: nn.Module) -> None:
        super().__init__()
        self.main = main
        self.skip = skip

    def forward(self, x: Tensor) -> Tensor:
        return self.main(x) + self.skip(x)


def _export_layers(network: enn.SequentialModule) -> nn.Sequential:
    """Export the children of an eval-mode copy (what ``export_sequential`` hands us)."""
    exported = [
        FieldwiseFourierActivation(layer)
        if isinstance(layer, enn.FourierPointwise)
        else layer.export()
        for layer in network.children()
    ]
    return nn.Sequential(*exported)


class EquivariantResidual(enn.EquivariantModule):
    """``main(x) + skip(x)`` for two branches with the same output field type."""

    def __init__(self, main: enn.SequentialModule, skip: enn.EquivariantModule) -> None:
        super().__init__()
        if main.out_type != skip.out_type:
            raise ValueError("residual branches must give the same field type")
        self.main = main
        self.skip = skip
        self.in_type = main.in_type
        self.out_type = main.out_type

    def forward(self, x: enn.GeometricTensor) -> enn.GeometricTensor:
        return self.main(x) + self.skip(x)

    def plain_forward(self, x: Tensor) -> Tensor:
        """The same sum on plain tensors (see ``escnn_support.plain_forward``)."""
        return plain_forward(self.main, x) + plain_forward(self.skip, x)

    def evaluate_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        return self.main.evaluate_output_shape(input_shape)

    def export(self) -> nn.Module:
        """Plain torch; called by ``export_sequential`` on its eval-mode copy."""
        skip = self.skip
        plain_skip = (
            _export_layers(skip) if isinstance(skip, enn.SequentialModule) else skip.export()
        )
        return PlainResidual(_export_layers(self.main), plain_skip)


def _sequence(
    in_type: enn.FieldType, modules: list[enn.EquivariantModule]
) -> enn.EquivariantModule:
    return enn.SequentialModule(*modules) if modules else enn.IdentityModule(in_type)


class ResidualEquivariantGenerator(EscnnGenerator):
    """G(g.z) = g.G(z) with BigGAN-style residual up-blocks of steerable layers.

    The noise and the first stage are the plain ``EquivariantGenerator``'s (a
    transposed convolution onto the coarsest grid). Each further stage is a
    block: batch norm, nonlinearity, nearest upsampling, 3x3 convolution, batch
    norm, nonlinearity, 3x3 convolution; plus a skip of upsampling and, when
    the field count changes, a 1x1 convolution. Then batch norm, nonlinearity,
    a 3x3 convolution to ``image.channels`` scalar fields and tanh.

    Args:
        symmetry: the group the generator commutes with.
        image: the shape of the images it makes.
        widths: regular fields per stage, coarsest first (``len(widths) - 1`` blocks).
        latent_fields: regular fields of noise.
    """

    def __init__(
        self,
        symmetry: EscnnGroup,
        image: ImageShape,
        widths: Sequence[int] = (32, 16, 8, 4),
        latent_fields: int = 16,
    ) -> None:
        super().__init__()
        fields, start = self._take_inputs(symmetry, image, widths, latent_fields)
        current = fields.hidden(widths[0])
        stack: list[enn.EquivariantModule] = [
            layers.equivariant_conv_transposed(self.input_type, current, kernel_size=start)
        ]
        for width in widths[1:]:
            following = fields.hidden(width)
            main = enn.SequentialModule(
                fields.batch_norm(current),
                fields.activation(current),
                layers.equivariant_upsample(current),
                layers.equivariant_conv(current, following, kernel_size=3, padding=1),
                fields.batch_norm(following),
                fields.activation(following),
                layers.equivariant_conv(following, following, kernel_size=3, padding=1),
            )
            skip = [layers.equivariant_upsample(current)]
            if following != current:
                skip.append(layers.equivariant_conv(current, following, kernel_size=1))
            stack.append(EquivariantResidual(main, enn.SequentialModule(*skip)))
            current = following
        stack += [
            fields.batch_norm(current),
            fields.activation(current),
            layers.equivariant_conv(
                current, fields.image(image.channels), kernel_size=3, padding=1
            ),
        ]
        self.net = enn.SequentialModule(*stack)


class ResidualInvariantDiscriminator(EscnnDiscriminator):
    """D(g.x) = D(x) with BigGAN-style residual down-blocks of steerable layers.

    Block i maps to ``widths[i]`` regular fields: (leaky) nonlinearity, 3x3
    convolution, nonlinearity, 3x3 convolution, then 2x2 average pooling (not
    after the last block); the skip is a 1x1 convolution when the field count
    changes, and the same pooling. The first block starts with the convolution
    (no nonlinearity on the image). Then a nonlinearity, group pooling, a
    spatial mean and a linear head, as in ``InvariantDiscriminator``.

    Args:
        symmetry: the group the score is invariant to.
        image: the shape of the images it judges.
        widths: regular fields per block, finest first.
        spectral_norm: divide every expanded filter (and the head's weight) by
            its largest singular value, estimated by power iteration; exact
            invariance is kept (see ``layers.SpectralR2Conv``).
    """

    def __init__(
        self,
        symmetry: EscnnGroup,
        image: ImageShape,
        widths: Sequence[int] = (4, 8, 16, 32),
        spectral_norm: bool = False,
    ) -> None:
        super().__init__()
        conv = layers.spectral_equivariant_conv if spectral_norm else layers.equivariant_conv
        fields = self._take_images(symmetry, image, widths)
        self.in_type = fields.image(image.channels)
        current = self.in_type
        stack: list[enn.EquivariantModule] = []
        for i, width in enumerate(widths):
            following = fields.hidden(width)
            main = [] if i == 0 else [fields.activation(current, leaky=True)]
            main += [
                conv(current, following, kernel_size=3, padding=1),
                fields.activation(following, leaky=True),
                conv(following, following, kernel_size=3, padding=1),
            ]
            skip = [] if following == current else [conv(current, following, kernel_size=1)]
            if i < len(widths) - 1:
                main.append(layers.equivariant_pool(following))
                skip.append(layers.equivariant_pool(following))
            skip_branch = _sequence(following, skip)
            stack.append(EquivariantResidual(enn.SequentialModule(*main), skip_branch))
            current = following
        stack.append(fields.activation(current, leaky=True))
        self.net = enn.SequentialModule(*stack)
        self.head = ProjectionHead(len(current), image.classes)
        if spectral_norm:
            self.head = torch_spectral_norm(self.head)


class ResidualCNNGenerator(PlainGenerator):
    """``ResidualEquivariantGenerator``'s layout with plain layers and no constraint.

    Args:
        symmetry: used only for its field size when matching (the grid is the image's).
        image: the shape of the images it makes.
        widths: channels per stage, coarsest first; with ``match``, the
            counterpart's fields per stage.
        latent_dim: noise channels; with ``match``, the counterpart's latent fields.
        match: as for ``CNNGenerator``, against ``ResidualEquivariantGenerator``.
    """

    def __init__(
        self,
        symmetry: EscnnGroup,
        image: ImageShape,
        widths: Sequence[int] = (32, 16, 8, 4),
        latent_dim: int = 64,
        match: Match | None = None,
    ) -> None:
        super().__init__()
        check_widths(widths)
        check_images(symmetry, image)
        dims = image.dims
        if match is not None:
            widths, latent_dim = matched_generator(
                symmetry, image, widths, latent_dim, match,
                ResidualEquivariantGenerator, ResidualCNNGenerator,
            )  # fmt: skip
        start = base_size(image.size, len(widths))
        self.latent_shape = (latent_dim,) + (1,) * dims
        self.labels_in = label_channels(image.classes)
        inputs = latent_dim + label_width(self.labels_in)
        stack: list[nn.Module] = [layers.conv_transposed(dims, inputs, widths[0], start)]
        for previous, width in pairwise(widths):
            main = nn.Sequential(
                layers.batch_norm(dims, previous),
                nn.ReLU(),
                layers.upsample(dims),
                layers.conv(dims, previous, width, 3, padding=1),
                layers.batch_norm(dims, width),
                nn.ReLU(),
                layers.conv(dims, width, width, 3, padding=1),
            )
            skip: list[nn.Module] = [layers.upsample(dims)]
            if width != previous:
                skip.append(layers.conv(dims, previous, width, 1))
            stack.append(PlainResidual(main, nn.Sequential(*skip)))
        stack += layers.plain_image_head(dims, widths[-1], image.channels)
        self.net = nn.Sequential(*stack)


class ResidualCNNDiscriminator(Discriminator):
    """``ResidualInvariantDiscriminator``'s layout with plain layers: no symmetry at all.

    Args:
        widths: channels per block, finest first (fields of the counterpart with ``match``).
        match: as for ``CNNDiscriminator``, against ``ResidualInvariantDiscriminator``.
        spectral_norm: torch's ``spectral_norm`` on every convolution and the head.
    """

    def __init__(
        self,
        symmetry: EscnnGroup,
        image: ImageShape,
        widths: Sequence[int] = (4, 8, 16, 32),
        match: Match | None = None,
        spectral_norm: bool = False,
    ) -> None:
        super().__init__()
        check_widths(widths)
        check_images(symmetry, image)
        dims = image.dims
        if match is not None:
            widths = matched_discriminator(
                symmetry, image, widths, match,
                ResidualInvariantDiscriminator, ResidualCNNDiscriminator,
            )  # fmt: skip
        base_size(image.size, len(widths))

        def conv(channels_in: int, channels_out: int, kernel_size: int) -> nn.Module:
            made = layers.conv(dims, channels_in, channels_out, kernel_size, kernel_size // 2)
            return torch_spectral_norm(made) if spectral_norm else made

        stack: list[nn.Module] = []
        channels = image.channels
        for i, width in enumerate(widths):
            main: list[nn.Module] = [] if i == 0 else [nn.LeakyReLU(0.2)]
            main += [conv(channels, width, 3), nn.LeakyReLU(0.2), conv(width, width, 3)]
            skip = [] if width == channels else [conv(channels, width, 1)]
            if i < len(widths) - 1:
                main.append(layers.avg_pool(dims))
                skip.append(layers.avg_pool(dims))
            stack.append(PlainResidual(nn.Sequential(*main), nn.Sequential(*skip)))
            channels = width
        stack.append(nn.LeakyReLU(0.2))
        self.net = nn.Sequential(*stack)
        head = ProjectionHead(channels, image.classes)
        self.head = torch_spectral_norm(head) if spectral_norm else head

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        return grid_score(self.head, self.net(x), labels)
