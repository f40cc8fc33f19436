"""Running every measurement and writing the table (stdout), JSON and CSV."""

from __future__ import annotations

import csv
import json
import platform
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch

from ginv_lightning.benchmark.cases import BASELINE, MAIN, benchmark_cases, build
from ginv_lightning.benchmark.evaluation import default_fit_cost
from ginv_lightning.benchmark.memory import training_peak_mb
from ginv_lightning.benchmark.timing import interleaved_step_times, sampling_rates
from ginv_lightning.nn.base import count_parameters
from ginv_lightning.shipped_configs import find_config


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if "model name" in line)
    except (OSError, StopIteration):
        pass
    return {
        "cpu": cpu,
        "threads": torch.get_num_threads(),
        "cuda": torch.cuda.get_device_name() if torch.cuda.is_available() else None,
        "torch": torch.__version__,
        "python": platform.python_version(),
    }


def run(
    settings: BenchSettings, progress: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """Every measurement of ``ginv bench``; ``progress`` hears what is being measured."""
    cases = benchmark_cases(settings.config, settings.baseline)
    device = "cuda" if settings.accelerator == "gpu" else "cpu"
    accelerator, rounds = settings.accelerator, settings.rounds
    steps = interleaved_step_times(cases, rounds, settings.batches, accelerator, progress)
    progress("sampling rates")
    modules = {case.name: build(case).model for case in cases}
    equivariant, same_shape = modules[cases[0].name], modules[cases[1].name]
    generators = {
        "equivariant, escnn eval mode": equivariant.generator,
        "equivariant, exported": _exported(equivariant),
        "plain CNN, same shapes": same_shape.generator,
        "plain CNN, params matched": modules[cases[2].name].generator,
    }
    sampling = sampling_rates(generators, batch=256, rounds=rounds * 4, device=device)
    reference = steps[cases[1].name].median
    rows = []
    for case in cases:
        module = modules[case.name]
        row = {
            "measure": "training step (s/batch)",
            "case": case.name,
            **asdict(steps[case.name]),
            "ratio": steps[case.name].median / reference,
            "params_g": count_parameters(module.generator),
            "params_d": count_parameters(module.discriminator),
        }
        if case in cases[:3]:  # the variants of the equivariant model: time only
            progress(f"peak memory of training: {case.name}")
            row["peak_mb"] = training_peak_mb(case, accelerator)
        rows.append(row)
    plain_rate = sampling["plain CNN, same shapes"].median
    for name, summary in sampling.items():
        rows.append({"measure": "sampling (images/s)", "case": name, **asdict(summary),
                     "ratio": summary.median / plain_rate})  # fmt: skip
    result: dict[str, Any] = {"machine": machine(), "rows": rows}
    if settings.with_fit:
        progress(f"a whole `ginv fit --config {settings.config}` (minutes)")
        cost = default_fit_cost(find_config(settings.config))
        result["default_fit"] = {**asdict(cost), "evaluation_share": cost.evaluation_share}
    return result


@dataclass(frozen=True)
class BenchSettings:
    """What ``ginv bench`` measures: which configs, how often, on which device."""

    config: str = MAIN
    baseline: str = BASELINE
    rounds: int = 5
    batches: int = 10
    accelerator: str = "cpu"
    with_fit: bool = True


def _exported(module: Any) -> torch.nn.Module:
    module.generator.eval()
    exported = module.generator.export()
    module.generator.train()
    return exported


def _speed_ups(rows: list[dict[str, Any]]) -> list[str]:
    """How much faster than the equivariant model as configured each variant of it is."""
    steps = {row["case"]: row["median"] for row in rows if row["measure"].startswith("training")}
    configured = next(iter(steps))
    return [
        f"speed-up of {name} over {configured}: {steps[configured] / seconds:.2f}x"
        for name, seconds in steps.items()
        if name.startswith(f"{configured}, ")
    ]


def write(result: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(result, indent=2))
    fields = ["measure", "case", "median", "low", "high", "samples", "ratio",
              "params_g", "params_d", "peak_mb"]  # fmt: skip
    with open(out / "bench.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(result["rows"])


def table(result: dict[str, Any]) -> str:
    info = result["machine"]
    lines = [
        f"machine: {info['cpu']}, {info['threads']} threads, cuda: {info['cuda']}, "
        f"torch {info['torch']}",
        f"{'measure':<24} {'case':<30} {'median':>10} {'IQR':>21} {'ratio':>6} {'peak MB':>8}",
    ]
    for row in result["rows"]:
        iqr = f"[{row['low']:.4g}, {row['high']:.4g}]"
        peak = f"{row['peak_mb']:.0f}" if "peak_mb" in row else ""
        lines.append(
            f"{row['measure']:<24} {row['case']:<30} {row['median']:>10.4g} {iqr:>21} "
            f"{row['ratio']:>6.3f} {peak:>8}"
        )
    lines += _speed_ups(result["rows"])
    for row in result["rows"]:
        if "params_g" in row:
            lines.append(f"parameters of {row['case']}: G {row['params_g']}, D {row['params_d']}")
    if "default_fit" in result:
        fit = result["default_fit"]
        lines.append(
            f"default `ginv fit` (main job): {fit['wall_seconds']:.0f} s wall, "
            f"{fit['evaluations']} evaluations took {fit['evaluation_seconds']:.1f} s "
            f"= {100 * fit['evaluation_share']:.1f}% of it"
        )
    return "\n".join(lines)
