"""`ginv bench` end to end: every measurement with its ratio, like compared with like."""

from __future__ import annotations

import json

import pytest
import torch
from escnn import nn as enn
from torch import nn

from ginv_lightning.benchmark.cases import benchmark_cases, build
from tests.conftest import run_ginv


@pytest.mark.slow
def test_bench_writes_table_json_and_csv_and_shows_progress(tmp_path):
    result = run_ginv("bench", "--config", "rotdigits_c4", "--out", str(tmp_path),
                      "--rounds", "1", "--batches", "2", "--skip-fit", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "bench.json").read_text())
    assert report["machine"]["threads"] >= 1
    cases = {(row["measure"], row["case"]) for row in report["rows"]}
    assert ("training step (s/batch)", "equivariant C4") in cases
    assert ("sampling (images/s)", "equivariant, exported") in cases
    steps = {r["case"]: r for r in report["rows"] if r["measure"] == "training step (s/batch)"}
    reference = steps["plain CNN, same shapes"]["median"]
    for row in steps.values():  # every ratio is against the same-shape CNN's median
        assert row["ratio"] == pytest.approx(row["median"] / reference)
        assert row["peak_mb"] >= 0 and row["low"] <= row["median"] <= row["high"]
    assert steps["equivariant C4"]["params_g"] == 18019  # the main job's own networks
    assert "training step (s/batch)  equivariant C4" in result.stdout
    assert "training steps, round 1/1: plain CNN, params matched" in result.stderr
    assert (tmp_path / "bench.csv").read_text().startswith("measure,case,median")


def _conv_output_shapes(module: nn.Module, run) -> list[tuple[int, ...]]:
    shapes: list[tuple[int, ...]] = []

    def record(_module, _inputs, output):
        tensor = output.tensor if isinstance(output, enn.GeometricTensor) else output
        shapes.append(tuple(tensor.shape))

    convolutions = [m for m in module.modules() if isinstance(m, nn.Conv2d | nn.ConvTranspose2d
                    | enn.R2Conv | enn.R2ConvTransposed)]  # fmt: skip
    handles = [m.register_forward_hook(record) for m in convolutions]
    with torch.no_grad():
        run()
    for handle in handles:
        handle.remove()
    return shapes


def test_same_shape_case_has_the_equivariant_models_tensor_shapes():
    equivariant, same_shape, matched = (build(case).model for case in benchmark_cases())
    for module in (equivariant, same_shape, matched):
        module.eval()
    z = equivariant.generator.sample_latent(2)
    images = torch.zeros(2, 1, 24, 24)

    def shapes(module):
        return (
            _conv_output_shapes(module.generator, lambda: module.generator(z)),
            _conv_output_shapes(module.discriminator, lambda: module.discriminator(images)),
        )

    assert shapes(same_shape) == shapes(equivariant)
    assert shapes(matched) != shapes(equivariant)  # the params-matched CNN is narrower
