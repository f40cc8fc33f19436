"""Per-class metrics against known answers: generators that return real digits of a chosen class.

A "generator" that answers each asked-for label with a real test digit of that class
must score a label accuracy near the shipped classifier's own (about 98%), one that
answers with the next class about 0, and its intra-class FID must be far above the
right one's. (Breaking ``PerClassScores`` on purpose, comparing the predictions with
shuffled labels, fails the first check.)
"""

from __future__ import annotations

import pytest
import torch

from ginv_lightning.data import RotDigits
from ginv_lightning.metrics.config import MetricsConfig
from ginv_lightning.metrics.features import build_features
from ginv_lightning.metrics.quality import SampleQuality
from ginv_lightning.nn.base import Generator
from ginv_lightning.symmetry import resolve_group


class ClassBank(Generator):
    """Answers label y with a real digit of class ``(y + shift) % 10`` (the noise picks which)."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, shift: int) -> None:
        super().__init__()
        self.by_class = [images[labels == c] for c in range(10)]
        self.shift = shift
        self.latent_shape = (1,)

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        picks = (z[:, 0].abs() * 1e6).long().tolist()
        chosen = [self.by_class[(int(y) + self.shift) % 10] for y in labels]
        return torch.stack([pool[p % len(pool)] for pool, p in zip(chosen, picks, strict=True)])


@pytest.fixture(scope="module")
def digits():
    data = RotDigits(labels=True)
    return (
        data.images("val"),
        data.class_labels("val"),
        data.images("test"),
        data.class_labels("test"),
    )


def _measure(digits, shift: int) -> dict[str, float]:
    val, val_labels, test, test_labels = digits
    config = MetricsConfig(num_samples=500, batch_size=100, kid_subset_size=50, cache_dir="")
    network, name = build_features("digits", val[:4])
    quality = SampleQuality(config, network, name)
    device = torch.device("cpu")
    quality.add_reference(val, (0, 1), device, labels=val_labels, classes=10)
    bank = torch.arange(config.num_samples) % 10
    quality.add_generated(ClassBank(test, test_labels, shift), resolve_group("C4"), (0, 1),
                          device, label_bank=bank)  # fmt: skip
    return {k: float(v) for k, v in quality.compute().items()}


def test_real_digits_of_the_asked_class_are_recognised_as_asked(digits):
    right = _measure(digits, shift=0)
    assert right["label_accuracy"] > 0.9  # the classifier's own test accuracy is about 0.98
    wrong = _measure(digits, shift=1)
    assert wrong["label_accuracy"] < 0.1
    # the same class from another split is close; another class is far
    assert wrong["fid_intra"] > 5 * right["fid_intra"] > 0
