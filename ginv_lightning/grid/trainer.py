"""The machine every cell of a grid trains and is measured on (``--trainer.*``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from ginv_lightning.errors import ConfigError

# Accelerators a cell may train on (Lightning's names); "auto" picks what the machine has.
ACCELERATORS = ("auto", "cpu", "gpu", "cuda", "mps", "tpu")
PRECISIONS = ("32-true", "32", "bf16-mixed", "16-mixed", "bf16-true", "16-true", "64-true")
FLOAT32 = ("32-true", "32")


@dataclass(frozen=True)
class CellTrainer:
    """One device of ``accelerator`` per cell, at ``precision``.

    ``precision`` changes what is computed, so a cell's record depends on it;
    the accelerator does not (a cell finished on a GPU is reused on a CPU).
    """

    accelerator: str = "auto"
    devices: int = 1
    precision: str = "32-true"

    def check(self, origin: Callable[[str], str]) -> None:
        """One-line errors; ``origin(key)`` says where a setting came from (``--trainer.``)."""
        if self.accelerator not in ACCELERATORS:
            raise ConfigError(f"{origin('accelerator')}accelerator {self.accelerator!r} is not "
                              f"one of {', '.join(ACCELERATORS)}")  # fmt: skip
        if self.precision not in PRECISIONS:
            raise ConfigError(f"{origin('precision')}precision {self.precision!r} is not one "
                              f"of {', '.join(PRECISIONS)}")  # fmt: skip
        if self.devices != 1:
            raise ConfigError(
                f"{origin('devices')}devices {self.devices!r}: each cell trains "
                "on one device (cells run side by side as jobs: --launcher)"
            )
        if self.accelerator in ("gpu", "cuda"):
            import torch

            if not torch.cuda.is_available():
                raise ConfigError(f"{origin('accelerator')}accelerator {self.accelerator!r}: no "
                                  "CUDA device is visible here; use auto or cpu")  # fmt: skip


def cell_trainer(where: str, spec: Any, flags: dict[str, Any]) -> CellTrainer:
    """The spec's ``trainer:`` settings (at ``where``), then the command line's over them."""
    if not isinstance(spec, dict):
        raise ConfigError(f"{where} must be a mapping, got {spec!r}")
    accepted = sorted(f.name for f in fields(CellTrainer))
    unknown = sorted(set(spec) - set(accepted))
    if unknown:
        raise ConfigError(f"{where}: unknown keys {unknown}; accepted: {', '.join(accepted)}")
    trainer = CellTrainer(**{**spec, **flags})
    trainer.check(lambda key: "--trainer." if key in flags else f"{where}.")
    return trainer
