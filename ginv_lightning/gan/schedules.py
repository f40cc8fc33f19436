"""Learning-rate schedules a config names by class path."""

from __future__ import annotations

from dataclasses import dataclass

from torch.optim import Optimizer
from torch.optim.lr_scheduler import LambdaLR


@dataclass(frozen=True)
class LinearDecay:
    """Learning-rate factor 1 - epoch / epochs (a picklable ``lr_lambda``)."""

    epochs: int

    def __call__(self, epoch: int) -> float:
        return max(0.0, 1 - epoch / self.epochs)


class LinearToZero(LambdaLR):
    """Both learning rates down to zero over ``epochs``, so that the end of training is a
    resting point rather than a snapshot of an oscillation (the study's schedule)."""

    def __init__(self, optimizer: Optimizer, epochs: int) -> None:
        if epochs < 1:
            raise ValueError(f"epochs must be >= 1, got {epochs}")
        super().__init__(optimizer, LinearDecay(epochs))
