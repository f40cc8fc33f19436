"""`ginv bench` runs end to end and reports every measurement with its ratio."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_ginv


@pytest.mark.slow
def test_bench_writes_table_json_and_csv(tmp_path):
    result = run_ginv("bench", "--out", str(tmp_path), "--rounds", "1", "--batches", "2",
                      "--skip-fit", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "bench.json").read_text())
    assert report["machine"]["threads"] >= 1
    cases = {(row["measure"], row["case"]) for row in report["rows"]}
    assert ("training step (s/batch)", "equivariant C4") in cases
    assert ("sampling (images/s)", "equivariant, exported") in cases
    same_shape = next(r for r in report["rows"] if r["case"] == "plain CNN, same shapes")
    assert same_shape["ratio"] == 1.0 and same_shape["peak_mb"] >= 0
    assert "training step (s/batch)  equivariant C4" in result.stdout
    assert (tmp_path / "bench.csv").read_text().startswith("measure,case,median")
