"""A callback the distributed tests add to real runs: it records what each rank holds."""

from __future__ import annotations

from pathlib import Path

import torch
from lightning.pytorch import Callback, LightningModule, Trainer


class Probe(Callback):
    """Saves, per rank, the networks, optimisers, EMA and random state at training start and end."""

    def __init__(self, out: str) -> None:
        self.out = Path(out)

    def _dump(self, trainer: Trainer, pl_module: LightningModule, moment: str) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        metrics = next((c for c in trainer.callbacks if hasattr(c, "quality")), None)
        quality = getattr(metrics, "quality", None)
        state = {
            "global_step": trainer.global_step,
            "world_size": trainer.world_size,
            "generator": {k: v.clone() for k, v in pl_module.generator.state_dict().items()},
            "discriminator": {
                k: v.clone() for k, v in pl_module.discriminator.state_dict().items()
            },
            "ema": {k: v.clone() for k, v in pl_module.ema.state_dict().items()},
            "optimizers": [opt.state_dict() for opt in trainer.optimizers],
            "generated_here": getattr(quality, "generated_here", None),
            "rng": torch.get_rng_state(),  # the stream training's noise is drawn from
        }
        torch.save(state, self.out / f"{moment}_rank{trainer.global_rank}.pt")

    def on_train_start(self, trainer: Trainer, pl_module: LightningModule) -> None:
        self._dump(trainer, pl_module, "start")

    def on_train_end(self, trainer: Trainer, pl_module: LightningModule) -> None:
        self._dump(trainer, pl_module, "end")


class SpoilOneRank(Callback):
    """Makes rank 1's discriminator loss NaN from optimiser step ``at`` on, as a blow-up
    seen by one process only (its own batch) would."""

    def __init__(self, at: int = 4) -> None:
        self.at = at

    def on_before_optimizer_step(
        self, trainer: Trainer, pl_module: LightningModule, optimizer: object
    ) -> None:
        values = getattr(pl_module, "step_values", {})
        if trainer.global_rank == 1 and trainer.global_step >= self.at and values:
            values["discriminator loss"] = torch.tensor(float("nan"))
