"""The model kinds a study compares, as generator and discriminator builders for ``GAN``.

For a group G every kind has the same parameter budget: the invariant kind
sets it (escnn networks with the configured regular fields), and the plain
MLPs of the other kinds are matched to it (``match="params"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from ginv_lightning.nn.base import DiscriminatorBuilder, GeneratorBuilder
from ginv_lightning.nn.equivariant_mlp import EquivariantMLPGenerator, InvariantMLPDiscriminator
from ginv_lightning.nn.mlp import MLPDiscriminator, MLPGenerator
from ginv_lightning.nn.symmetrized import SymmetrizedDiscriminator, SymmetrizedGenerator
from ginv_lightning.study.run_settings import TRAINED_KINDS, Networks


@dataclass(frozen=True)
class Builders:
    generator: GeneratorBuilder
    discriminator: DiscriminatorBuilder
    augment: bool


def builders(kind: str, networks: Networks) -> Builders:
    """The networks of one model kind, as builders taking (symmetry, shape)."""
    g_fields, d_fields = list(networks.generator_fields), list(networks.discriminator_fields)
    plain_g: Any = partial(
        MLPGenerator, widths=g_fields, latent_dim=networks.latent_fields, match="params"
    )
    plain_d: Any = partial(MLPDiscriminator, widths=d_fields, match="params")
    if kind == "invariant":
        return Builders(
            partial(EquivariantMLPGenerator, widths=g_fields, latent_fields=networks.latent_fields),
            partial(InvariantMLPDiscriminator, widths=d_fields),
            augment=False,
        )
    if kind == "symmetrized":
        return Builders(
            partial(SymmetrizedGenerator, base=plain_g),
            partial(SymmetrizedDiscriminator, base=plain_d),
            augment=False,
        )
    if kind == "augmentation":
        return Builders(plain_g, plain_d, augment=True)
    if kind == "ordinary":
        return Builders(plain_g, plain_d, augment=False)
    raise ValueError(f"no networks for model kind {kind!r}; trained kinds: {TRAINED_KINDS}")
