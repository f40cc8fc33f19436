"""Sizing a plain network against an equivariant one, for fair comparisons.

An equivariant layer between regular fields has about |G| times fewer
parameters than a plain layer with the same channel count. "shapes" gives the
plain network the same channel counts (equal compute per layer); "params"
searches the channel multiplier that equalises the parameter count, which
lands near the usual sqrt(|G|) rule but holds exactly for the whole network.
The same search sizes CNNs against steerable CNNs and MLPs against equivariant MLPs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from torch import nn

from ginv_lightning.nn.base import count_parameters
from ginv_lightning.nn.fields import FeatureFields
from ginv_lightning.shapes import ImageShape
from ginv_lightning.symmetry.escnn_group import EscnnGroup

Match = Literal["params", "shapes"]


def matched_widths(
    fields: Sequence[int],
    field_size: int,
    match: Match,
    counterpart: Callable[[], nn.Module],
    baseline: Callable[[list[int]], nn.Module],
) -> list[int]:
    """Plain channel counts per stage matching the equivariant ``counterpart``.

    Args:
        fields: the counterpart's fields per stage.
        field_size: channels per field (|G| for the regular fields of a finite group).
        match: ``"shapes"`` (fields times field size) or ``"params"`` (parameter count
            within a few percent, by bisection on a common multiplier).
        counterpart: builds the equivariant network (only for ``"params"``).
        baseline: builds the plain network with the given channels per stage.
    """
    if match not in ("params", "shapes"):
        raise ValueError(f"match must be 'params' or 'shapes', got {match!r}")

    def scaled(multiplier: float) -> list[int]:
        return [max(1, round(f * multiplier)) for f in fields]

    if match == "shapes":
        return scaled(field_size)
    target = count_parameters(counterpart())

    def count(multiplier: float) -> int:
        return count_parameters(baseline(scaled(multiplier)))

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
    return scaled(best)


def matched_generator(
    symmetry: EscnnGroup,
    image: ImageShape,
    widths: Sequence[int],
    latent_fields: int,
    match: Match,
    counterpart: Callable[..., nn.Module],
    plain: Callable[..., nn.Module],
) -> tuple[list[int], int]:
    """A plain generator's channels per stage and noise channels, matching ``counterpart``.

    ``counterpart(symmetry, image, widths, latent_fields)`` is the equivariant
    generator; the plain one's noise has as many channels as its noise fields.
    """
    fields = FeatureFields(symmetry)
    latent = fields.latent(latent_fields).size
    channels = matched_widths(
        list(widths),
        fields.field_size,
        match,
        lambda: counterpart(symmetry, image, list(widths), latent_fields),
        lambda stages: plain(symmetry, image, stages, latent),
    )
    return channels, latent


def matched_discriminator(
    symmetry: EscnnGroup,
    image: ImageShape,
    widths: Sequence[int],
    match: Match,
    counterpart: Callable[..., nn.Module],
    plain: Callable[..., nn.Module],
) -> list[int]:
    """A plain discriminator's channels per stage, matching the equivariant ``counterpart``."""
    return matched_widths(
        list(widths),
        FeatureFields(symmetry).field_size,
        match,
        lambda: counterpart(symmetry, image, list(widths)),
        lambda stages: plain(symmetry, image, stages),
    )
