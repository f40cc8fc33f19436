"""The scikit-image data sets: shapes, seeds, disjoint regions, moves, subsampling, errors."""

from __future__ import annotations

import os

import pytest
import torch

from ginv_lightning.cli import main
from ginv_lightning.data import Faces, GalaxyPatches, HistologyPatches
from ginv_lightning.data.histology import load_slide
from ginv_lightning.data.picture_crops import bands, d4_move
from ginv_lightning.errors import ConfigError
from ginv_lightning.symmetry import resolve_group
from tests.conftest import REPO

SMALL = {"num_crops": 200}
MODULES = [
    (HistologyPatches, SMALL),
    (GalaxyPatches, SMALL),
    (Faces, {}),
]


@pytest.mark.parametrize(("module", "kwargs"), MODULES)
def test_shapes_range_dtype_and_seeds(module, kwargs):
    data = module(seed=1, **kwargs)
    train = data.images("train")
    channels = 1 if module is Faces else 3
    assert train.shape[1:] == (channels, data.image_size, data.image_size)
    assert train.dtype == torch.float32
    assert train.min() >= -1 and train.max() <= 1 and train.std() > 0.05
    assert torch.equal(train, module(seed=1, **kwargs).images("train"))
    if module is not Faces:  # Faces' seed only reorders the split; compare the val sets
        assert not torch.equal(train, module(seed=2, **kwargs).images("train"))
    else:
        assert not torch.equal(data.images("val"), module(seed=2).images("val"))


def test_faces_are_the_100_faces_split_70_15_15_and_200_with_non_faces():
    sizes = {part: len(Faces().images(part)) for part in ("train", "val", "test")}
    assert sizes == {"train": 70, "val": 15, "test": 15}
    everything = Faces(include_non_faces=True, channels=3, image_size=32)
    assert len(everything.images("train")) == 140
    assert everything.images("test").shape == (30, 3, 32, 32)


def test_bands_tile_the_width_without_overlap():
    cut = bands(512, 0.15, 0.15)
    assert cut == {"train": (0, 358), "val": (358, 435), "test": (435, 512)}
    assert bands(1000, 0.1, 0.2) == {"train": (0, 700), "val": (700, 800), "test": (800, 1000)}


@pytest.mark.parametrize("module", [HistologyPatches, GalaxyPatches])
def test_crops_stay_inside_their_own_band(module):
    data = module(num_crops=400, seed=3)
    data.setup()
    read = data.read_size(data.crop_size)
    columns = {}
    for part, (start, stop) in data.regions().items():
        tops, lefts = data.boxes[part].T
        assert len(lefts) > 0
        assert lefts.min() >= start and (lefts + read).max() <= stop
        assert tops.min() >= 0 and (tops + read).max() <= data.picture_shape[0]
        columns[part] = set(range(int(lefts.min()), int((lefts + read).max())))
    assert not columns["train"] & columns["val"]
    assert not columns["val"] & columns["test"]
    assert not columns["train"] & columns["test"]


def test_histology_crops_are_the_slide_moved_by_all_eight_d4_elements():
    """Each crop is its box of the slide moved by an element of D4, checked against the
    group's own action (``resolve_group("D4").act``), not the data module's ``d4_move``."""
    data = HistologyPatches(num_crops=400, seed=0)
    train = data.images("train")
    boxes = data.boxes["train"]
    d4 = resolve_group("D4")
    slide = load_slide()
    used = set()
    for i in range(64):
        top, left = boxes[i].tolist()
        crop = slide[:, top : top + 32, left : left + 32][None] * 2 - 1
        matches = [g for g in d4.elements() if torch.allclose(d4.act(g, crop)[0], train[i])]
        assert matches, f"crop {i} is no D4 move of its box"
        used.add(d4.element_label(matches[0]))
    assert len(used) == 8  # every element of D4 moves some crop


