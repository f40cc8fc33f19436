"""Walking networks without hashing modules yields what torch's own walks yield."""

from __future__ import annotations

from ginv_lightning.escnn_support.walk_without_hashing import unique_modules, unique_parameters
from ginv_lightning.nn import EquivariantGenerator, ImageShape, InvariantDiscriminator
from ginv_lightning.symmetry import resolve_group


def test_the_same_modules_and_parameters_in_the_same_order_as_torch():
    symmetry = resolve_group("D4")
    for network in (
        EquivariantGenerator(symmetry, ImageShape(1, 16), [4, 2, 2], 2),
        InvariantDiscriminator(symmetry, ImageShape(1, 16), [2, 4]),
    ):
        modules, parameters = unique_modules(network), unique_parameters(network)
        assert len(modules) == len(list(network.modules())) > 10
        assert all(a is b for a, b in zip(modules, network.modules(), strict=True))
        assert all(a is b for a, b in zip(parameters, network.parameters(), strict=True))
