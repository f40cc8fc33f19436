"""The flags of `ginv compare` and `ginv study`: `--trainer.*`, `--launcher`, `--slurm.*`."""

from __future__ import annotations

import argparse
from dataclasses import fields
from typing import Any

from ginv_lightning.errors import ConfigError
from ginv_lightning.grid.launchers import LAUNCHERS, Launcher, SlurmSettings
from ginv_lightning.grid.trainer import CellTrainer

TRAINER_HELP = {
    "accelerator": "where every cell trains and is measured: auto (default), cpu, gpu, ...",
    "devices": "devices per cell (1)",
    "precision": "Lightning precision of every cell, e.g. bf16-mixed (default 32-true)",
}
SLURM_HELP = {
    "partition": "SLURM partition",
    "time": "minutes per cell (default 60)",
    "gpus": "GPUs per cell (default 0)",
    "cpus": "CPUs per cell (default 2)",
    "mem_gb": "memory per cell in GB",
    "array_parallelism": "cells running at once (default 16)",
}


def add_grid_arguments(parser: argparse.ArgumentParser, section: str) -> None:
    """Declare the machine and launcher flags; ``section`` is where the spec file sets them."""
    for spec in fields(CellTrainer):
        parser.add_argument(
            f"--trainer.{spec.name}",
            dest=f"trainer_{spec.name}",
            type=type(spec.default),
            help=f"{TRAINER_HELP[spec.name]}; overrides the file's {section}trainer",
        )
    parser.add_argument(
        "--launcher",
        default="local",
        choices=LAUNCHERS,
        help="local: cells in this process (default); slurm: one SLURM job per cell (a job "
        "array, through submitit); submitit-local: the same jobs as local subprocesses",
    )
    for spec in fields(SlurmSettings):
        parser.add_argument(
            f"--slurm.{spec.name}",
            dest=f"slurm_{spec.name}",
            type={"partition": str, "mem_gb": float}.get(spec.name, int),
            help=f"{SLURM_HELP[spec.name]}; overrides the file's {section}slurm "
            "(needs --launcher slurm)",
        )


def trainer_flags(args: argparse.Namespace) -> dict[str, Any]:
    """The ``--trainer.*`` flags given."""
    given = {spec.name: getattr(args, f"trainer_{spec.name}") for spec in fields(CellTrainer)}
    return {key: value for key, value in given.items() if value is not None}


def launcher_from(
    args: argparse.Namespace, slurm_spec: dict[str, Any], workers: int = 1
) -> Launcher:
    """The launcher the flags ask for, the spec's ``slurm:`` under the ``--slurm.*`` flags."""
    slurm_flags = {
        spec.name: getattr(args, f"slurm_{spec.name}")
        for spec in fields(SlurmSettings)
        if getattr(args, f"slurm_{spec.name}") is not None
    }
    if slurm_flags and args.launcher != "slurm":
        flag = next(iter(slurm_flags))
        raise ConfigError(
            f"--slurm.{flag} is for --launcher slurm (the launcher is {args.launcher})"
        )
    if workers > 1 and args.launcher != "local":
        raise ConfigError(
            f"workers ({workers}) are for --launcher local; {args.launcher} runs one job per cell"
        )
    slurm = SlurmSettings.from_settings({**slurm_spec, **slurm_flags})
    return Launcher(args.launcher, workers, slurm)
