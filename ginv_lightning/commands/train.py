"""``ginv fit|validate|test|predict``: LightningCLI with ginv's defaults."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import yaml
from lightning.pytorch import LightningDataModule, LightningModule, Trainer
from lightning.pytorch.callbacks import ModelCheckpoint
from lightning.pytorch.cli import LightningArgumentParser, LightningCLI, SaveConfigCallback
from lightning.pytorch.strategies import DDPStrategy

from ginv_lightning.callbacks.metrics import GenerativeMetrics
from ginv_lightning.callbacks.samples import SampleGrid
from ginv_lightning.experiment import (
    EXPERIMENT_KEY,
    add_experiment_arguments,
    experiment_sections,
)
from ginv_lightning.gan.module import GAN
from ginv_lightning.persistence.checkpoints import AtomicCheckpointIO
from ginv_lightning.persistence.identity import RunIdentity
from ginv_lightning.persistence.resume import resume_last


class LoggedConfig(SaveConfigCallback):
    """Save ``config.yaml``, log the whole config, and put ``model:``/``data:`` in checkpoints.

    Lightning logs the model's arguments by itself; this adds the data,
    trainer and callback settings, so a W&B run records everything needed to
    reproduce it (rank 0 only). Every checkpoint carries the sections that
    rebuild its GAN (see :mod:`ginv_lightning.experiment`).
    """

    def save_config(self, trainer: Trainer, pl_module: LightningModule, stage: str) -> None:
        for logger in trainer.loggers:
            logger.log_hyperparams({"config": self._resolved()})

    def on_save_checkpoint(
        self, trainer: Trainer, pl_module: LightningModule, checkpoint: dict[str, Any]
    ) -> None:
        checkpoint[EXPERIMENT_KEY] = experiment_sections(self._resolved())

    def _resolved(self) -> dict[str, Any]:
        config = yaml.safe_load(self.parser.dump(self.config, skip_none=False))
        config.pop("config", None)
        return config


class GinvCLI(LightningCLI):
    """LightningCLI for :class:`GAN` and any LightningDataModule.

    ``model:`` and ``data:`` are declared by :func:`add_experiment_arguments`, the
    one path from a config to a GAN (the data's shape is linked into the model);
    checkpointing, sample grids and generative metrics are always on
    (configure them under ``checkpoint:``, ``samples:`` and ``metrics:``); runs log
    to a CSV file and to an offline W&B run under ``runs/``; checkpoints are
    written atomically.
    """

    def __init__(self, args: Sequence[str] | None = None, **kwargs: Any) -> None:
        super().__init__(
            GAN,
            LightningDataModule,
            subclass_mode_data=True,
            auto_configure_optimizers=False,
            save_config_callback=LoggedConfig,
            save_config_kwargs={"overwrite": True},
            trainer_defaults={"logger": default_loggers(), "default_root_dir": "runs"},
            parser_kwargs={"prog": "ginv", "default_env": False},
            args=args,
            **kwargs,
        )

    def add_core_arguments_to_parser(self, parser: LightningArgumentParser) -> None:
        parser.add_lightning_class_args(self.trainer_class, "trainer")
        defaults = {f"trainer.{k}": v for k, v in self.trainer_defaults.items() if k != "callbacks"}
        parser.set_defaults(defaults)
        add_experiment_arguments(parser)

    def add_arguments_to_parser(self, parser: LightningArgumentParser) -> None:
        parser.add_lightning_class_args(ModelCheckpoint, "checkpoint")
        parser.set_defaults({"checkpoint.save_last": True, "checkpoint.filename": "{step:07d}"})
        parser.add_lightning_class_args(SampleGrid, "samples")
        parser.add_lightning_class_args(GenerativeMetrics, "metrics")

    def instantiate_trainer(self, **kwargs: Any) -> Trainer:
        kwargs.setdefault("plugins", [AtomicCheckpointIO()])
        return super().instantiate_trainer(**kwargs)

    def before_instantiate_classes(self) -> None:
        if self.subcommand == "fit" and self.config.fit.get("ckpt_path") == "last":
            found = resume_last(self.config.fit)
            if found is not None:
                print(f"ginv: resuming from {found}", file=sys.stderr)

    def _instantiate_trainer(self, config: dict[str, Any], callbacks: list[Any]) -> Trainer:
        if config.get("enable_checkpointing") is False:  # the always-on callback must yield
            callbacks = [c for c in callbacks if not isinstance(c, ModelCheckpoint)]
        if config.get("strategy") == "ddp":
            # Each GAN step leaves one network without gradients; DDP must expect that.
            config["strategy"] = DDPStrategy(find_unused_parameters=True)
        return super()._instantiate_trainer(config, [*callbacks, RunIdentity()])


def default_loggers() -> list[dict[str, Any]]:
    """A local CSV file first (it fixes the run directory), then W&B, offline unless set up."""
    return [
        {
            "class_path": "ginv_lightning.persistence.csv_logger.ResumableCSVLogger",
            "init_args": {"save_dir": "runs", "name": "ginv", "flush_logs_every_n_steps": 20},
        },
        {
            "class_path": "lightning.pytorch.loggers.WandbLogger",
            "init_args": {"save_dir": "runs", "project": "ginv-lightning", "offline": True},
        },
    ]


def run_lightning(args: Sequence[str]) -> None:
    """Run LightningCLI on ``args``, e.g. ``["fit", "--config", "configs/rotdigits_c4.yaml"]``."""
    GinvCLI(args=list(args))
