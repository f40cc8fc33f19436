"""Which irreps a tensor product of a finite group's irreps holds, read off its characters.

escnn 1.0.11 decomposes psi_J x psi_l (``Group._tensor_product_irreps``, through
``_clebsh_gordan._find_tensor_decomposition``) by solving for the Clebsch-Gordan
coefficients of *every* irrep psi_j, present or not, each a null space of
constraints built group element by group element in Python. A steerable basis
between regular fields asks this of every pair of irreps: for the 48-element
full octahedral group's 10 irreps, 1,000 solves, which took 73 s the first time
a network was built in a fresh environment (escnn caches results on disk).

For a finite group the answer is in the characters: psi_j occurs
<chi_J chi_l, chi_j> / <chi_j, chi_j> times (the denominator 1, 2 or 4 for real,
complex and quaternionic irreps). The list returned is the one escnn's solver
gives, same irreps in the same order, so the coefficients escnn then solves for
(now only where psi_j occurs) and every basis built from them are unchanged.
Continuous groups, and characters that do not give whole multiplicities adding
up to the product's size, go to escnn's solver.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

_installed = False
_characters: dict[tuple[str, tuple], dict[tuple, np.ndarray]] = {}


def install() -> None:
    """Put the character count in front of escnn's solver (once; after ``seeded_numerics``)."""
    global _installed
    if _installed:
        return
    from escnn.group import _clebsh_gordan

    _clebsh_gordan._find_tensor_decomposition = characters_first(
        _clebsh_gordan._find_tensor_decomposition
    )
    _installed = True


def characters_first(solve: Callable[..., Any]) -> Callable[..., Any]:
    """``solve`` (escnn's decomposition) answered from characters wherever they can."""

    def decomposition(first: tuple, second: tuple, group_class: str, **group_keys: Any) -> Any:
        found = decomposition_from_characters(first, second, group_class, **group_keys)
        return solve(first, second, group_class, **group_keys) if found is None else found

    decomposition.__wrapped__ = solve  # type: ignore[attr-defined]
    return decomposition


def decomposition_from_characters(
    first: tuple, second: tuple, group_class: str, **group_keys: Any
) -> list[tuple[tuple, int]] | None:
    """``[(irrep id, multiplicity), ...]`` of irrep ``first`` x irrep ``second`` (escnn ids),
    or None where the characters do not decide it."""
    import escnn.group

    group = escnn.group.groups_dict[group_class]._generator(**group_keys)
    if group.continuous:
        return None
    characters = _character_table(group, (group_class, tuple(sorted(group_keys.items()))))
    first, second = group.irrep(*first), group.irrep(*second)
    product = characters[first.id] * characters[second.id]
    order = len(product)  # escnn's order() lists a direct product's elements anew each call
    found, size = [], 0
    for irrep in group.irreps():
        count = float(product @ characters[irrep.id]) / order
        multiplicity = round(count / irrep.sum_of_squares_constituents)
        if abs(count - multiplicity * irrep.sum_of_squares_constituents) > 1e-6:
            return None
        if multiplicity > 0:
            found.append((irrep.id, multiplicity))
            size += irrep.size * multiplicity
    return found if size == first.size * second.size else None


def _character_table(group: Any, key: tuple[str, tuple]) -> dict[tuple, np.ndarray]:
    """Each irrep's character on every element (real: escnn's irreps are real matrices)."""
    if key not in _characters:
        elements = group.elements
        _characters[key] = {
            irrep.id: np.array([np.trace(irrep(g)) for g in elements]) for irrep in group.irreps()
        }
    return _characters[key]
