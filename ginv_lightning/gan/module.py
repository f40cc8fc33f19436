"""The group-invariant GAN as a LightningModule with manual optimisation."""

from __future__ import annotations

from functools import partial
from typing import Any

import torch
from jsonargparse import lazy_instance
from lightning.pytorch import Callback, LightningModule
from lightning.pytorch.cli import LRSchedulerCallable, OptimizerCallable
from lightning.pytorch.strategies import DDPStrategy
from torch import Tensor
from typing_extensions import override

from ginv_lightning.callbacks.divergence import DivergenceGuard
from ginv_lightning.errors import ConfigError, config_error
from ginv_lightning.escnn_support.eval_filter_buffers import drop_cached_filters
from ginv_lightning.escnn_support.eval_mode import evaluating
from ginv_lightning.escnn_support.expand_filters_once import filters_expanded_once
from ginv_lightning.escnn_support.plain_forward import use_fast_path
from ginv_lightning.gan.augment import GroupAugment
from ginv_lightning.gan.averaging import generator_ema, update_ema
from ginv_lightning.gan.diff_augment import diff_augment_for
from ginv_lightning.gan.losses import GANLoss, RelativisticAverage
from ginv_lightning.gan.penalties import Penalty
from ginv_lightning.gan.ranks import average_running_statistics, seed_this_rank
from ginv_lightning.lightning_private import ddp_finds_unused_parameters
from ginv_lightning.nn.base import DiscriminatorBuilder, Generator, GeneratorBuilder
from ginv_lightning.nn.conditioning import LabelChannels, ProjectionHead, label_args
from ginv_lightning.persistence.checkpoint_keys import GROUP_KEY
from ginv_lightning.shapes import DataShape
from ginv_lightning.symmetry import GroupError, group_record, resolve_group
from ginv_lightning.symmetry.contract import GroupAction

DEFAULT_LOSS = lazy_instance(RelativisticAverage)


def _adam(params: Any) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=2e-4, betas=(0.0, 0.9))


