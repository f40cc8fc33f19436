"""One cell of a study: train one GAN on n samples (or take the empirical law) and measure W1."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import partial

import torch
from lightning.pytorch import Callback, LightningModule, Trainer, seed_everything
from typing_extensions import override

from ginv_lightning.data.points import TargetPoints
from ginv_lightning.data.targets import TargetLaw
from ginv_lightning.gan.losses import Wasserstein
from ginv_lightning.gan.module import GAN
from ginv_lightning.gan.penalties import GradientPenalty
from ginv_lightning.metrics.wasserstein import wasserstein1
from ginv_lightning.nn.base import count_parameters
from ginv_lightning.quiet_trainer import quiet_trainer
from ginv_lightning.study.models import builders
from ginv_lightning.study.run_settings import G_STEPS_PER_EPOCH, Cell, Networks, Outcome, Training
from ginv_lightning.symmetry import resolve_group
from ginv_lightning.symmetry.contract import GroupAction


def evaluate_cell(
    cell: Cell,
    target: TargetLaw,
    training: Training,
    networks: Networks,
    eval_samples: int,
    heldout_seed: int,
    trace: tuple[float, ...] = (),
) -> Outcome:
    """Train (unless ``cell.model`` is ``empirical``) and measure W1 to the held-out samples."""
    start = time.perf_counter()
    data = TargetPoints(
        target,
        num_train=cell.n,
        batch_size=training.batch_size,
        num_heldout=eval_samples,
        seed=cell.seed,
        heldout_seed=heldout_seed,
        batches_per_epoch=G_STEPS_PER_EPOCH * training.n_critic,  # whole generator turns
    )
    if cell.model == "empirical":
        orbit = symmetrised(resolve_group(cell.group), data.train_points)
        return Outcome(target_w1(target, orbit, data.heldout_points), time.perf_counter() - start)
    seed_everything(cell.seed, verbose=False)
    model = build_gan(cell, training, networks, data)
    steps_per_g = training.n_critic + 1  # Lightning counts every optimiser step
    tracer = TraceW1(target, data, eval_samples, cell.seed, trace, training.steps)
    trainer = quiet_trainer(training.steps * steps_per_g, [tracer])
    trainer.fit(model, datamodule=data)
    w1 = target_w1(target, sample(model, eval_samples, cell.seed), data.heldout_points)
    return Outcome(
        w1=w1,
        seconds=time.perf_counter() - start,
        g_params=count_parameters(model.generator),
        d_params=count_parameters(model.discriminator),
        trace=tracer.values,
    )


def build_gan(cell: Cell, training: Training, networks: Networks, data: TargetPoints) -> GAN:
    made = builders(cell.model, networks, resolve_group(cell.group))
    adam_g = partial(torch.optim.Adam, lr=training.lr_g, betas=training.betas)
    adam_d = partial(torch.optim.Adam, lr=training.lr_d, betas=training.betas)
    decay = None
    if training.lr_decay:
        epochs = math.ceil(training.steps / G_STEPS_PER_EPOCH)
        decay = partial(torch.optim.lr_scheduler.LambdaLR, lr_lambda=LinearDecay(epochs))
    return GAN(
        generator=made.generator,
        discriminator=made.discriminator,
        group=cell.group,
        data_shape=data.data_shape,
        loss=Wasserstein(),
        penalty=GradientPenalty(training.penalty, one_sided=training.one_sided),
        augment=made.augment,
        augment_generated=False,  # data augmentation: the training set, not the generator
        n_critic=training.n_critic,
        ema_decay=training.ema_decay,
        optimizer_g=adam_g,
        optimizer_d=adam_d,
        scheduler_g=decay,
        scheduler_d=decay,
    )


@dataclass(frozen=True)
class LinearDecay:
    """Learning-rate factor 1 - epoch / epochs (a picklable ``lr_lambda``)."""

    epochs: int

    def __call__(self, epoch: int) -> float:
        return max(0.0, 1 - epoch / self.epochs)


def target_w1(target: TargetLaw, x: torch.Tensor, y: torch.Tensor) -> float:
    """W1 between two samples of the target's kind, in the target's metric."""
    return wasserstein1(target.embed(x), target.embed(y))


def sample(model: GAN, n: int, seed: int) -> torch.Tensor:
    """``n`` samples from the EMA generator, with seeded noise."""
    return model.sample(n, generator=torch.Generator().manual_seed(seed)).double()


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
        target: TargetLaw,
        data: TargetPoints,
        eval_samples: int,
        seed: int,
        fractions: tuple[float, ...],
        g_steps: int,
    ) -> None:
        self.target = target
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
        if (batch_idx + 1) % pl_module.n_critic:
            return
        self.g_steps += 1
        if self.g_steps in self.at:
            generated = sample(pl_module, self.eval_samples, self.seed)
            heldout = self.data.heldout_points
            self.values[self.at[self.g_steps]] = target_w1(self.target, generated, heldout)
