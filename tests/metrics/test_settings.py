"""The metrics settings, declared once in MetricsConfig, are ``ginv fit``'s ``--metrics.*`` options.

GenerativeMetrics forwards ``**settings`` to MetricsConfig and jsonargparse finds
the fields by reading that call; these tests fail if it ever stops doing so.
"""

from __future__ import annotations

import dataclasses

import pytest
from jsonargparse import ArgumentError
from lightning.pytorch.cli import LightningArgumentParser

from ginv_lightning.callbacks.metrics import GenerativeMetrics
from ginv_lightning.metrics.config import MetricsConfig


def metrics_parser() -> LightningArgumentParser:
    parser = LightningArgumentParser(exit_on_error=False)
    parser.add_lightning_class_args(GenerativeMetrics, "metrics")
    return parser


def test_every_setting_is_an_option_with_its_default_and_help():
    parser = metrics_parser()
    defaults = parser.get_defaults().metrics
    fields = dataclasses.fields(MetricsConfig)
    assert list(vars(defaults)) == ["enabled", *(f.name for f in fields)]
    assert all(defaults[f.name] == f.default for f in fields)
    help_text = " ".join(parser.format_help().split())
    for described in ("generated images per evaluation.", "number of KID subsets.",
                      "an empty string disables the cache"):  # fmt: skip
        assert described in help_text


def test_options_reach_the_callback_and_unknown_ones_are_refused():
    parser = metrics_parser()
    config = parser.parse_args(["--metrics.num_samples", "7", "--metrics.reference", "test"])
    callback = parser.instantiate(config).metrics
    assert callback.config == MetricsConfig(num_samples=7, reference="test")
    with pytest.raises(ArgumentError):
        parser.parse_args(["--metrics.bogus", "1"])
    with pytest.raises(ArgumentError):
        parser.parse_args(["--metrics.reference", "train"])
