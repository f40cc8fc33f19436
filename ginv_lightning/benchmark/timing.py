"""Timing training steps and sampling, interleaved so that machine noise hits every case alike."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch
from lightning.pytorch import Callback, LightningDataModule, LightningModule
from typing_extensions import override

from ginv_lightning.benchmark.cases import Case, build
from ginv_lightning.escnn_support.eval_mode import evaluating
from ginv_lightning.quiet_trainer import quiet_trainer


@dataclass(frozen=True)
class Summary:
    median: float
    low: float  # 25th percentile
    high: float  # 75th percentile
    samples: int

    @classmethod
    def of(cls, values: list[float]) -> Summary:
        quartiles = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
        return cls(statistics.median(values), quartiles[0], quartiles[2], len(values))


class _BatchTimer(Callback):
    def __init__(self, synchronize: Callable[[], None]) -> None:
        self.times: list[float] = []
        self.synchronize = synchronize

    @override
    def on_train_batch_start(self, *_: object) -> None:
        self.synchronize()
        self._start = time.perf_counter()

    @override
    def on_train_batch_end(self, *_: object) -> None:
        self.synchronize()
        self.times.append(time.perf_counter() - self._start)


def _synchronizer(accelerator: str) -> Callable[[], None]:
    return torch.cuda.synchronize if accelerator == "gpu" else (lambda: None)


def step_times(case: Case, batches: int, warmup: int, accelerator: str) -> list[float]:
    """Seconds per training batch (discriminator step with penalty + generator step)."""
    experiment = build(case)
    return train_batches(
        experiment.model, experiment.data, batches, warmup, accelerator, case.precision
    )


def train_batches(
    module: LightningModule,
    data: LightningDataModule,
    batches: int,
    warmup: int,
    accelerator: str,
    precision: str = "32-true",
) -> list[float]:
    """Train ``warmup + batches`` batches; the seconds each timed batch took."""
    timer = _BatchTimer(_synchronizer(accelerator))
    steps_per_batch = 1 + 1 / module.n_critic
    max_steps = round((warmup + batches) * steps_per_batch)
    trainer = quiet_trainer(max_steps, [timer], accelerator, precision)
    trainer.fit(module, datamodule=data)
    return timer.times[warmup:]


def interleaved_step_times(
    cases: list[Case],
    rounds: int,
    batches: int,
    accelerator: str,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Summary]:
    """Each round times every case in turn; returns per-case summaries over all rounds."""
    times: dict[str, list[float]] = {case.name: [] for case in cases}
    for round_number in range(1, rounds + 1):
        for case in cases:
            progress(f"training steps, round {round_number}/{rounds}: {case.name}")
            times[case.name] += step_times(case, batches, warmup=2, accelerator=accelerator)
    return {name: Summary.of(values) for name, values in times.items()}


def sampling_rates(
    generators: dict[str, torch.nn.Module], batch: int, rounds: int, device: str
) -> dict[str, Summary]:
    """Images per second of each generator (eval mode, no gradients), interleaved."""
    synchronize = _synchronizer("gpu" if device.startswith("cuda") else "cpu")
    rates: dict[str, list[float]] = {name: [] for name in generators}
    for generator in generators.values():
        generator.to(device)
    for _ in range(rounds):
        for name, generator in generators.items():
            with evaluating(generator):
                z = generator.sample_latent(batch, device=device)
                given = _every_class(generator, batch, device)
                generator(z, *given)  # warm-up (and escnn's filter expansion on entering eval)
                synchronize()
                start = time.perf_counter()
                generator(z, *given)
                synchronize()
                rates[name].append(batch / (time.perf_counter() - start))
    return {name: Summary.of(values) for name, values in rates.items()}


def _every_class(generator: torch.nn.Module, n: int, device: str) -> tuple[torch.Tensor, ...]:
    """Labels cycling through the classes of a class-conditional generator (none otherwise)."""
    classes = getattr(generator, "classes", 0)
    return (torch.arange(n, device=device) % classes,) if classes else ()
