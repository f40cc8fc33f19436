"""The shipped histology feature network, validated before it is trusted.

FID on its features rises with the strength of each distortion of real test
crops (blur, noise, hue shift, JPEG), and the strongest of each stands clear of
the sampling noise (two halves of the test crops). Train-band crops against
test-band crops score far above that noise and above the distortions: the
slide's bands hold different tissue, so a GAN's FID against the test band has
that floor (docs/metrics.md). Control: the autoencoder's code alone (the last
level's channel means) does not see the distortions: see the last test.
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
from ginv_lightning.metrics.train_crop_features import DISTORTIONS, Validation, validate


@pytest.fixture(scope="module")
def checked() -> Validation:
    return validate(HistologyFeatures())


def test_shipped_weights_are_small_and_load_weights_only():
    assert shipped_weights().stat().st_size < 1_000_000
    assert not load_crop_autoencoder().training


def test_fid_rises_with_every_distortion_beyond_the_sampling_noise(checked):
    assert checked.distortions.keys() == DISTORTIONS.keys()
    for kind, values in checked.distortions.items():
        assert values == sorted(values), f"{kind}: {values}"
        assert values[-1] > 1.5 * checked.within_band, f"{kind}: {values}"


def test_the_bands_differ_far_more_than_two_samples_of_one_band(checked):
    assert checked.across_bands > 10 * checked.within_band
    assert checked.across_bands > max(v[-1] for v in checked.distortions.values())


def test_the_code_alone_would_not_see_the_distortions():
    """The control: features of the code alone, unstandardised, fail the check above."""
    network = load_crop_autoencoder()

    def code_means(images: torch.Tensor) -> torch.Tensor:
        return network.encode(images)[-1].flatten(2).mean(-1)

    control = validate(code_means, {k: (v[-1],) for k, v in DISTORTIONS.items()})
    missed = [k for k, (v,) in control.distortions.items() if v <= 1.5 * control.within_band]
    assert missed, control


def test_histology_features_take_rgb_and_refuse_grey():
    features, identity = build_features("histology", torch.zeros(2, 3, 32, 32))
    assert identity.startswith("histology:") and features.num_features == 352
    assert features(torch.zeros(2, 3, 64, 64)).shape == (2, 352)  # any size at the same scale
    with pytest.raises(ConfigError, match=r"'histology' .* needs RGB images"):
        build_features("histology", torch.zeros(2, 1, 32, 32))
