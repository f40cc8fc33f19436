"""One cell of a study: train one GAN on n samples (or take the empirical law) and measure W1."""

from __future__ import annotations

import time
from typing import Any

import torch
from lightning.pytorch import Callback, LightningModule, Trainer, seed_everything
from typing_extensions import override

from ginv_lightning.callbacks.progress import ProgressLine
from ginv_lightning.data.points import TargetPoints
from ginv_lightning.data.targets import TargetLaw
from ginv_lightning.experiment import build_data, build_experiment
from ginv_lightning.gan.module import GAN
from ginv_lightning.grid.trainer import CellTrainer
from ginv_lightning.metrics.wasserstein import wasserstein1
from ginv_lightning.nn.base import count_parameters
from ginv_lightning.quiet_trainer import quiet_trainer
from ginv_lightning.study.cell_config import cell_config
from ginv_lightning.study.run_settings import Cell, Networks, Outcome, Training
from ginv_lightning.symmetry import resolve_group
from ginv_lightning.symmetry.contract import GroupAction


def evaluate_cell(
    cell: Cell,
    target: dict[str, Any],
    training: Training,
    networks: Networks,
    eval_samples: int,
    heldout_seed: int,
    trace: tuple[float, ...] = (),
    machine: CellTrainer | None = None,
) -> Outcome:
    """Train (unless ``cell.model`` is ``empirical``) and measure W1 to the held-out samples.

    ``target`` is the study's ``target:`` section; the cell is built from its
    ``ginv fit`` sections (:func:`~ginv_lightning.study.cell_config.cell_config`).
    """
    start = time.perf_counter()
    symmetry = resolve_group(cell.group)
    config = cell_config(cell, target, training, networks, eval_samples, heldout_seed, symmetry)
    if cell.model == "empirical":
        data = build_data(config, f"study cell {cell.name}")
        assert isinstance(data, TargetPoints)
        orbit = symmetrised(symmetry, data.train_points)
        w1 = target_w1(data.target, orbit, data.heldout_points)
        return Outcome(w1, time.perf_counter() - start)
    seed_everything(cell.seed, verbose=False)
    experiment = build_experiment(config, source=f"study cell {cell.name}")
    model, data = experiment.model, experiment.data
    assert isinstance(data, TargetPoints)
    machine = machine or CellTrainer("cpu")
    steps_per_g = training.n_critic + 1  # Lightning counts every optimiser step
    tracer = TraceW1(data, eval_samples, cell.seed, trace, training.steps)
    steps = training.steps * steps_per_g
    callbacks = [tracer, ProgressLine(cell.name, steps)]  # a line every 30 s of a long run
    trainer = quiet_trainer(steps, callbacks, machine.accelerator, machine.precision)
    trainer.fit(model, datamodule=data)
    w1 = target_w1(data.target, sample(model, eval_samples, cell.seed), data.heldout_points)
    return Outcome(
        w1=w1,
        seconds=time.perf_counter() - start,
        g_params=count_parameters(model.generator),
        d_params=count_parameters(model.discriminator),
        trace=tracer.values,
    )


def target_w1(target: TargetLaw, x: torch.Tensor, y: torch.Tensor) -> float:
    """W1 between two samples of the target's kind, in the target's metric."""
    return wasserstein1(target.embed(x.cpu()), target.embed(y.cpu()))


def sample(model: GAN, n: int, seed: int) -> torch.Tensor:
    """``n`` samples from the EMA generator, with seeded noise."""
    return model.sample(n, generator=torch.Generator().manual_seed(seed)).double().cpu()


def symmetrised(symmetry: GroupAction, points: torch.Tensor) -> torch.Tensor:
    """The orbit of every sample under a finite group (the config admits no other): |G| n
    samples. The trivial group leaves any data as they are."""
    if symmetry.order == 1:
        return points
    return torch.cat([symmetry.act(g, points) for g in symmetry.elements()])


class TraceW1(Callback):
    """W1 of the EMA generator at given fractions of training (to check convergence)."""

    def __init__(
        self,
        data: TargetPoints,
        eval_samples: int,
        seed: int,
        fractions: tuple[float, ...],
        g_steps: int,
    ) -> None:
        self.data = data
        self.eval_samples = eval_samples
        self.seed = seed
        self.at = {max(1, round(f * g_steps)): f for f in fractions}
        self.g_steps = 0
        self.values: dict[float, float] = {}

    @override
    def on_train_batch_end(
        self, trainer: Trainer, pl_module: LightningModule, outputs: object, batch: object,
        batch_idx: int,
    ) -> None:  # fmt: skip
        assert isinstance(pl_module, GAN)
        if not pl_module.is_generator_turn():
            return
        self.g_steps += 1
        if self.g_steps in self.at:
            generated = sample(pl_module, self.eval_samples, self.seed)
            heldout = self.data.heldout_points
            self.values[self.at[self.g_steps]] = target_w1(self.data.target, generated, heldout)
