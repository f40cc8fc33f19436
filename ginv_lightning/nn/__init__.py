"""Generators and discriminators: equivariant (escnn), symmetrized, and plain baselines."""

from ginv_lightning.nn.base import (
    Discriminator,
    DiscriminatorBuilder,
    ExportedGenerator,
    Generator,
    GeneratorBuilder,
    count_parameters,
)
from ginv_lightning.nn.cnn import CNNDiscriminator, CNNGenerator
from ginv_lightning.nn.equivariant import EquivariantGenerator, InvariantDiscriminator
from ginv_lightning.nn.shapes import ImageShape
from ginv_lightning.nn.symmetrized import SymmetrizedDiscriminator, SymmetrizedGenerator

__all__ = [
    "CNNDiscriminator",
    "CNNGenerator",
    "Discriminator",
    "DiscriminatorBuilder",
    "EquivariantGenerator",
    "ExportedGenerator",
    "Generator",
    "GeneratorBuilder",
    "ImageShape",
    "InvariantDiscriminator",
    "SymmetrizedDiscriminator",
    "SymmetrizedGenerator",
    "count_parameters",
]