def test_d4_moves_form_the_group():
    image = torch.arange(16.0).view(1, 1, 4, 4)
    moved = {tuple(d4_move(image, torch.tensor([k])).flatten().tolist()) for k in range(8)}
    assert len(moved) == 8  # eight different images: the elements are distinct
    twice = d4_move(d4_move(image, torch.tensor([4])), torch.tensor([4]))
    assert torch.equal(twice, image)  # a mirror undoes itself


class _BrightSky(GalaxyPatches):
    def picture(self) -> torch.Tensor:
        return torch.ones(3, *self.picture_shape)


def test_galaxy_angles_are_seeded_uniform_and_corners_never_empty():
    data = GalaxyPatches(num_crops=400, seed=0)
    data.setup()
    angles = data.moves["train"]
    assert angles.min() >= 0 and angles.max() < 2 * torch.pi
    assert torch.histc(angles, bins=4, min=0, max=2 * torch.pi).min() > 40
    white = _BrightSky(num_crops=400, seed=0).images("train")
    assert white.min() > 0.99  # zeros rotated in from outside the read square would show


@pytest.mark.parametrize("module", [HistologyPatches, GalaxyPatches])
def test_num_train_and_fraction_subsample_the_training_crops(module):
    full = module(**SMALL).images("train")
    some = module(num_train=50, **SMALL)
    assert len(some.images("train")) == 50
    assert torch.equal(some.images("val"), module(**SMALL).images("val"))
    assert len(module(fraction=0.5, **SMALL).images("train")) == round(len(full) * 0.5)
    chosen = {tuple(x.flatten()[:20].tolist()) for x in some.images("train")}
    assert chosen <= {tuple(x.flatten()[:20].tolist()) for x in full}
    with pytest.raises(ConfigError, match="num_train must be between 1 and the"):
        module(num_train=10_000, **SMALL).setup()


@pytest.mark.parametrize(
    ("module", "kwargs", "message"),
    [
        (HistologyPatches, {"image_size": 100}, "data.crop_size 100 does not fit the 77-pixel"),
        (HistologyPatches, {"crop_size": 78}, r"val band of the 512x512 .* at most 77,"),
        (GalaxyPatches, {"crop_size": 110}, r"\(read as 158x158 pixels\) .* at most 104,"),
    ],
)
def test_a_crop_larger_than_its_band_is_one_line_naming_what_fits(module, kwargs, message):
    with pytest.raises(ConfigError, match=message) as info:
        module(**kwargs)
    assert "\n" not in str(info.value)


CONFIGS = [
    "histology_d4.yaml",
    "galaxies_c8.yaml",
    "faces_flip.yaml",
    "histology_d4_64.yaml",
    "histology_cnn_64.yaml",
    "histology_aug.yaml",
    "histology_symmetrized.yaml",
    "histology_aug_64.yaml",
    "histology_symmetrized_64.yaml",
    "faces_cnn.yaml",
    "histology_d4_recipe.yaml",  # spectral norm in all four plain-layout networks
    "histology_cnn_diffaug.yaml",  # DiffAugment in a real fit
]


@pytest.mark.slow
@pytest.mark.parametrize("config", CONFIGS)
def test_the_configs_train_a_few_steps_and_validate_without_fid(config, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WANDB_MODE", "offline")
    environment = dict(os.environ)
    small = [] if config.startswith("faces") else ["--data.init_args.num_crops", "300"]
    try:
        code = main([
            "fit", "--config", str(REPO / "configs" / config),
            "--trainer.max_steps", "2", "--trainer.logger", "false",
            "--trainer.enable_progress_bar", "false",
            "--trainer.default_root_dir", str(tmp_path),
            "--data.init_args.batch_size", "4", "--samples.every_n_steps", "2", *small,
            "--trainer.check_val_every_n_epoch", "null", "--trainer.val_check_interval", "1",
            "--trainer.limit_val_batches", "1", "--metrics.num_samples", "16",
        ])  # fmt: skip
    finally:
        os.environ.clear()
        os.environ.update(environment)
    assert code == 0
    assert list(tmp_path.rglob("last.ckpt")) and list(tmp_path.rglob("samples/step_*.png"))
