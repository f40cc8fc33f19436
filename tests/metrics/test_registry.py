"""The metric registry: built-ins registered as plugins are, names never shadowed, the docs'
table and ``ginv compare``'s headline distances read from it."""

from __future__ import annotations

import re
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

import pytest

from ginv_lightning.errors import ConfigError
from ginv_lightning.metrics.registry import (
    ENTRY_POINT_GROUP,
    headline_keys,
    load_metrics,
    registered_metrics,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"


def point(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


def builtin() -> dict[str, type]:
    ours = [p for p in entry_points(group=ENTRY_POINT_GROUP) if p.dist.name == "ginv-lightning"]
    return load_metrics(ours)


def test_the_builtin_metrics_register_through_entry_points_like_a_plugins():
    assert set(builtin()) == {
        "fid", "kid", "fid_orbit", "d_invariance", "digit_scores", "per_class", "swd",
    }  # fmt: skip
    assert builtin().items() <= registered_metrics().items()
    assert {"fid", "kid", "fid_intra", "swd"} <= set(headline_keys())
    assert "fid_orbit" not in headline_keys()  # a diagnostic, not a distance to rank by


def test_a_name_registered_twice_or_naming_no_metric_is_refused():
    fid = "ginv_lightning.metrics.fid:FID"
    with pytest.raises(ConfigError, match="register the metric 'fid'"):
        load_metrics([point("fid", fid), point("fid", "ginv_lightning.metrics.kid:KID")])
    with pytest.raises(ConfigError, match="is not a GenerativeMetric subclass"):
        load_metrics([point("fid", "ginv_lightning.metrics.features:GivenFeatures")])
    with pytest.raises(ConfigError, match="whose name is 'fid'"):
        load_metrics([point("frechet", fid)])


def test_the_docs_table_lists_every_builtin_metric_as_registered():
    text = DOCS.read_text()
    rows = re.findall(r"^\| `(\w+)` \| ((?:`[\w<>]+`(?:, )?)+) \| (lower|higher) \| (yes|no) \|",
                      text, re.MULTILINE)  # fmt: skip
    table = {name: (keys, better, headline) for name, keys, better, headline in rows}
    assert set(table) == set(builtin())
    for name, metric in builtin().items():
        keys, better, headline = table[name]
        assert re.findall(r"`([\w<>]+)`", keys)[: len(metric.keys)] == list(metric.keys), name
        assert better == ("higher" if metric.higher_is_better else "lower"), name
        assert headline == ("yes" if metric.headline else "no"), name
