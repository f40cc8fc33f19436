"""The benchmark compares like with like: the same-shape CNN has the equivariant model's shapes.

`ginv bench` itself runs end to end from an installed wheel in tests/test_install.py.
"""

from __future__ import annotations

import pytest
import torch
from escnn import nn as enn
from torch import nn

from ginv_lightning.benchmark.cases import LAZY_EVERY, Case, benchmark_cases, build
from ginv_lightning.benchmark.memory import training_peak_mb


def _conv_output_shapes(module: nn.Module, run) -> list[tuple[int, ...]]:
    shapes: list[tuple[int, ...]] = []

    def record(_module, _inputs, output):
        tensor = output.tensor if isinstance(output, enn.GeometricTensor) else output
        shapes.append(tuple(tensor.shape))

    convolutions = [m for m in module.modules() if isinstance(m, nn.Conv2d | nn.ConvTranspose2d
                    | enn.R2Conv | enn.R2ConvTransposed)]  # fmt: skip
    assert convolutions
    handles = [m.register_forward_hook(record) for m in convolutions]
    with torch.no_grad():
        run()
    for handle in handles:
        handle.remove()
    return shapes


@pytest.mark.parametrize(
    ("main", "baseline", "size", "channels"),
    [("rotdigits_c4", "rotdigits_cnn", 24, 1), ("histology_d4_64", "histology_cnn_64", 64, 3)],
)
def test_same_shape_case_has_the_equivariant_models_tensor_shapes(main, baseline, size, channels):
    cases = benchmark_cases(main, baseline)
    equivariant, same_shape, matched = (build(case).model for case in cases[:3])
    for module in (equivariant, same_shape, matched):
        module.eval()
    z = equivariant.generator.sample_latent(2)
    images = torch.zeros(2, channels, size, size)

    def shapes(module):
        return (
            _conv_output_shapes(module.generator, lambda: module.generator(z)),
            _conv_output_shapes(module.discriminator, lambda: module.discriminator(images)),
        )

    assert shapes(same_shape) == shapes(equivariant)
    assert shapes(matched) != shapes(equivariant)  # the params-matched CNN is narrower


def test_bench_times_the_fast_path_and_the_training_options_beside_the_configured_model():
    cases = {case.name: case for case in benchmark_cases("rotdigits_c4", "rotdigits_cnn")}
    configured = build(cases["equivariant C4"]).model
    assert not configured.discriminator.fast_path and configured.penalty.every == LAZY_EVERY
    assert build(cases["equivariant C4, fast path"]).model.discriminator.fast_path
    every_step = build(cases["equivariant C4, R1 every step"]).model  # the main job is lazy
    assert every_step.penalty.every == 1 and every_step.penalty.gamma == 0.1
    assert cases["equivariant C4, bf16-mixed"].precision == "bf16-mixed"
    unlazy = {case.name: case for case in benchmark_cases("histology_d4", "histology_cnn")}
    lazy = unlazy[f"equivariant D4, lazy R1/{LAZY_EVERY}"].config["model"]["penalty"]
    assert lazy["init_args"] == {"gamma": 0.1, "every": LAZY_EVERY}


def test_a_memory_probe_that_fails_is_reported_when_its_process_ends():
    """Not after the ten minutes the probe may take: a bench on a new machine would hang."""
    case = benchmark_cases("rotdigits_c4", "rotdigits_cnn")[0]
    broken = Case("broken", {**case.config, "model": {**case.config["model"], "group": "C0"}})
    with pytest.raises(RuntimeError, match="peak memory of 'broken' failed: its process exited"):
        training_peak_mb(broken, "cpu")
