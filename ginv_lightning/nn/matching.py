"""Sizing a plain CNN against an equivariant network, for fair comparisons.

An equivariant layer between regular fields has about |G| times fewer
parameters than a plain convolution with the same channel count. "shapes"
gives the CNN the same channel counts (equal compute per layer); "params"
searches the channel multiplier that equalises the parameter count, which
lands near the usual sqrt(|G|) rule but holds exactly for the whole network.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from ginv_lightning.nn.base import count_parameters
from ginv_lightning.nn.shapes import ImageShape
from ginv_lightning.symmetry.base import Symmetry

Match = Literal["params", "shapes"]


def matched_widths(
    role: Literal["generator", "discriminator"],
    symmetry: Symmetry,
    image: ImageShape,
    fields: Sequence[int],
    latent_fields: int,
    match: Match,
) -> tuple[list[int], int]:
    """Plain channel counts (and latent size) matching the equivariant counterpart.

    The latent size always equals the counterpart's noise dimension, so both
    models draw noise of the same dimension.
    """
    from ginv_lightning.nn.cnn import CNNDiscriminator, CNNGenerator
    from ginv_lightning.nn.equivariant import EquivariantGenerator, InvariantDiscriminator
    from ginv_lightning.nn.fields import FeatureFields

    if match not in ("params", "shapes"):
        raise ValueError(f"match must be 'params' or 'shapes', got {match!r}")
    field_size = FeatureFields(symmetry).field_size
    latent_dim = FeatureFields(symmetry).latent(latent_fields).size if latent_fields else 0

    def scaled(multiplier: float) -> list[int]:
        return [max(1, round(f * multiplier)) for f in fields]

    if match == "shapes":
        return scaled(field_size), latent_dim
    if role == "generator":
        target = count_parameters(EquivariantGenerator(symmetry, image, fields, latent_fields))

        def count(multiplier: float) -> int:
            return count_parameters(CNNGenerator(symmetry, image, scaled(multiplier), latent_dim))
    else:
        target = count_parameters(InvariantDiscriminator(symmetry, image, fields))

        def count(multiplier: float) -> int:
            return count_parameters(CNNDiscriminator(symmetry, image, scaled(multiplier)))

    low, high = 0.05, float(field_size)
    while count(high) < target:
        high *= 2
    for _ in range(40):  # bisection on a monotone count
        middle = (low + high) / 2
        if count(middle) < target:
            low = middle
        else:
            high = middle
    best = min((low, high), key=lambda m: abs(count(m) - target))
    return scaled(best), latent_dim
