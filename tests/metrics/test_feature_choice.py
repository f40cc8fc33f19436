"""Choosing FID/KID features: the built-in ones need images, any module must take the data."""

from __future__ import annotations

import io

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


def test_inception_features_come_from_a_weights_file_read_weights_only(tmp_path, monkeypatch):
    """The genuine file cannot be had offline: a randomly initialised one of its layout is used."""
    from torch_fidelity.feature_extractor_inceptionv3 import FeatureExtractorInceptionV3

    empty = io.BytesIO()
    torch.save({}, empty)
    empty.seek(0)
    with monkeypatch.context() as patch:  # build the network without any weights
        patch.setattr(FeatureExtractorInceptionV3, "load_state_dict", lambda self, state: None)
        weights = FeatureExtractorInceptionV3("x", ["2048"], empty).state_dict()
    path = tmp_path / "inception.pth"
    torch.save(weights, path)

    loads, load = [], torch.load
    monkeypatch.setattr(
        torch, "load", lambda f, *a, **kw: loads.append((f, kw)) or load(f, *a, **kw)
    )
    features, identity = build_features("inception", torch.rand(3, 1, 24, 24) * 2 - 1, str(path))
    assert [kw["weights_only"] for f, kw in loads if not isinstance(f, io.BytesIO)] == [True]
    assert identity == "inception:2015-12-05" and features.num_features == 2048
    loaded = features.net.state_dict()
    assert all(torch.equal(loaded[name], value) for name, value in weights.items())
    assert features(torch.rand(3, 1, 24, 24) * 2 - 1).shape == (3, 2048)
