"""The model kinds a study compares, as generator and discriminator builders for ``GAN``.

For a group G every kind has the same parameter budget: the invariant kind sets
it, and the plain MLPs of the other kinds are matched to it (``match="params"``).
The invariant kind is an escnn MLP with the configured regular fields for an
escnn group, and the group's own networks (``GroupAction.generator`` and
``.discriminator``) for a group that brings them, such as a permutation group;
the plain MLPs then work on the flattened data (a set as one long vector).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from ginv_lightning.class_paths import import_class
from ginv_lightning.nn.base import (
    Discriminator,
    DiscriminatorBuilder,
    Generator,
    GeneratorBuilder,
)
from ginv_lightning.nn.equivariant_mlp import EquivariantMLPGenerator, InvariantMLPDiscriminator
from ginv_lightning.nn.matching import matched_widths
from ginv_lightning.nn.mlp import MLPDiscriminator, MLPGenerator
from ginv_lightning.nn.symmetrized import SymmetrizedDiscriminator, SymmetrizedGenerator
from ginv_lightning.shapes import DataShape
from ginv_lightning.study.run_settings import TRAINED_KINDS, Networks
from ginv_lightning.symmetry.contract import GroupAction
from ginv_lightning.symmetry.escnn_group import EscnnGroup


@dataclass(frozen=True)
class Builders:
    generator: GeneratorBuilder
    discriminator: DiscriminatorBuilder
    augment: bool


def builders(kind: str, networks: Networks, symmetry: GroupAction) -> Builders:
    """The networks of one model kind, as builders taking (symmetry, shape)."""
    if isinstance(symmetry, EscnnGroup):
        invariant, plain = _escnn_networks(networks)
    else:
        invariant, plain = _own_networks(networks, symmetry)
    if kind == "invariant":
        return Builders(*invariant, augment=False)
    if kind == "symmetrized":
        return Builders(
            partial(SymmetrizedGenerator, base=plain[0]),
            partial(SymmetrizedDiscriminator, base=plain[1]),
            augment=False,
        )
    if kind == "augmentation":
        return Builders(*plain, augment=True)
    if kind == "ordinary":
        return Builders(*plain, augment=False)
    raise ValueError(f"no networks for model kind {kind!r}; trained kinds: {TRAINED_KINDS}")


Pair = tuple[Any, Any]  # (generator builder, discriminator builder)


def _escnn_networks(networks: Networks) -> tuple[Pair, Pair]:
    g_fields, d_fields = list(networks.generator_fields), list(networks.discriminator_fields)
    invariant = (
        partial(EquivariantMLPGenerator, widths=g_fields, latent_fields=networks.latent_fields),
        partial(InvariantMLPDiscriminator, widths=d_fields),
    )
    plain = (
        partial(MLPGenerator, widths=g_fields, latent_dim=networks.latent_fields, match="params"),
        partial(MLPDiscriminator, widths=d_fields, match="params"),
    )
    return invariant, plain


def _own_networks(networks: Networks, symmetry: GroupAction) -> tuple[Pair, Pair]:
    own_g = partial(_network(symmetry.generator, Generator), **networks.group_generator)
    own_d = partial(_network(symmetry.discriminator, Discriminator), **networks.group_discriminator)
    plain = (
        partial(matched_mlp_generator, widths=networks.generator_fields, counterpart=own_g),
        partial(matched_mlp_discriminator, widths=networks.discriminator_fields, counterpart=own_d),
    )
    return (own_g, own_d), plain


def _network(path: str, base: type) -> type:
    return import_class(path, base, "the group's network", f"is not an importable {base.__name__}")


def matched_mlp_generator(
    symmetry: GroupAction,
    shape: DataShape,
    widths: Sequence[int],
    counterpart: Callable[[GroupAction, DataShape], Generator],
) -> MLPGenerator:
    """A plain MLP generator with ``widths``' layout, as many parameters as ``counterpart``
    and as much noise (flattened) as it takes."""
    latent = math.prod(counterpart(symmetry, shape).latent_shape)
    units = matched_widths(
        list(widths),
        1,
        "params",
        lambda: counterpart(symmetry, shape),
        lambda stages: MLPGenerator(symmetry, shape, stages, latent),
    )
    return MLPGenerator(symmetry, shape, units, latent)


def matched_mlp_discriminator(
    symmetry: GroupAction,
    shape: DataShape,
    widths: Sequence[int],
    counterpart: Callable[[GroupAction, DataShape], Discriminator],
) -> MLPDiscriminator:
    """A plain MLP discriminator with ``widths``' layout and as many parameters as
    ``counterpart``."""
    units = matched_widths(
        list(widths),
        1,
        "params",
        lambda: counterpart(symmetry, shape),
        lambda stages: MLPDiscriminator(symmetry, shape, stages),
    )
    return MLPDiscriminator(symmetry, shape, units)
