"""A LightningDataModule of a target law: n seeded training samples and a held-out sample."""

from __future__ import annotations

from collections.abc import Iterator

import torch
from lightning.pytorch import LightningDataModule
from torch import Tensor
from torch.utils.data import DataLoader, IterableDataset
from typing_extensions import override

from ginv_lightning.data.settings import require_positive
from ginv_lightning.data.targets import TargetLaw
from ginv_lightning.errors import ConfigError
from ginv_lightning.shapes import DataShape

# Held-out samples come from streams far from every training seed's stream.
HELDOUT_STREAM = 10**9


class TargetPoints(LightningDataModule):
    """``num_train`` points of a target law to train on, and held-out points to evaluate on.

    Each batch is ``batch_size`` points: consecutive slices of a fresh shuffle when
    there are at least that many points, else drawn with replacement from the n
    points, so every training step sees a full batch whatever n is. The training
    points of one ``seed`` are nested in n (see ``TargetLaw.sample_nested``);
    the held-out sample depends on ``heldout_seed`` only, so every run of a study
    is judged against the same points.

    Args:
        target: the law, e.g. ``GaussianMixture(k=4)`` or ``SymmetricCurve(k=4)``.
        num_train: training points n.
        batch_size: points per batch.
        num_heldout: held-out points.
        seed: seed of the training points and of the batch order (below 10^9).
        heldout_seed: seed of the held-out points.
        batches_per_epoch: the length of an epoch; training length is ``max_steps``.
    """

    def __init__(
        self,
        target: TargetLaw,
        num_train: int = 64,
        batch_size: int = 256,
        num_heldout: int = 2000,
        seed: int = 0,
        heldout_seed: int = 0,
        batches_per_epoch: int = 100,
    ) -> None:
        super().__init__()
        require_positive(
            num_train=num_train,
            batch_size=batch_size,
            num_heldout=num_heldout,
            batches_per_epoch=batches_per_epoch,
        )
        if not 0 <= seed < HELDOUT_STREAM:
            raise ConfigError(f"data.seed must be in [0, {HELDOUT_STREAM}), got {seed}")
        self.target = target
        self.num_train = num_train
        self.batch_size = batch_size
        self.num_heldout = num_heldout
        self.seed = seed
        self.heldout_seed = heldout_seed
        self.batches_per_epoch = batches_per_epoch
        self._train: Tensor | None = None
        self._heldout: Tensor | None = None

    @property
    def data_shape(self) -> DataShape:
        """The target's samples (points of R^d for the planar laws), linked into the model."""
        return self.target.data_shape

    @property
    def train_points(self) -> Tensor:
        """The n training points, float64 (N, d)."""
        if self._train is None:
            self._train = self.target.sample_nested(self.num_train, self.seed)
        return self._train

    @property
    def heldout_points(self) -> Tensor:
        """The held-out points, float64 (num_heldout, d)."""
        if self._heldout is None:
            seed = HELDOUT_STREAM + self.heldout_seed
            self._heldout = self.target.sample_nested(self.num_heldout, seed)
        return self._heldout

    @override
    def train_dataloader(self) -> DataLoader:
        batches = RandomBatches(
            self.train_points.float(), self.batch_size, self.batches_per_epoch, self.seed
        )
        return DataLoader(batches, batch_size=None)


class RandomBatches(IterableDataset):
    """Whole batches of rows of a small tensor, cheaper than collating rows one by one.

    The generator persists across epochs, so each epoch continues the seeded stream.
    """

    def __init__(self, points: Tensor, batch_size: int, batches: int, seed: int) -> None:
        super().__init__()
        self.points = points
        self.batch_size = batch_size
        self.batches = batches
        self.generator = torch.Generator().manual_seed(seed)
        self._order = torch.empty(0, dtype=torch.long)

    def __len__(self) -> int:
        return self.batches

    def __iter__(self) -> Iterator[Tensor]:
        n = len(self.points)
        for _ in range(self.batches):
            if n < self.batch_size:
                index = torch.randint(n, (self.batch_size,), generator=self.generator)
            else:
                if len(self._order) < self.batch_size:
                    self._order = torch.randperm(n, generator=self.generator)
                index, self._order = self._order[: self.batch_size], self._order[self.batch_size :]
            yield self.points[index]