class GAN(LightningModule):
    """Trains a generator against a discriminator, both built for one symmetry group.

    Every discriminator step sees one batch of real data; the generator steps
    once every ``n_critic`` batches of the run (counted across epochs), reusing
    that batch's generated images. The generator's exponential moving average
    (``ema``) is what evaluation and sampling use. Each step leaves what it
    computed in ``step_values`` (losses, penalty, scores) for the
    :class:`DivergenceGuard` it installs, which stops a diverged run and refuses
    to save its weights.

    With labelled data (``data_shape.classes`` > 0) the GAN is class-conditional:
    both networks take labels, real images come with theirs, and generated ones
    are asked for labels drawn from the training labels' frequencies (kept in the
    ``label_frequencies`` buffer, so a checkpoint samples the same way).

    Args:
        generator: builder of the generator, e.g. ``EquivariantGenerator``.
        discriminator: builder of the discriminator, e.g. ``InvariantDiscriminator``.
        data_shape: what the networks make and judge, an ``ImageShape`` (images or
            voxel grids) or a ``VectorShape`` (points); ``ginv fit`` links it from
            the data module's ``data_shape``.
        group: the symmetry, e.g. ``C4`` or ``{name: SO2, bandwidth: 6}``; it is
            given to both builders, drives augmentation and the invariance metrics.
        loss: the GAN objective (see ``ginv_lightning.gan.losses``).
        penalty: a gradient penalty on the discriminator, or none.
        augment: apply random group elements to both real and generated images
            before the discriminator (the augmentation baseline).
        augment_generated: with ``augment``, move the generated samples too (the
            default, as differentiable augmentation does); ``False`` moves only the
            real ones, i.e. trains an ordinary GAN on the augmented training set.
            Moving both lets the generator's own law drift from invariance, since
            the discriminator only ever sees its symmetrisation.
        diff_augment: DiffAugment's policies (``[color, translation, cutout]`` or
            a part of them; ``gan.diff_augment``) on real and generated images in
            both players' steps, after any group augmentation; null: off.
        n_critic: discriminator steps per generator step.
        ema_decay: decay of the generator's moving average.
        gradient_clip: clip each network's gradient norm to this value (None: off).
        optimizer_g: the generator's optimiser.
        optimizer_d: the discriminator's optimiser.
        scheduler_g: optional learning-rate schedule of the generator, stepped per epoch.
        scheduler_d: optional learning-rate schedule of the discriminator, stepped per epoch.
        fast_path: run escnn networks through plain torch in channels-last memory
            (``escnn_support.plain_forward``): the same outputs and gradients to
            float rounding; faster for colour images on CPUs (1.08x for the 32 px
            D4 step), not for the main job's digits, so off by default and every
            committed result stays bit for bit what escnn's own layers give.
    """

    def __init__(
        self,
        generator: GeneratorBuilder,
        discriminator: DiscriminatorBuilder,
        data_shape: DataShape,
        group: str | dict[str, Any] = "C4",
        loss: GANLoss = DEFAULT_LOSS,
        penalty: Penalty | None = None,
        augment: bool = False,
        augment_generated: bool = True,
        diff_augment: list[str] | None = None,
        n_critic: int = 1,
        ema_decay: float = 0.999,
        gradient_clip: float | None = None,
        optimizer_g: OptimizerCallable = _adam,
        optimizer_d: OptimizerCallable = _adam,
        scheduler_g: LRSchedulerCallable | None = None,
        scheduler_d: LRSchedulerCallable | None = None,
        fast_path: bool = False,
    ) -> None:
        super().__init__()
        # The shape is derived from the data, not configured: the checkpoint's
        # recorded config rebuilds it (see ginv_lightning.experiment).
        self.save_hyperparameters(ignore=["data_shape"])
        self.automatic_optimization = False
        if n_critic < 1:
            raise ConfigError(f"model.n_critic must be an integer >= 1, got {n_critic}")
        if gradient_clip is not None and gradient_clip <= 0:
            raise ConfigError(f"model.gradient_clip must be > 0 or null, got {gradient_clip}")
        if not 0 <= ema_decay < 1:
            raise ConfigError(f"model.ema_decay must be in [0, 1), got {ema_decay}")
        with config_error("model.group", (GroupError, ValueError)):
            self.symmetry = resolve_group(group)
            self.symmetry.check_data(data_shape)
        self.shape: DataShape = data_shape
        self.classes = data_shape.classes
        self.generator = _build("generator", generator, self.symmetry, self.shape)
        self.discriminator = _build("discriminator", discriminator, self.symmetry, self.shape)
        _check_conditional(self.generator, self.discriminator, self.classes)
        if self.classes:  # uniform until the training labels are seen (setup)
            self.register_buffer("label_frequencies", torch.ones(self.classes) / self.classes)
        self.train()  # escnn drops the placeholder filters it registers at construction
        use_fast_path(self, fast_path)
        self.ema = generator_ema(self.generator, ema_decay)
        self.loss = loss
        self.penalty = penalty
        self.augmentation = GroupAugment(self.symmetry) if augment else None
        self.augment_generated = augment_generated
        self.diff_augment = diff_augment_for(diff_augment, self.shape)
        self.n_critic = n_critic
        self.gradient_clip = gradient_clip
        self._optimizer_g = _checked_optimizer("optimizer_g", optimizer_g)
        self._optimizer_d = _checked_optimizer("optimizer_d", optimizer_d)
        self._scheduler_g = scheduler_g
        self._scheduler_d = scheduler_d
        # what the coming optimiser step computed, judged by the DivergenceGuard
        self.step_values: dict[str, Tensor] = {}

    @override
    def setup(self, stage: str) -> None:
        self._count_training_labels()
        strategy = self.trainer.strategy
        if isinstance(strategy, DDPStrategy) and not ddp_finds_unused_parameters(strategy):
            raise ConfigError(
                "a GAN step leaves one network without gradients, so DDP needs "
                "find_unused_parameters=True: use trainer.strategy 'ddp' with `ginv fit` "
                "(it sets this) or 'ddp_find_unused_parameters_true'"
            )

    def _count_training_labels(self) -> None:
        datamodule = getattr(self.trainer, "datamodule", None)
        if not self.classes or not hasattr(datamodule, "class_labels"):
            return
        counts = torch.bincount(datamodule.class_labels("train"), minlength=self.classes)
        self.label_frequencies.copy_(counts.double() / counts.sum())

    def sample_labels(self, n: int, generator: torch.Generator | None = None) -> Tensor | None:
        """Labels for ``n`` generated samples, drawn from the training labels' frequencies."""
        if not self.classes:
            return None
        frequencies = self.label_frequencies.detach().cpu()
        drawn = torch.multinomial(frequencies, n, replacement=True, generator=generator)
        return drawn.to(self.label_frequencies.device)

    @property
    def sampler(self) -> Generator:
        """The EMA generator (call it inside :func:`evaluating`)."""
        return self.ema.module

    @override
    def configure_optimizers(self) -> Any:
        opt_g = self._optimizer_g(self.generator.parameters())
        opt_d = self._optimizer_d(self.discriminator.parameters())
        schedulers = [
            make(opt)
            for make, opt in ((self._scheduler_g, opt_g), (self._scheduler_d, opt_d))
            if make is not None
        ]
        return [opt_g, opt_d], schedulers

    @override
    def training_step(self, batch: Any, batch_idx: int) -> None:
        real, real_labels = self._unpacked(batch)
        generator_turn = self.is_generator_turn()
        z = self.generator.sample_latent(real.shape[0], device=self.device)
        fake_labels = self.sample_labels(real.shape[0])
        with torch.set_grad_enabled(generator_turn):
            fake = self.generator(z, *label_args(fake_labels))
        labels = _Labels(real_labels, fake_labels)
        # counted across epochs: a lazy penalty is due every `every` discriminator steps
        # of the run, not of each epoch (an epoch need not be a multiple of `every`)
        self._discriminator_step(real, fake.detach(), labels, self.trainer.fit_loop.total_batch_idx)
        if generator_turn:
            self._generator_step(real, fake, labels)
        if self.trainer.world_size > 1:  # before the EMA copies them (see .ranks)
            average_running_statistics([self.generator, self.discriminator], self.trainer.strategy)
        if generator_turn:
            update_ema(self.ema, self.generator)
        # Lightning's `step` column counts batches; this one counts what max_steps,
        # checkpoint and sample names count: optimiser steps (a D and a G step are two)
        self.log("optimizer_step", float(self.global_step))

    def is_generator_turn(self) -> bool:
        """Whether the generator steps on this batch: on every ``n_critic``-th batch of the run.

        Counted across epochs, as a lazy penalty's steps are: counted within each
        epoch, an epoch that is not a multiple of ``n_critic`` would end on extra
        discriminator steps and drift the ratio from ``n_critic``.
        """
        return (self.trainer.fit_loop.total_batch_idx + 1) % self.n_critic == 0

    def _unpacked(self, batch: Any) -> tuple[Tensor, Tensor | None]:
        """A batch's images and, for a conditional GAN, their labels."""
        parts = list(batch) if isinstance(batch, (list, tuple)) else [batch]
        if not self.classes:
            return parts[0], None
        if len(parts) < 2:
            raise ConfigError(
                f"the model is class-conditional ({self.classes} classes) but the data "
                "deliver no labels; set data.init_args.labels: true"
            )
        return parts[0], parts[1]

    def _discriminator_step(self, real: Tensor, fake: Tensor, labels: _Labels, step: int) -> None:
        _, opt_d = self.optimizers()
        real, fake = self._augmented(real, fake)
        penalised = self.penalty is not None and self.penalty.due(step)
        reuse = penalised and self.penalty.uses_real_scores
        if reuse:  # an R1-style penalty differentiates these very scores
            real = real.detach().requires_grad_(True)
        with filters_expanded_once(self.discriminator):
            scores = self.discriminator(torch.cat([real, fake]), *labels.both())
            real_scores, fake_scores = scores[: len(real)], scores[len(real) :]
            loss = self.loss.discriminator(real_scores, fake_scores)
            self.step_values.update({"discriminator loss": loss, "discriminator scores": scores})
            logs = {"train/d_loss": loss.detach()}
            if penalised:
                critic = self._critic(labels.real)
                penalty = self.penalty(critic, real, fake, real_scores if reuse else None)
                self.step_values["discriminator penalty"] = penalty
                logs["train/d_penalty"] = penalty.detach()
                loss = loss + penalty
        opt_d.zero_grad(set_to_none=True)
        self.manual_backward(loss)
        opt_d.step()
        self.log_dict(logs, prog_bar=True)

    def _critic(self, labels: Tensor | None) -> Any:
        """The discriminator as a function of images alone (labels bound when conditional)."""
        if labels is None:
            return self.discriminator
        return partial(self.discriminator, labels=labels)

    def _generator_step(self, real: Tensor, fake: Tensor, labels: _Labels) -> None:
        opt_g, _ = self.optimizers()
        self.toggle_optimizer(opt_g)
        real, fake = self._augmented(real, fake)
        with filters_expanded_once(self.discriminator):
            fake_scores = self.discriminator(fake, *label_args(labels.fake))
            real_scores = (
                self.discriminator(real, *label_args(labels.real))
                if self.loss.generator_needs_real
                else None
            )
        loss = self.loss.generator(real_scores, fake_scores)
        self.step_values.update({"generator loss": loss, "discriminator scores": fake_scores})
        opt_g.zero_grad(set_to_none=True)
        self.manual_backward(loss)
        opt_g.step()
        self.untoggle_optimizer(opt_g)
        self.log("train/g_loss", loss.detach(), prog_bar=True)

    def _augmented(self, real: Tensor, fake: Tensor) -> tuple[Tensor, Tensor]:
        if self.augmentation is not None:
            real = self.augmentation(real)
            fake = self.augmentation(fake) if self.augment_generated else fake
        if self.diff_augment is not None:
            real, fake = self.diff_augment(real), self.diff_augment(fake)
        return real, fake

    @override
    def validation_step(self, batch: Any, batch_idx: int) -> None:
        """Scores of real validation images; the generative metrics are a callback's job."""
        real, labels = self._unpacked(batch)
        self.log("val/d_real", self.discriminator(real, *label_args(labels)).mean(), sync_dist=True)

    @override
    def on_validation_model_train(self) -> None:
        """Back to training through ``train()``, which escnn needs to drop its cached filters.

        Lightning's default sets each submodule's ``training`` flag directly,
        skipping escnn's ``train``: the filters cached for evaluation then stay
        behind as buffers, and the generator's buffers no longer line up with its
        moving average's once sampling has cleared the latter's.
        """
        self.trainer.model.train()

    @override
    def on_train_epoch_end(self) -> None:
        schedulers = self.lr_schedulers()
        if schedulers is None:
            return
        for scheduler in schedulers if isinstance(schedulers, list) else [schedulers]:
            scheduler.step()

    @override
    def on_fit_start(self) -> None:
        """Each process of a multi-process run draws its own noise (see :mod:`.ranks`)."""
        if self.trainer.world_size > 1:
            seed_this_rank(self.global_rank)

    @override
    def on_before_optimizer_step(self, optimizer: Any) -> None:
        """Clip here, not before ``opt.step()``: Lightning calls this hook after a
        GradScaler (``16-mixed``) has unscaled the gradients, so the clip is in true units."""
        if self.gradient_clip is not None:
            self.clip_gradients(
                optimizer, gradient_clip_val=self.gradient_clip, gradient_clip_algorithm="norm"
            )

    def sample(
        self, n: int, generator: torch.Generator | None = None, labels: Tensor | None = None
    ) -> Tensor:
        """``n`` images from the EMA generator, in [-1, 1] (or ``n`` points, for vector data).

        A conditional GAN makes the classes ``labels`` asks for (default: drawn
        from the training labels' frequencies, after the noise).
        """
        with evaluating(self.sampler) as ema:
            z = ema.sample_latent(n, generator=generator).to(self.device)
            if self.classes and labels is None:
                labels = self.sample_labels(n, generator)
            return ema(z, *label_args(None if labels is None else labels.to(self.device)))

    @override
    def on_save_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        drop_cached_filters(checkpoint["state_dict"], self)
        checkpoint[GROUP_KEY] = group_record(self.hparams["group"])

    @override
    def configure_callbacks(self) -> list[Callback]:
        """The divergence guard: every fit of a GAN stops at a blow-up and never saves one."""
        return [DivergenceGuard()]


