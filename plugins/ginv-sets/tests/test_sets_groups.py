"""S<k> and C<n> x S<k> through the installed entry points: a group action, uniform sampling."""

from __future__ import annotations

import math
from collections import Counter

import pytest
import torch
from ginv_sets.shape import SetShape

from ginv_lightning.shapes import ImageShape
from ginv_lightning.symmetry import resolve_group
from ginv_lightning.symmetry.group_law import check_group_law
from ginv_lightning.symmetry.registry import default_registry


def test_the_groups_come_from_the_installed_distribution():
    entries = {e.name: e for e in default_registry().entries()}
    for name in ("S", "CxS"):
        assert (entries[name].distribution, entries[name].version) == ("ginv-sets", "0.1.0")
    assert resolve_group("S8").order == math.factorial(8)
    assert resolve_group({"name": "CxS", "n": 4, "k": 3}).order == 24


@pytest.mark.parametrize("spec", ["S3", "S8", "S64", {"name": "CxS", "n": 4, "k": 8}])
def test_the_action_is_a_group_action(spec):
    law = check_group_law(resolve_group(spec))
    assert law.violation is None and law.pairs == 16


def test_moving_a_set_permutes_its_items_and_turns_its_points():
    s3 = resolve_group("S3")
    x = torch.arange(6.0).reshape(1, 3, 2)  # items (0, 1), (2, 3), (4, 5)
    moved = s3.act((1, 2, 0), x)  # item 0 to position 1, 1 to 2, 2 to 0
    assert moved[0].tolist() == [[4, 5], [0, 1], [2, 3]]
    c4s3 = resolve_group({"name": "CxS", "n": 4, "k": 3})
    turned = c4s3.act((1, (0, 1, 2)), torch.tensor([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]]))
    assert torch.allclose(turned, torch.tensor([[[0.0, 1.0], [-1.0, 0.0], [-1.0, 1.0]]]), atol=1e-7)
    elements = c4s3.sample(5, torch.Generator().manual_seed(0))
    x = torch.randn(5, 3, 2)
    each = c4s3.act_each(elements, x)
    for i, g in enumerate(elements):
        assert torch.allclose(each[i : i + 1], c4s3.act(g, x[i : i + 1]))


def test_sampling_is_uniform_and_reproducible():
    s3 = resolve_group("S3")
    assert len(set(s3.elements())) == 6 and s3.elements()[0] == s3.identity
    draws = s3.sample(6000, torch.Generator().manual_seed(1))
    counts = Counter(draws)
    chi_square = sum((c - 1000) ** 2 / 1000 for c in counts.values())
    assert len(counts) == 6 and chi_square < 20.5  # 5 degrees of freedom, p = 0.001
    assert s3.sample(4, torch.Generator().manual_seed(2)) == s3.sample(
        4, torch.Generator().manual_seed(2)
    )


def test_the_groups_refuse_data_they_do_not_move():
    with pytest.raises(ValueError, match=r"S8 permutes the items of sets, but the data are 1-ch"):
        resolve_group("S8").check_data(ImageShape(1, 24))
    with pytest.raises(
        ValueError, match=r"S8 permutes sets of 8 items, but the data are sets of 1"
    ):
        resolve_group("S8").check_data(SetShape(16, 2))
    with pytest.raises(ValueError, match=r"C4xS8 turns 2-D points, but the data are sets of 8 po"):
        resolve_group({"name": "CxS", "n": 4, "k": 8}).check_data(SetShape(8, 3))
    with pytest.raises(ValueError, match=r"S9 has 362880 elements; draw them with sample\(\)"):
        resolve_group("S9").elements()
