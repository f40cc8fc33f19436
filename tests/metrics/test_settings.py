"""The metrics settings, declared once in MetricsConfig, are ``ginv fit``'s ``--metrics.*`` options.

GenerativeMetrics forwards ``**settings`` to MetricsConfig and jsonargparse finds
the fields by reading that call; these tests fail if it ever stops doing so.
"""

from __future__ import annotations

import dataclasses
import math

import pytest
from jsonargparse import ArgumentError
from lightning.pytorch.cli import LightningArgumentParser

from ginv_lightning.callbacks.metrics import GenerativeMetrics
from ginv_lightning.errors import ConfigError
from ginv_lightning.metrics.config import MetricsConfig
from ginv_lightning.metrics.quality import SampleQuality


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


@pytest.mark.parametrize(("samples", "size", "processes"), [(100, 100, 2), (500, 200, 4)])
def test_a_noise_bank_of_fewer_batches_than_processes_is_refused(samples, size, processes):
    """Each process generates a share of the batches; a process with none would leave
    torchmetrics a share of no samples to gather, and the run would fail at its first
    evaluation. One line at set-up instead, with what to change."""
    config = MetricsConfig(num_samples=samples, batch_size=size)
    quality = SampleQuality(config, None, "none")
    quality.check_processes(math.ceil(samples / size))  # one batch each: accepted
    with pytest.raises(ConfigError) as refused:
        quality.check_processes(processes)
    assert str(refused.value) == (
        f"metrics.num_samples ({samples}) in batches of metrics.batch_size ({size}) makes "
        f"{math.ceil(samples / size)} batch(es) for {processes} processes, and each process "
        f"generates at least one: set metrics.batch_size to at most {samples // processes} "
        "or raise metrics.num_samples"
    )
