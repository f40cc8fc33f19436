"""Data modules: seeded splits, subsampling without replacement, readers and their errors."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from ginv_lightning.data import ImageFiles, RotDigits, RotMNIST
from ginv_lightning.data.rotdigits import rotated_digits
from ginv_lightning.data.splits import split_indices, subsample
from ginv_lightning.errors import ConfigError, DataError


def test_rotdigits_split_sizes_cover_all_1797_digits():
    data = RotDigits(image_size=16)
    sizes = {part: len(data.images(part)) for part in ("train", "val", "test")}
    assert sizes == {"train": 1257, "val": 270, "test": 270}
    assert data.images("train").shape[1:] == (1, 16, 16)
    assert data.images("train").min() >= -1 and data.images("train").max() <= 1


def test_splits_are_disjoint_and_seeded():
    first = split_indices(1000, 0.1, 0.2, seed=3)
    again = split_indices(1000, 0.1, 0.2, seed=3)
    other = split_indices(1000, 0.1, 0.2, seed=4)
    assert torch.equal(first.train, again.train)
    assert not torch.equal(first.train, other.train)
    together = torch.cat([first.train, first.val, first.test])
    assert sorted(together.tolist()) == list(range(1000))


def test_subsampling_is_reproducible_and_without_replacement():
    indices = torch.arange(100, 200)
    chosen = subsample(indices, num_train=40, fraction=None, seed=1)
    assert len(set(chosen.tolist())) == 40
    assert set(chosen.tolist()) <= set(indices.tolist())
    assert torch.equal(chosen, subsample(indices, 40, None, seed=1))
    assert not torch.equal(chosen, subsample(indices, 40, None, seed=2))
    assert len(subsample(indices, None, 0.25, seed=1)) == 25


def test_subsampled_data_module_keeps_the_same_images_across_runs():
    a = RotDigits(image_size=16, num_train=100, seed=5).images("train")
    b = RotDigits(image_size=16, num_train=100, seed=5).images("train")
    assert torch.equal(a, b)
    assert len(torch.unique(a.flatten(1), dim=0)) == 100


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_train": 0}, "num_train must be between 1 and the 1257"),
        ({"num_train": 5000}, "num_train must be between 1 and the 1257"),
        ({"fraction": 1.5}, r"fraction must be in \(0, 1\]"),
        ({"num_train": 10, "fraction": 0.5}, "not both"),
        ({"val_fraction": 0.6, "test_fraction": 0.5}, "must be < 1"),
    ],
)
def test_bad_subsampling_settings_are_refused(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        RotDigits(image_size=16, **kwargs).setup()


def test_rotation_angles_are_seeded_and_uniform():
    _, labels, angles = rotated_digits(16, seed=0)
    _, _, same = rotated_digits(16, seed=0)
    _, _, other = rotated_digits(16, seed=1)
    assert torch.equal(angles, same) and not torch.equal(angles, other)
    assert len(labels) == len(angles) == 1797
    histogram = torch.histc(angles, bins=4, min=0, max=2 * np.pi)
    assert (histogram - 1797 / 4).abs().max() < 80


def test_image_folder_reads_grey_and_rgb(tmp_path):
    for i in range(10):
        pixels = np.full((20, 20, 3), 25 * i, dtype=np.uint8)
        Image.fromarray(pixels).save(tmp_path / f"img{i}.png")
    grey = ImageFiles(str(tmp_path), image_size=8, channels=1, val_fraction=0.2, test_fraction=0.2)
    assert grey.images("train").shape == (6, 1, 8, 8)
    rgb = ImageFiles(str(tmp_path), image_size=8, channels=3, val_fraction=0.2, test_fraction=0.2)
    assert rgb.images("val").shape == (2, 3, 8, 8)


def test_npz_arrays_in_any_channel_layout(tmp_path):
    path = tmp_path / "faces.npz"
    np.savez(path, images=np.random.default_rng(0).integers(0, 256, (12, 10, 10, 3)))
    data = ImageFiles(str(path), image_size=8, channels=3, val_fraction=0.25, test_fraction=0.25)
    assert data.images("train").shape == (6, 3, 8, 8)
    assert data.images("train").abs().max() <= 1


def test_corrupt_image_file_is_named(tmp_path):
    Image.fromarray(np.zeros((8, 8), dtype=np.uint8)).save(tmp_path / "good.png")
    (tmp_path / "broken.png").write_bytes(b"not a png at all")
    with pytest.raises(DataError, match=r"cannot read image file .*broken\.png"):
        ImageFiles(str(tmp_path), image_size=8).setup()


def test_missing_folder_is_reported(tmp_path):
    with pytest.raises(DataError, match=r"does not exist; give a folder of images"):
        ImageFiles(str(tmp_path / "nowhere")).setup()


def _write_amat(path, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    pixels = rng.random((n, 784)).round(3)
    rows = np.concatenate([pixels, rng.integers(0, 10, (n, 1))], axis=1)
    np.savetxt(path, rows, fmt="%.3f")
    return pixels


def test_rotmnist_reads_the_standard_files(tmp_path):
    train = _write_amat(tmp_path / "mnist_all_rotation_normalized_float_train_valid.amat", 60, 0)
    _write_amat(tmp_path / "mnist_all_rotation_normalized_float_test.amat", 20, 1)
    data = RotMNIST(str(tmp_path), val_fraction=0.25)
    assert len(data.images("train")) == 45 and len(data.images("val")) == 15
    assert data.images("test").shape == (20, 1, 28, 28)
    first = torch.from_numpy(train.astype(np.float32)).view(-1, 1, 28, 28) * 2 - 1
    everything = torch.cat([data.images("train"), data.images("val")])
    assert any(torch.allclose(first[0], image) for image in everything)


def test_rotmnist_missing_files_say_which_and_where_from(tmp_path):
    _write_amat(tmp_path / "mnist_all_rotation_normalized_float_train_valid.amat", 5, 0)
    with pytest.raises(DataError) as info:
        RotMNIST(str(tmp_path)).setup()
    message = str(info.value)
    assert "mnist_all_rotation_normalized_float_test.amat" in message
    assert ": mnist_all_rotation_normalized_float_test.amat. They come from" in message
    assert "mnist_rotation_new.zip" in message


def test_rotmnist_missing_directory(tmp_path):
    with pytest.raises(DataError, match="is not a directory"):
        RotMNIST(str(tmp_path / "absent")).setup()


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_npz_values_are_counted_and_the_file_named(tmp_path, bad):
    path = tmp_path / "dirty.npz"
    images = np.random.default_rng(0).random((20, 10, 10)).astype(np.float32)
    images[3, 1, :5] = bad
    images[7, 0, 0] = bad
    np.savez(path, images=images)
    with pytest.raises(DataError) as info:
        ImageFiles(str(path), image_size=8).setup()
    assert str(info.value) == (
        f"data.path {str(path)!r}: 6 of 2,000 values are NaN or infinite; clean the data first"
    )


def test_non_finite_rotmnist_pixels_name_the_file(tmp_path):
    train = tmp_path / "mnist_all_rotation_normalized_float_train_valid.amat"
    _write_amat(train, 6, 0)
    _write_amat(tmp_path / "mnist_all_rotation_normalized_float_test.amat", 4, 1)
    lines = train.read_text().splitlines()
    lines[2] = "nan " + lines[2].split(" ", 1)[1]
    train.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match=r"amat': 1 of 4,704 values are NaN or infinite"):
        RotMNIST(str(tmp_path), val_fraction=0.5).setup()


def test_a_batch_size_beyond_the_training_set_says_what_it_became():
    data = RotDigits(image_size=8, num_train=100, batch_size=5000)
    with pytest.warns(UserWarning, match=r"data.batch_size 5000 is larger than the 100 training "
                      r"images; using batches of 100"):  # fmt: skip
        loader = data.train_dataloader()
    assert loader.batch_size == 100


def test_a_batch_size_that_fits_gives_no_warning(recwarn):
    assert (
        RotDigits(image_size=8, num_train=100, batch_size=100).train_dataloader().batch_size == 100
    )
    assert not [w for w in recwarn if "batch_size" in str(w.message)]


def _tile(path: Path, width: int, height: int, colour=(0, 200, 0)) -> None:
    pixels = np.zeros((height, width, 3), dtype=np.uint8)
    pixels[:] = colour
    side = min(width, height)
    if width > height:  # red bands outside the centre square: a crop drops them
        pixels[:, : (width - side) // 2] = pixels[:, (width + side) // 2 :] = (255, 0, 0)
    Image.fromarray(pixels).save(path)


def test_images_are_never_resized_or_cropped_silently(tmp_path, caplog):
    for i, (width, height) in enumerate([(32, 32)] * 3 + [(40, 40), (64, 64)] + [(48, 32)] * 2):
        _tile(tmp_path / f"tile{i}.png", width, height)
    data = ImageFiles(str(tmp_path), image_size=32, channels=3, val_fraction=0.0, test_fraction=0.0)
    with caplog.at_level(logging.INFO, logger="lightning.pytorch"):
        images = data.images("train")
    said = " ".join(r.getMessage() for r in caplog.records if "ImageFiles" in r.getMessage())
    assert "center-cropped 2 non-square images to squares (2 of 48x32)" in said
    assert "resized 2 images to 32x32: 1 from 40x40 (downscaled), 1 from 64x64 (downscaled)" in said
    # the crops kept the green centre: no red band was stretched in
    assert images.shape == (7, 3, 32, 32) and images[:, 0].max() < -0.9 and images[:, 1].min() > 0.5


def test_small_tiles_for_a_larger_image_size_are_said_to_be_upscaled(tmp_path, caplog):
    for i in range(4):
        _tile(tmp_path / f"t{i}.png", 32, 32)
    data = ImageFiles(str(tmp_path), image_size=128, channels=3, val_fraction=0.0,
                      test_fraction=0.0)  # fmt: skip
    with caplog.at_level(logging.INFO, logger="lightning.pytorch"):
        data.images("train")
    assert any("resized 4 images to 128x128: 4 from 32x32 (upscaled)" in r.getMessage()
               for r in caplog.records)  # fmt: skip


def test_non_square_images_can_be_refused(tmp_path):
    _tile(tmp_path / "wide.png", 48, 32)
    data = ImageFiles(str(tmp_path), image_size=32, channels=3, non_square="refuse")
    with pytest.raises(DataError, match=r"wide\.png' is 48x32 px, not square") as info:
        data.setup()
    assert "\n" not in str(info.value)
    np.savez(tmp_path / "wide.npz", images=np.zeros((4, 24, 40, 3)))
    data = ImageFiles(str(tmp_path / "wide.npz"), image_size=16, channels=3, val_fraction=0.0,
                      test_fraction=0.0)  # fmt: skip
    assert data.images("train").shape == (4, 3, 16, 16)  # cropped to 24x24, then resized
