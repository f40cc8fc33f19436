"""The shipped histology feature network, validated before it is trusted.

FID on its features must rise with the strength of each distortion of real
test crops (blur, noise, hue shift, JPEG), and real train-band crops against
real test-band crops must score far below the mildest of them. Control: the
autoencoder's code alone (its last level's channel means, without the lower
levels' statistics) does not rise with every distortion: see ``CONTROL``.
"""

from __future__ import annotations

import pytest
import torch

from ginv_lightning.errors import ConfigError
from ginv_lightning.metrics.crop_features import (
    HistologyFeatures,
    load_crop_autoencoder,
    shipped_weights,
)
from ginv_lightning.metrics.features import build_features
from ginv_lightning.metrics.train_crop_features import DISTORTIONS, distortion_fids


@pytest.fixture(scope="module")
def measured() -> tuple[float, dict[str, list[float]]]:
    return distortion_fids(HistologyFeatures())


def test_shipped_weights_are_small_and_load_weights_only():
    assert shipped_weights().stat().st_size < 1_000_000
    assert not load_crop_autoencoder().training


def test_fid_rises_with_every_distortion_and_real_crops_score_far_below(measured):
    real, table = measured
    assert table.keys() == DISTORTIONS.keys()
    for kind, values in table.items():
        assert values == sorted(values), f"{kind}: {values}"
        assert values[0] > 3 * real, f"{kind} at its mildest {values[0]} vs real {real}"


def test_histology_features_take_rgb_and_refuse_grey():
    features, identity = build_features("histology", torch.zeros(2, 3, 32, 32))
    assert identity.startswith("histology:") and features.num_features == 352
    assert features(torch.zeros(2, 3, 64, 64)).shape == (2, 352)  # any size at the same scale
    with pytest.raises(ConfigError, match="'histology' .* needs RGB images"):
        build_features("histology", torch.zeros(2, 1, 32, 32))
