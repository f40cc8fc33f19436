"""Labelled data: (image, label) batches, classes in the data shape, and clear refusals."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from ginv_lightning.data import HistologyPatches, ImageFiles, RotDigits
from ginv_lightning.data.rotdigits import load_digit_images
from ginv_lightning.data.splits import split_indices
from ginv_lightning.errors import ConfigError, DataError


def test_rotdigits_labels_are_the_digits_of_the_same_images():
    plain, labelled = RotDigits(image_size=16), RotDigits(image_size=16, labels=True)
    assert plain.data_shape.classes == 0 and labelled.data_shape.classes == 10
    assert labelled.data_shape.describe() == "1-channel 16x16 images in 10 classes"
    for part in ("train", "val", "test"):
        assert torch.equal(labelled.images(part), plain.images(part))
    parts = split_indices(1797, 0.15, 0.15, 0)
    targets = load_digit_images()[1]
    assert torch.equal(labelled.class_labels("val"), targets[parts.val])
    images, labels = next(iter(labelled.train_dataloader()))
    assert images.shape == (64, 1, 16, 16) and labels.dtype == torch.long
    assert set(labelled.class_labels("train").tolist()) == set(range(10))
    assert len(next(iter(plain.train_dataloader()))) == 1  # unlabelled batches unchanged


def test_fraction_keeps_each_image_with_its_label():
    whole, part = RotDigits(image_size=16, labels=True), RotDigits(image_size=16, labels=True,
                                                                   fraction=0.1)  # fmt: skip
    kept = part.images("train")
    index = [int(torch.nonzero((whole.images("train") == k).flatten(1).all(1))[0]) for k in kept]
    assert torch.equal(part.class_labels("train"), whole.class_labels("train")[index])


def write_class_folders(root, classes=("cat", "dog", "eel"), per_class=4):
    for label, name in enumerate(classes):
        folder = root / name
        folder.mkdir(parents=True)
        for i in range(per_class):  # the class is written into the picture's brightness
            value = 40 + 80 * label
            Image.fromarray(np.full((8, 8), value, dtype=np.uint8)).save(folder / f"{i}.png")


def test_one_sub_folder_per_class(tmp_path):
    write_class_folders(tmp_path)
    data = ImageFiles(str(tmp_path), image_size=8, labels=True, val_fraction=0.25,
                      test_fraction=0.25)  # fmt: skip
    assert data.class_names() == ["cat", "dog", "eel"] and data.data_shape.classes == 3
    for part in ("train", "val", "test"):
        brightness = (data.images(part).mean((1, 2, 3)) + 1) / 2 * 255
        expected = 40 + 80 * data.class_labels(part).double()
        assert torch.allclose(brightness.double(), expected, atol=1)


def test_npz_labels_and_their_count(tmp_path):
    images = np.random.default_rng(0).random((20, 8, 8))
    np.savez(tmp_path / "ok.npz", images=images, labels=np.arange(20) % 4)
    data = ImageFiles(str(tmp_path / "ok.npz"), image_size=8, labels=True)
    assert data.data_shape.classes == 4
    np.savez(tmp_path / "short.npz", images=images, labels=np.arange(19) % 4)
    with pytest.raises(DataError, match="19 labels for 20 images") as info:
        ImageFiles(str(tmp_path / "short.npz"), image_size=8, labels=True).setup()
    assert "\n" not in str(info.value)


def test_unlabelled_data_refuse_labels_in_one_line(tmp_path):
    with pytest.raises(ConfigError, match="HistologyPatches has no class labels") as info:
        HistologyPatches(labels=True, num_crops=300).data_shape  # noqa: B018
    assert "RotDigits, RotMNIST, or ImageFiles with one sub-folder per class" in str(info.value)
    write_class_folders(tmp_path / "flat")
    loose = tmp_path / "flat" / "loose.png"
    Image.fromarray(np.zeros((8, 8), dtype=np.uint8)).save(loose)
    data = ImageFiles(str(tmp_path / "flat"), image_size=8, labels=True)
    with pytest.raises(DataError, match="lies in no class sub-folder"):
        data.setup()
