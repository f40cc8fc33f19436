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
from ginv_lightning.nn.residual import (
    ResidualCNNDiscriminator,
    ResidualCNNGenerator,
    ResidualEquivariantGenerator,
    ResidualInvariantDiscriminator,
)
from ginv_lightning.nn.symmetrized import SymmetrizedDiscriminator, SymmetrizedGenerator
from ginv_lightning.shapes import DataShape, ImageShape, VectorShape

__all__ = [
    "CNNDiscriminator",
    "CNNGenerator",
    "DataShape",
    "Discriminator",
    "DiscriminatorBuilder",
    "EquivariantGenerator",
    "ExportedGenerator",
    "Generator",
    "GeneratorBuilder",
    "ImageShape",
    "InvariantDiscriminator",
    "ResidualCNNDiscriminator",
    "ResidualCNNGenerator",
    "ResidualEquivariantGenerator",
    "ResidualInvariantDiscriminator",
    "SymmetrizedDiscriminator",
    "SymmetrizedGenerator",
    "VectorShape",
    "count_parameters",
]
