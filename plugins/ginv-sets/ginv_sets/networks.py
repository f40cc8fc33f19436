"""Exactly permutation-equivariant generators and invariant discriminators, in plain torch.

Both are built from DeepSets layers (Zaheer et al., 2017): each item is mapped
by the same weights, plus a map of the mean over the items, so permuting the
items permutes the outputs. The generator starts from i.i.d. Gaussian noise per
item, whose law is invariant under every permutation; the discriminator ends by
pooling over the items (mean and max), which forgets their order.

For ``C<n> x S<k>`` every hidden feature is a 2-D vector that turns with the
points (vector neurons): linear maps only mix channels, nonlinearities scale a
vector by a gate computed from lengths, and the discriminator reads lengths and
inner products. These layers commute with every rotation, so C<n> equivariance
is exact for every n.
"""

from __future__ import annotations

import copy

import torch
from torch import Tensor, nn

from ginv_lightning.errors import ConfigError
from ginv_lightning.nn.base import Discriminator, Generator
from ginv_lightning.shapes import DataShape
from ginv_sets.permutations import Permutations, RotationsAndPermutations
from ginv_sets.shape import SetShape


class ItemsAndMean(nn.Module):
    """``x_i A + mean_j(x_j) B + c``: one DeepSets layer on (N, k, width) features."""

    def __init__(self, width_in: int, width_out: int) -> None:
        super().__init__()
        self.each = nn.Linear(width_in, width_out)
        self.pooled = nn.Linear(width_in, width_out, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        return self.each(x) + self.pooled(x.mean(dim=1, keepdim=True))


class VectorItemsAndMean(nn.Module):
    """The same on 2-D vector features (N, k, channels, 2): channels mix, no bias (it
    would not turn with the points)."""

    def __init__(self, channels_in: int, channels_out: int) -> None:
        super().__init__()
        self.each = nn.Linear(channels_in, channels_out, bias=False)
        self.pooled = nn.Linear(channels_in, channels_out, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        channels_last = x.transpose(-1, -2)  # (N, k, 2, channels)
        mixed = self.each(channels_last) + self.pooled(channels_last.mean(1, keepdim=True))
        return mixed.transpose(-1, -2)


class VectorGate(nn.Module):
    """Scale each vector channel by a gate in (0, 1) computed from all the channels' lengths."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.gate = nn.Linear(channels, channels)

    def forward(self, x: Tensor) -> Tensor:
        lengths = x.norm(dim=-1)
        return x * torch.sigmoid(self.gate(lengths))[..., None]


class SetGenerator(Generator):
    """i.i.d. noise per item -> k points of R^d, exactly equivariant under the set's group.

    Args:
        symmetry: ``S<k>``, or ``C<n> x S<k>`` for sets of 2-D points.
        shape: the data's :class:`~ginv_sets.shape.SetShape`.
        width: features per item (vector channels under rotations).
        layers: DeepSets layers.
        noise: noise features per item (2-D noise vectors under rotations).
    """

    def __init__(
        self,
        symmetry: Permutations,
        shape: DataShape,
        width: int = 64,
        layers: int = 3,
        noise: int = 8,
    ) -> None:
        super().__init__()
        shape = _checked(symmetry, shape, "generator")
        self.rotating = isinstance(symmetry, RotationsAndPermutations)
        if self.rotating:
            self.latent_shape = (shape.items, noise, 2)
            blocks: list[nn.Module] = []
            for channels_in in [noise] + [width] * (layers - 1):
                blocks += [VectorItemsAndMean(channels_in, width), VectorGate(width)]
            blocks.append(VectorItemsAndMean(width, 1))
        else:
            self.latent_shape = (shape.items, noise)
            blocks = []
            for width_in in [noise] + [width] * (layers - 1):
                blocks += [ItemsAndMean(width_in, width), nn.LeakyReLU(0.2)]
            blocks.append(ItemsAndMean(width, shape.dim))
        self.net = nn.Sequential(*blocks)

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        if labels is not None:
            raise ValueError("ginv-sets' generator is unconditional; it takes no labels")
        out = self.net(z)
        if not self.rotating:
            return torch.tanh(out)
        vectors = out[:, :, 0]  # one channel: the point; squashed into the unit disc
        length = vectors.norm(dim=-1, keepdim=True)
        return vectors * torch.tanh(length) / length.clamp_min(1e-12)

    def export(self) -> Generator:
        return copy.deepcopy(self).eval()


class SetDiscriminator(Discriminator):
    """k points of R^d -> one score, exactly invariant under the set's group.

    Equivariant DeepSets layers per item, then invariants per item (the features
    themselves; under rotations, lengths and inner products with the set's mean),
    then the mean and the max over the items, then an MLP.
    """

    def __init__(
        self, symmetry: Permutations, shape: DataShape, width: int = 64, layers: int = 3
    ) -> None:
        super().__init__()
        shape = _checked(symmetry, shape, "discriminator")
        self.rotating = isinstance(symmetry, RotationsAndPermutations)
        blocks: list[nn.Module] = []
        if self.rotating:
            for channels_in in [1] + [width] * (layers - 1):
                blocks += [VectorItemsAndMean(channels_in, width), VectorGate(width)]
            invariants = 2 * width
        else:
            for width_in in [shape.dim] + [width] * (layers - 1):
                blocks += [ItemsAndMean(width_in, width), nn.LeakyReLU(0.2)]
            invariants = width
        self.items = nn.Sequential(*blocks)
        self.head = nn.Sequential(
            nn.Linear(2 * invariants, width), nn.LeakyReLU(0.2), nn.Linear(width, 1)
        )

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        if labels is not None:
            raise ValueError("ginv-sets' discriminator is unconditional; it takes no labels")
        if self.rotating:
            h = self.items(x[:, :, None, :])  # (N, k, channels, 2)
            mean = h.mean(dim=1, keepdim=True)
            features = torch.cat([h.norm(dim=-1), (h * mean).sum(-1)], dim=-1)
        else:
            features = self.items(x)
        pooled = torch.cat([features.mean(dim=1), features.amax(dim=1)], dim=-1)
        return self.head(pooled).squeeze(-1)


def _checked(symmetry: Permutations, shape: DataShape, role: str) -> SetShape:
    if not isinstance(symmetry, Permutations):
        raise ConfigError(
            f"model.{role}: ginv_sets' networks are made for its groups (S<k>, CxS), "
            f"got {symmetry.name}"
        )
    try:
        symmetry.check_data(shape)
    except ValueError as exc:
        raise ConfigError(f"model.{role}: {exc}") from None
    assert isinstance(shape, SetShape)
    if shape.classes:
        raise ConfigError(
            f"model.{role}: ginv_sets' networks are unconditional; set the data's labels: false"
        )
    return shape
