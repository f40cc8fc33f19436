"""Plain MLPs as big as any network: the baselines of a group that brings its own networks.

``MLPGenerator(match="params")`` sizes itself against the escnn MLP of the same
fields; a group such as ginv-sets' S<k> has networks of its own instead, so
these size the plain MLP against a ``counterpart`` builder (a config's
``class_path`` and ``init_args``), with as much noise as the counterpart takes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ginv_lightning.nn.base import DiscriminatorBuilder, GeneratorBuilder
from ginv_lightning.nn.matching import matched_widths
from ginv_lightning.nn.mlp import MLPDiscriminator, MLPGenerator
from ginv_lightning.shapes import DataShape
from ginv_lightning.symmetry.contract import GroupAction


class MatchedMLPGenerator(MLPGenerator):
    """A plain MLP generator with ``widths``' layout and ``counterpart``'s parameter count."""

    def __init__(
        self,
        symmetry: GroupAction,
        shape: DataShape,
        counterpart: GeneratorBuilder,
        widths: Sequence[int] = (32, 32),
    ) -> None:
        latent = math.prod(counterpart(symmetry, shape).latent_shape)
        units = matched_widths(
            list(widths),
            1,
            "params",
            lambda: counterpart(symmetry, shape),
            lambda stages: MLPGenerator(symmetry, shape, stages, latent),
        )
        super().__init__(symmetry, shape, units, latent)


class MatchedMLPDiscriminator(MLPDiscriminator):
    """A plain MLP discriminator with ``widths``' layout and ``counterpart``'s parameter count."""

    def __init__(
        self,
        symmetry: GroupAction,
        shape: DataShape,
        counterpart: DiscriminatorBuilder,
        widths: Sequence[int] = (32, 32),
    ) -> None:
        units = matched_widths(
            list(widths),
            1,
            "params",
            lambda: counterpart(symmetry, shape),
            lambda stages: MLPDiscriminator(symmetry, shape, stages),
        )
        super().__init__(symmetry, shape, units)
