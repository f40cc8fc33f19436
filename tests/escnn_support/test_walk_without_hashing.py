"""Walking networks without hashing modules yields what torch's own walks yield."""

from __future__ import annotations

from ginv_lightning.escnn_support.walk_without_hashing import (
    unique_modules,
    unique_named_modules,
    unique_named_parameters,
    unique_parameters,
)
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


def test_the_same_names_as_torch_including_a_shared_module():
    symmetry = resolve_group("D4")
    network = InvariantDiscriminator(symmetry, ImageShape(1, 16), [2, 4])
    network.again = network.head  # a module reached twice: torch names it once, first path
    named, expected = unique_named_modules(network), list(network.named_modules())
    assert [n for n, _ in named] == [n for n, _ in expected]
    assert all(a is b for (_, a), (_, b) in zip(named, expected, strict=True))
    parameters, torch_parameters = (
        unique_named_parameters(network),
        list(network.named_parameters()),
    )
    assert [n for n, _ in parameters] == [n for n, _ in torch_parameters]
    assert all(a is b for (_, a), (_, b) in zip(parameters, torch_parameters, strict=True))
