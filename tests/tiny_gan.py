"""The smallest GAN the tests train: C4 on 8-px digits, equivariant or plain networks."""

from __future__ import annotations

from functools import partial
from typing import Any

from ginv_lightning.gan.module import GAN
from ginv_lightning.nn import (
    CNNDiscriminator,
    CNNGenerator,
    EquivariantGenerator,
    ImageShape,
    InvariantDiscriminator,
)


def tiny_gan(plain: bool = False, **options: Any) -> GAN:
    """A C4 GAN for 8-px images; ``plain`` for CNN networks; ``options`` go to :class:`GAN`."""
    if plain:
        generator = partial(CNNGenerator, widths=[4, 2], latent_dim=2)
        discriminator = partial(CNNDiscriminator, widths=[2, 4])
    else:
        generator = partial(EquivariantGenerator, widths=[4, 2], latent_fields=2)
        discriminator = partial(InvariantDiscriminator, widths=[2, 4])
    return GAN(generator, discriminator, ImageShape(1, 8), group="C4", **options)
