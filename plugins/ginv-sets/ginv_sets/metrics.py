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
from torch import Tensor

from ginv_lightning.metrics.registry import MetricContext, Reference
from ginv_lightning.metrics.sample_distance import SampleDistance


def set_cost(a: np.ndarray, b: np.ndarray) -> float:
    """Squared W2 between two point clouds (k, d) and (m, d) with uniform weights."""
    return float(ot.emd2(np.full(len(a), 1 / len(a)), np.full(len(b), 1 / len(b)), ot.dist(a, b)))


def sets_distance(generated: Tensor, heldout: Tensor) -> float:
    """Mean set-to-set cost of the optimal matching between two samples of sets (N, k, d)."""
    x = generated.detach().cpu().double().numpy()
    y = heldout.detach().cpu().double().numpy()
    costs = np.array([[set_cost(a, b) for b in y] for a in x])
    return float(ot.emd2(np.full(len(x), 1 / len(x)), np.full(len(y), 1 / len(y)), costs))


class SetW2(SampleDistance):
    """``set_w2``: :func:`sets_distance` between the generated sets (the moving-average
    generator on the seeded noise bank, ``metrics.num_samples`` of them) and as many sets of
    the reference split. Registered as the metric ``set_w2`` (``ginv.metrics`` entry point);
    its cost grows with the square of ``metrics.num_samples``.
    """

    name = "set_w2"
    keys = ("set_w2",)
    headline = True
    higher_is_better = False

    @classmethod
    def applies(cls, context: MetricContext) -> bool:
        return context.sample_dims == 2  # a set: (k items, d coordinates)

    def add_reference(self, reference: Reference) -> None:
        self.reference = reference.samples[: self.context.config.num_samples].float().cpu()

    def distance(self, reference: Tensor, generated: Tensor) -> dict[str, float]:
        return {"set_w2": sets_distance(generated, reference)}
