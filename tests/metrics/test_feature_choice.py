"""Choosing FID/KID features: the built-in ones need images, any module must take the data."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from ginv_lightning.errors import ConfigError
from ginv_lightning.metrics.features import UserFeatures, build_features


class FlatImageFeatures(nn.Module):
    """A user's feature module that only understands (N, 1, 8, 8) images."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(64, 5)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.linear(images.reshape(len(images), 64))


PATH = f"{__name__}.FlatImageFeatures"


@pytest.mark.parametrize("name", ["digits", "inception"])
def test_builtin_image_features_refuse_voxel_grids_before_loading_anything(name):
    voxels = torch.zeros(2, 1, 16, 16, 16)
    with pytest.raises(ConfigError) as info:
        build_features(name, voxels, inception_weights="/nonexistent/weights.pth")
    message = str(info.value)
    assert message.startswith(f"metrics.features: {name!r} works on 2-D images")
    assert "3-D grids (one sample is (1, 16, 16, 16))" in message
    assert "class path of a feature module" in message and "metrics.enabled: false" in message


def test_user_module_is_sized_on_the_data():
    features, identity = build_features(PATH, torch.zeros(3, 1, 8, 8))
    assert isinstance(features, UserFeatures) and features.num_features == 5
    assert identity == f"user:{PATH}"


def test_user_module_that_cannot_take_the_data_is_reported_in_one_line():
    with pytest.raises(ConfigError, match=r"FlatImageFeatures cannot take the data \(one sample is "
                       r"\(1, 6, 6, 6\)\)"):  # fmt: skip
        build_features(PATH, torch.zeros(2, 1, 6, 6, 6))
