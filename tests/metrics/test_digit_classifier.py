"""The shipped digit feature network keeps its accuracy claim on held-out rotated digits."""

from __future__ import annotations

from ginv_lightning.metrics.digit_classifier import load_digit_classifier, shipped_weights
from ginv_lightning.metrics.train_digits import accuracy, digit_splits


def test_shipped_weights_are_small_and_load_weights_only():
    assert shipped_weights().stat().st_size < 1_000_000
    model = load_digit_classifier()
    assert not model.training


def test_accuracy_on_held_out_rotated_digits_is_at_least_95_percent():
    _, (images, labels) = digit_splits()
    assert len(labels) == 270  # RotDigits' test split, never seen in training
    assert accuracy(load_digit_classifier(), images, labels) >= 0.95