class _Labels:
    """The labels of one training batch: the real images' and those asked of the generator."""

    def __init__(self, real: Tensor | None, fake: Tensor | None) -> None:
        self.real = real
        self.fake = fake

    def both(self) -> tuple[Tensor, ...]:
        """Call arguments for a discriminator pass over real then generated images."""
        if self.real is None or self.fake is None:
            return ()
        return (torch.cat([self.real, self.fake]),)


def _check_conditional(generator: Any, discriminator: Any, classes: int) -> None:
    """Both networks must be built for the data's classes (a custom builder may ignore them)."""
    for role, network in (("generator", generator), ("discriminator", discriminator)):
        built_for = _classes_of(network)
        if built_for != classes:
            wanted = f"{classes} classes" if classes else "unlabelled data"
            got = f"{built_for} classes" if built_for else "no labels"
            raise ConfigError(
                f"model.{role}: {type(network).__name__} takes {got} but the data are "
                f"{wanted}; use a network that reads the classes from its shape argument"
            )


def _classes_of(network: torch.nn.Module) -> int:
    """The classes a network was built for: its own ``classes``, else its label layers'."""
    classes = getattr(network, "classes", None)
    if isinstance(classes, int) and classes:
        return classes
    for module in network.modules():  # once, at construction: escnn's hashing is no cost here
        if isinstance(module, ProjectionHead | LabelChannels):
            return module.classes
    return 0


def _build(role: str, builder: Any, symmetry: GroupAction, shape: DataShape) -> Any:
    with config_error(f"model.{role}"):
        return builder(symmetry, shape)


def _checked_optimizer(name: str, make: OptimizerCallable) -> OptimizerCallable:
    """Build the optimiser once on a dummy parameter so bad settings fail before training."""
    with config_error(f"model.{name}"):
        make([torch.nn.Parameter(torch.zeros(1))])
    return make
