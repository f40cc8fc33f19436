"""A distance between laws of sets that respects the order exchange: OT over OT.

Two sets are compared as point clouds: the squared 2-Wasserstein distance
between their uniform empirical measures (exact, by POT's network simplex),
which does not change when either set's items are permuted. Two samples of
sets are then compared by the optimal transport between them with that cost:
the mean cost of the best one-to-one matching of generated to held-out sets
(Wasserstein over Wasserstein). It is zero for equal samples and, like every
ingredient, unchanged by permuting items within sets or reordering the sets.
"""

from __future__ import annotations

import numpy as np
import ot
import torch
from lightning.pytorch import Callback, LightningModule, Trainer
from torch import Tensor
from typing_extensions import override

from ginv_lightning.escnn_support.eval_mode import evaluating


def set_cost(a: np.ndarray, b: np.ndarray) -> float:
    """Squared W2 between two point clouds (k, d) and (m, d) with uniform weights."""
    return float(ot.emd2(np.full(len(a), 1 / len(a)), np.full(len(b), 1 / len(b)), ot.dist(a, b)))


def sets_distance(generated: Tensor, heldout: Tensor) -> float:
    """Mean set-to-set cost of the optimal matching between two samples of sets (N, k, d)."""
    x = generated.detach().cpu().double().numpy()
    y = heldout.detach().cpu().double().numpy()
    costs = np.array([[set_cost(a, b) for b in y] for a in x])
    return float(ot.emd2(np.full(len(x), 1 / len(x)), np.full(len(y), 1 / len(y)), costs))


class SetDistance(Callback):
    """Logs ``val/set_w2``: :func:`sets_distance` between ``num_samples`` generated sets
    (seeded noise, the moving-average generator) and as many held-out sets.

    Args:
        num_samples: sets on each side (the cost grows with its square).
        seed: seed of the generator's noise.
    """

    def __init__(self, num_samples: int = 128, seed: int = 0) -> None:
        super().__init__()
        if num_samples < 2:
            raise ValueError(f"num_samples must be >= 2, got {num_samples}")
        self.num_samples = num_samples
        self.seed = seed

    @override
    def on_validation_epoch_end(self, trainer: Trainer, pl_module: LightningModule) -> None:
        if trainer.sanity_checking:
            return
        heldout = trainer.datamodule.heldout_sets[: self.num_samples]
        sampler = pl_module.sampler
        noise = sampler.sample_latent(
            len(heldout), generator=torch.Generator().manual_seed(self.seed)
        )
        with torch.no_grad(), evaluating(sampler):
            generated = sampler(noise.to(pl_module.device))
        pl_module.log("val/set_w2", sets_distance(generated, heldout), rank_zero_only=True)
