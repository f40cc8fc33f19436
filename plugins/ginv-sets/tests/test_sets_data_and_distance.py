"""Set data (digit ink, a ring) and the OT-over-OT distance between samples of sets."""

from __future__ import annotations

import pytest
import torch
from ginv_sets.data import EXTENT, DigitInk, Ring, SetData
from ginv_sets.metrics import sets_distance

from ginv_lightning.errors import ConfigError


def test_digit_sets_are_seeded_in_range_and_split_without_sharing_a_digit():
    data = SetData(DigitInk(), items=16, num_train=300, num_heldout=100, seed=3)
    train, heldout = data.train_sets, data.heldout_sets
    assert train.shape == (300, 16, 2) and heldout.shape == (100, 16, 2)
    assert float(train.abs().max()) <= EXTENT
    again = SetData(DigitInk(), items=16, num_train=300, num_heldout=100, seed=3)
    assert torch.equal(again.train_sets, train)
    assert not torch.equal(SetData(DigitInk(), num_train=300, seed=4).train_sets[:1], train[:1])
    # 400 distinct digits: no held-out set is a training set
    everything = torch.cat([train, heldout]).flatten(1)
    assert len(torch.unique(everything, dim=0)) == 400
    (batch,) = list(data.val_dataloader())[:1]
    assert batch.shape == (64, 16, 2)


def test_turned_sets_keep_their_shape_and_change_direction():
    upright = SetData(DigitInk(), num_train=200, seed=0).train_sets
    turned = SetData(DigitInk(), num_train=200, seed=0, rotate=True).train_sets
    assert torch.allclose(turned.norm(dim=-1), upright.norm(dim=-1), atol=1e-5)
    assert not torch.allclose(turned, upright)


def test_ring_points_lie_on_the_circle_and_bad_settings_are_named():
    sets = SetData(Ring(noise=0.0), items=8, num_train=10).train_sets
    assert torch.allclose(sets.norm(dim=-1), torch.full((10, 8), 0.5), atol=1e-6)
    with pytest.raises(ConfigError, match=r"data\.law\.noise must be >= 0, got -1"):
        Ring(noise=-1)
    with pytest.raises(ConfigError, match=r"data\.items must be >= 1, got 0"):
        SetData(Ring(), items=0)
    with pytest.raises(ConfigError, match=r"num_train \+ num_heldout = 2000 sets, but there are"):
        _ = SetData(DigitInk(), num_train=1800, num_heldout=200).train_sets


def test_set_distance_is_zero_for_one_sample_blind_to_order_and_knows_a_shift():
    sets = SetData(Ring(), items=8, num_train=20).train_sets.double()
    assert sets_distance(sets, sets) == pytest.approx(0, abs=1e-12)
    shuffled = sets[torch.randperm(20)][:, torch.randperm(8)]  # reorder sets and items
    assert sets_distance(shuffled, sets) == pytest.approx(0, abs=1e-12)
    shift = torch.tensor([0.3, -0.4], dtype=torch.float64)  # |shift|^2 = 0.25
    assert sets_distance(sets + shift, sets) == pytest.approx(0.25, rel=1e-9)
