"""Train one cell of a comparison and measure it on the held-out split."""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

from lightning.pytorch import Trainer, seed_everything

from ginv_lightning.callbacks.learning_curve import LearningCurve
from ginv_lightning.callbacks.metrics import GenerativeMetrics
from ginv_lightning.callbacks.progress import ProgressLine
from ginv_lightning.comparison.kept_model import keep_model
from ginv_lightning.comparison.pictures import keep_samples
from ginv_lightning.comparison.spec import Cell, Table
from ginv_lightning.experiment import build_experiment, read_config
from ginv_lightning.grid.trainer import CellTrainer
from ginv_lightning.metrics.registry import recorded_keys
from ginv_lightning.nn.base import count_parameters
from ginv_lightning.quiet_trainer import quiet_trainer

CURVE = ("fid_orbit", "fid", "kid", "label_accuracy")  # beside the headline, when measured


def train_cell(
    cell: Cell,
    table: Table,
    metrics: dict[str, Any],
    trainer: CellTrainer,
    record: Path,
) -> dict[str, Any]:
    """Fit ``cell.config`` for the table's step budget, then measure it once.

    The training subset depends on the data's own ``seed`` only, so every
    config and every training seed of a fraction sees the same images; ``seed``
    sets the networks' initialisation and the training randomness. The cell's
    final samples and model (a checkpoint ``ginv sample`` reads) are kept beside
    its ``record``. With the table's
    ``curve_every``, the record also keeps the cell's learning curve on the
    validation split, and ``seconds`` (the fit's wall time) leaves out the time
    its points took to measure.
    """
    path, config = read_config(cell.config)
    config = copy.deepcopy(config)
    data_args = config["data"].setdefault("init_args", {})
    data_args["fraction"] = cell.fraction
    if table.batch_size is not None:
        data_args["batch_size"] = table.batch_size
    seed_everything(cell.seed, verbose=False)
    experiment = build_experiment(config, source=str(path))
    model, data = experiment.model, experiment.data
    started = time.perf_counter()
    curve = _learning_curve(table, metrics)
    callbacks = [ProgressLine(f"{cell.table} | {cell.name}", table.steps), *filter(None, [curve])]
    fit = quiet_trainer(table.steps, callbacks, trainer.accelerator, trainer.precision)
    fit.fit(model, datamodule=data)
    seconds = time.perf_counter() - started - (curve.measuring_seconds if curve else 0.0)
    measured = _measure(model, data, metrics, trainer)
    keep_samples(model, data, record)
    keep_model(model, config, record)
    return {
        "table": cell.table,
        "config": cell.config,
        "fraction": cell.fraction,
        "seed": cell.seed,
        "steps": table.steps,
        "train_images": len(data.train_dataloader().dataset),
        "g_params": count_parameters(model.generator),
        "d_params": count_parameters(model.discriminator),
        "seconds": seconds,
        **{name: measured.get(f"val/{name}") for name in recorded_keys()},
        **({"curve": curve.points} if curve else {}),
    }


def _learning_curve(table: Table, metrics: dict[str, Any]) -> LearningCurve | None:
    """The headline distance and the other curve measures on the validation split, if asked."""
    if not table.curve_every:
        return None
    kept = (table.metric, *(k for k in CURVE if k != table.metric))
    return LearningCurve(table.curve_every, kept, **{**metrics, "reference": "val"})


def _measure(
    model: Any, data: Any, metrics: dict[str, Any], settings: CellTrainer
) -> dict[str, float]:
    """One validation pass with the metrics callback, on the device the cell trained on."""
    trainer = Trainer(
        accelerator=settings.accelerator,
        devices=1,
        precision=settings.precision,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        callbacks=[GenerativeMetrics(True, **metrics)],
    )
    (results,) = trainer.validate(model, datamodule=data, verbose=False)
    return results
