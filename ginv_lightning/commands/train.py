"""``ginv fit|validate|test|predict``: LightningCLI with ginv's defaults."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from jsonargparse import ArgumentError
from lightning.pytorch import LightningDataModule, LightningModule, Trainer
from lightning.pytorch.callbacks import ModelCheckpoint, ProgressBar
from lightning.pytorch.cli import LightningArgumentParser, SaveConfigCallback
from lightning.pytorch.strategies import DDPStrategy
from lightning.pytorch.utilities import rank_zero_only
from typing_extensions import override

import ginv_lightning.data  # noqa: F401  (short names of data modules: --data.help ImageFiles)
from ginv_lightning.callbacks.checkpoint_schedule import ScheduledCheckpoint
from ginv_lightning.callbacks.metrics import GenerativeMetrics
from ginv_lightning.callbacks.progress import PacedProgressBar
from ginv_lightning.callbacks.run_identity import RunIdentity
from ginv_lightning.callbacks.samples import SampleGrid
from ginv_lightning.callbacks.start_marker import StartMarker
from ginv_lightning.commands.parse_errors import one_line, parser_keys
from ginv_lightning.errors import ConfigError, NonFiniteLossError
from ginv_lightning.experiment import (
    SECTIONS,
    add_experiment_arguments,
    describe,
)
from ginv_lightning.gan.module import GAN
from ginv_lightning.lightning_private import PrivateCLIHooks
from ginv_lightning.persistence.checkpoint_keys import EXPERIMENT_KEY
from ginv_lightning.persistence.checkpoints import AtomicCheckpointIO
from ginv_lightning.persistence.output_folders import check_output_folders
from ginv_lightning.persistence.resume import (
    LIGHTNING_NAMES,
    checked_checkpoint,
    point_loggers,
    resume_last,
    runs_root,
)
from ginv_lightning.persistence.run_directory import (
    RunDirectory,
    claim_run_directory,
    write_record,
)
from ginv_lightning.persistence.run_lock import release_runs
from ginv_lightning.persistence.wandb_run import finish_run_in, wandb_run_finished_after


class LoggedConfig(SaveConfigCallback):
    """Save ``config.yaml``, log the whole config, and put ``model:``/``data:`` in checkpoints.

    Lightning logs the model's arguments by itself; this adds the data,
    trainer and callback settings, so a W&B run records everything needed to
    reproduce it (rank 0 only). Every checkpoint carries the sections that
    rebuild its GAN (see :mod:`ginv_lightning.experiment`).
    """

    @override
    def save_config(self, trainer: Trainer, pl_module: LightningModule, stage: str) -> None:
        for logger in trainer.loggers:
            logger.log_hyperparams({"config": self._resolved()})

    @override
    def on_save_checkpoint(
        self, trainer: Trainer, pl_module: LightningModule, checkpoint: dict[str, Any]
    ) -> None:
        if self._experiment is None:  # the config does not change during a run: dump it once
            self._experiment = describe(experiment_name(self.config), self._resolved())
        checkpoint[EXPERIMENT_KEY] = self._experiment

    _experiment: dict[str, Any] | None = None

    def _resolved(self) -> dict[str, Any]:
        return resolved(self.parser, self.config)


def resolved(parser: LightningArgumentParser, config: Any) -> dict[str, Any]:
    """A parsed config as plain values, as ``config.yaml`` shows it."""
    values = yaml.safe_load(parser.dump(config, skip_none=False))
    values.pop("config", None)
    return values


def experiment_name(config: Any) -> str:
    """The name of a run's experiment: its (last) config file's stem, else ``ginv``."""
    files = config.get("config") or []
    return Path(str(files[-1])).stem if files else "ginv"


class GinvCLI(PrivateCLIHooks):
    """LightningCLI for :class:`GAN` and any LightningDataModule.

    ``model:`` and ``data:`` are declared by :func:`add_experiment_arguments`, the
    one path from a config to a GAN (the data's shape is linked into the model);
    checkpointing, sample grids and generative metrics are always on
    (configure them under ``checkpoint:``, ``samples:`` and ``metrics:``); runs log
    to a CSV file and an offline W&B run in a directory of their own,
    ``runs/<config name>/version_<N>`` (claimed atomically; see
    :mod:`ginv_lightning.persistence.run_directory`); checkpoints follow their own
    schedule and are written atomically; ``--ckpt_path`` is checked against the config.
    """

    def __init__(self, args: Sequence[str] | None = None, **kwargs: Any) -> None:
        self.started = StartMarker()
        self.run_directory: RunDirectory | None = None
        with self._released_if_not_started():
            super().__init__(
                GAN,
                LightningDataModule,
                subclass_mode_data=True,
                auto_configure_optimizers=False,
                save_config_callback=LoggedConfig,
                save_config_kwargs={"overwrite": True},
                trainer_defaults={"logger": default_loggers(), "default_root_dir": "runs"},
                parser_kwargs={"prog": "ginv", "default_env": False, "exit_on_error": False},
                args=args,
                **kwargs,
            )

    @override
    def add_core_arguments_to_parser(self, parser: LightningArgumentParser) -> None:
        parser.add_lightning_class_args(self.trainer_class, "trainer")
        defaults = {f"trainer.{k}": v for k, v in self.trainer_defaults.items() if k != "callbacks"}
        parser.set_defaults(defaults)
        add_experiment_arguments(parser)

    @override
    def add_arguments_to_parser(self, parser: LightningArgumentParser) -> None:
        parser.add_lightning_class_args(ScheduledCheckpoint, "checkpoint")
        parser.set_defaults({
            "checkpoint.save_last": True,
            "checkpoint.filename": "{step:07d}",
            "checkpoint.every_n_train_steps": CHECKPOINT_EVERY_N_STEPS,
        })  # fmt: skip
        parser.add_lightning_class_args(SampleGrid, "samples")
        parser.add_lightning_class_args(GenerativeMetrics, "metrics")

    @override
    def parse_arguments(self, parser: LightningArgumentParser, args: Any) -> None:
        """Parse ``args``, which ``ginv`` always passes (shipped config names resolved).

        Lightning would warn that ``sys.argv`` is set too, as it always is for a command.
        A parse error is one line (see :mod:`ginv_lightning.commands.parse_errors`).
        """
        try:
            self.config = parser.parse_args(args)
        except ArgumentError as exc:  # one line instead of the usage text and a Union report
            command = args[0] if args and args[0] in self.subcommands() else None
            keys = parser_keys(self.parser_for(command)) if command else []
            raise ConfigError(one_line(str(exc), keys, list(args))) from None

    @override
    def before_instantiate_classes(self) -> None:
        config = self.config[self.subcommand]
        check_output_folders(config)
        self.experiment = describe(
            experiment_name(config), resolved(self.parser_for(self.subcommand), config)
        )
        ckpt_path, root = config.get("ckpt_path"), runs_root(config)
        if self.subcommand == "fit" and ckpt_path == "last" and root is not None:
            found = resume_last(config, self.experiment, root)
            if found is not None:
                print(f"ginv: resuming from {found}", file=sys.stderr)
                return
        elif ckpt_path is not None and ckpt_path not in LIGHTNING_NAMES:
            compared = SECTIONS if self.subcommand == "fit" else ("model",)
            checked_checkpoint(ckpt_path, self.experiment, compared)
        if root is not None and rank_zero_only.rank == 0:
            self.run_directory = claim_run_directory(root, self.experiment["name"])
            write_record(self.run_directory.path, self.experiment)
            point_loggers(config, self.run_directory.path)

    @contextmanager
    def _released_if_not_started(self) -> Iterator[None]:
        """A run that fails before its first step leaves no directory behind."""
        try:
            yield
        except BaseException:
            if self.run_directory is not None and not self.started.started:
                finish_run_in(self.run_directory.path)  # no `wandb sync` hint for it
                self.run_directory.release()
            raise

    @override
    def trainer_arguments(
        self, config: dict[str, Any], callbacks: list[Any]
    ) -> tuple[dict[str, Any], list[Any]]:
        if config.get("enable_checkpointing") is False:  # the always-on callback must yield
            callbacks = [c for c in callbacks if not isinstance(c, ModelCheckpoint)]
        if config.get("strategy") == "ddp":
            # Each GAN step leaves one network without gradients; DDP must expect that.
            config["strategy"] = DDPStrategy(find_unused_parameters=True)
        if not config.get("plugins"):  # a user's own checkpoint IO stays theirs
            config["plugins"] = [AtomicCheckpointIO()]
        if wants_default_progress_bar(config, callbacks):
            callbacks = [*callbacks, PacedProgressBar()]
        return config, [*callbacks, RunIdentity(), self.started]


def wants_default_progress_bar(config: dict[str, Any], callbacks: list[Any]) -> bool:
    """A bar is shown (Lightning's default) and the user configured no bar of their own."""
    given = config.get("callbacks") or []
    given = given if isinstance(given, list) else [given]
    bars = [c for c in [*given, *callbacks] if isinstance(c, ProgressBar)]
    return config.get("enable_progress_bar") is not False and not bars


# Optimiser steps between checkpoints (also written at each epoch end and when training ends).
CHECKPOINT_EVERY_N_STEPS = 500


def default_loggers() -> list[dict[str, Any]]:
    """A local CSV file first, then W&B, offline unless set up; both in the run's directory."""
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
    """Run LightningCLI on ``args``, e.g. ``["fit", "--config", "configs/rotdigits_c4.yaml"]``.

    The W&B run it starts is finished when it returns, so runs in one process never mix,
    and the run folder it locked is released.
    """
    stopped_together = False
    try:
        with wandb_run_finished_after():
            GinvCLI(args=list(args))
    except NonFiniteLossError:
        stopped_together = True  # every process raises it in the same step (DivergenceGuard)
        raise
    finally:
        release_runs()
        if stopped_together:
            _wait_for_the_other_processes()


def _wait_for_the_other_processes() -> None:
    """Leave together: the process that launched the others (rank 0) kills itself when it
    sees one of them exit with an error, so exiting first would cut its W&B run, its
    folder's release and its error line short."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        dist.barrier()
