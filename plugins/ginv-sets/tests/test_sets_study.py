"""``ginv study`` on sets: the law and its metric, the kinds' networks, a tiny real study
and one-line errors."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import lightning  # noqa: F401  (imported before any test: see test_sets_fit)
import pytest
import torch
import yaml
from ginv_sets.networks import SetDiscriminator, SetGenerator
from ginv_sets.targets import RingSets

from ginv_lightning.cli import main
from ginv_lightning.errors import ConfigError
from ginv_lightning.experiment import build_experiment
from ginv_lightning.gan.module import GAN
from ginv_lightning.nn.base import count_parameters
from ginv_lightning.nn.mlp import MLPDiscriminator, MLPGenerator
from ginv_lightning.study.cell_config import cell_config
from ginv_lightning.study.config_file import load_config
from ginv_lightning.study.run_settings import Cell
from ginv_lightning.symmetry import resolve_group

STUDY = Path(__file__).resolve().parents[1] / "configs" / "study_ring_sets_s8.yaml"

TINY = {
    "target": {"class_path": "ginv_sets.targets.RingSets", "init_args": {"items": 4}},
    "grid": {"n": [4, 16], "groups": ["S4"], "models": ["invariant", "ordinary"],
             "seeds": [0, 1]},
    "training": {"steps": 10, "batch_size": 32},
    "networks": {"generator_fields": [8], "discriminator_fields": [8],
                 "group_generator": {"width": 8, "layers": 1, "noise": 2},
                 "group_discriminator": {"width": 8, "layers": 1}},
    "evaluation": {"samples": 2000, "floor_repeats": 2, "trace": [0.5], "bootstrap": 200},
    "workers": 1,
}  # fmt: skip


def write_config(path: Path, **changes: object) -> Path:
    path.write_text(yaml.safe_dump({**TINY, **changes}))
    return path


def test_the_distance_between_sets_forgets_order_and_quarter_turns_and_separates_sets():
    target = RingSets(items=8, directions=32)
    sets, others = target.sample_nested(64, 0), target.sample_nested(64, 1)
    embedded = target.embed(sets)
    for _ in range(5):
        shuffled = sets[:, torch.randperm(8)]
        torch.testing.assert_close(target.embed(shuffled), embedded, rtol=0, atol=1e-12)
    quarter_turn = torch.tensor([[0.0, -1.0], [1.0, 0.0]], dtype=torch.float64)
    distances = torch.cdist(embedded, target.embed(others))
    turned = torch.cdist(target.embed(sets @ quarter_turn.T), target.embed(others @ quarter_turn.T))
    torch.testing.assert_close(turned, distances, rtol=0, atol=1e-12)
    assert distances.min() > 0  # different sets are apart
    # sliced W2 of a shift by c: every projection moves by <c, direction>, whose mean
    # square over directions spread evenly over a half turn is |c|^2 / 2
    shift = torch.tensor([0.3, -0.4], dtype=torch.float64)
    moved = (target.embed(sets + shift) - embedded).norm(dim=1)
    torch.testing.assert_close(moved, torch.full((64,), 0.5 / math.sqrt(2), dtype=torch.float64))


def test_the_ring_law_is_seeded_and_nested():
    target = RingSets(items=5, noise=0.05)
    assert target.data_shape.items == 5 and target.data_shape.dim == 2
    first = target.sample_nested(300, 3)
    assert first.shape == (300, 5, 2)
    torch.testing.assert_close(target.sample_nested(100, 3), first[:100], rtol=0, atol=0)
    assert not torch.equal(target.sample_nested(100, 4), first[:100])
    radii = first.norm(dim=-1)
    assert abs(radii.mean().item() - 0.5) < 0.01 and abs(radii.std().item() - 0.05) < 0.01


def test_the_kinds_are_the_groups_own_networks_and_plain_mlps_with_as_many_parameters():
    config = load_config(STUDY)
    symmetry = resolve_group("S8")

    def built(kind: str) -> GAN:
        cell = Cell(kind, "S8", 16, 0)
        sections = cell_config(cell, config.target_spec, config.training, config.networks,
                               2000, 0, symmetry)  # fmt: skip
        return build_experiment(sections).model

    invariant, ordinary = built("invariant"), built("ordinary")
    own_g, own_d = invariant.generator, invariant.discriminator
    plain_g, plain_d = ordinary.generator, ordinary.discriminator
    assert isinstance(own_g, SetGenerator) and isinstance(own_d, SetDiscriminator)
    assert isinstance(plain_g, MLPGenerator) and isinstance(plain_d, MLPDiscriminator)
    assert built("augmentation").augmentation is not None and ordinary.augmentation is None
    for own, plain in ((own_g, plain_g), (own_d, plain_d)):
        assert 0.9 <= count_parameters(plain) / count_parameters(own) <= 1.1
    assert math.prod(plain_g.latent_shape) == math.prod(own_g.latent_shape)  # as much noise
    z = plain_g.sample_latent(6, generator=torch.Generator().manual_seed(0))
    assert plain_g(z).shape == (6, 8, 2)
    sets = config.target.sample_nested(6, 0).float()
    shuffled = sets[:, torch.randperm(8, generator=torch.Generator().manual_seed(1))]
    torch.testing.assert_close(own_d(shuffled), own_d(sets), rtol=0, atol=1e-5)
    assert (plain_d(shuffled) - plain_d(sets)).abs().max() > 1e-4  # the order matters to it


@pytest.mark.slow
def test_a_tiny_study_on_sets_runs_end_to_end(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["study", "--config", str(write_config(tmp_path / "s.yaml")),
                 "--out", str(out)]) == 0  # fmt: skip
    with open(out / "results.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2 * 2 * 2
    assert {(r["model"], r["group"], r["order"]) for r in rows} == {
        ("invariant", "S4", "24"), ("ordinary", "S4", "24"),
    }  # fmt: skip
    floor = float(rows[0]["floor"])
    assert all(float(r["w1"]) > floor > 0 and float(r["w1_at_0.5"]) > 0 for r in rows)
    for row in rows:  # the plain MLPs are matched to the group's own networks
        own = next(r for r in rows if r["model"] == "invariant" and r["n"] == row["n"])
        assert 0.9 <= int(row["g_params"]) / int(own["g_params"]) <= 1.1
    printed = capsys.readouterr().out
    assert "W1 at 2000 sets" in printed and "held-out sets" in printed
    assert "| invariant | S4 |" in printed and (out / "w1_vs_n.png").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"grid": {**TINY["grid"], "groups": ["S8"]}}, "S8 .*sets of 4"),
        ({"grid": {**TINY["grid"], "models": ["symmetrized"]}}, None),  # S4: 24 elements
        ({"grid": {**TINY["grid"], "groups": ["S5"], "models": ["empirical"]},
          "target": {**TINY["target"], "init_args": {"items": 5}}},
         "empirical visit every element of the group, and S5 has 120"),
        ({"target": {"name": "gaussian_mixture", "k": 4}}, "S4 .*points of R\\^2"),
        ({"grid": {**TINY["grid"], "groups": ["C4"]}}, "C4 acts on 2-D space, but the data"),
        ({"target": {**TINY["target"], "init_args": {"items": 4, "directions": 4}}},
         "directions must exceed items"),
        ({"networks": {**TINY["networks"], "group_generator": {"depth": 2}}}, "depth"),
    ],
)  # fmt: skip
def test_bad_set_studies_are_refused_in_one_line(tmp_path, change, message):
    config = write_config(tmp_path / "bad.yaml", **change)
    if message is None:  # the control: symmetrized takes a group of 24 elements
        load_config(config)
        return
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(config)
    assert "\n" not in str(caught.value)
