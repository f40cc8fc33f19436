"""Sets to train on: point clouds of the bundled scikit-learn digits, and a synthetic law.

:class:`SetData` delivers batches of sets (N, k, 2) of a law: :class:`DigitInk`
(scikit-learn ships the digits: no download) or :class:`Ring` (known in closed
form). Their items come in uniformly random order, so the law is invariant under
S<k>; with ``rotate: true`` every set is also turned by a seeded uniform angle,
so the law is invariant under every rotation, and C<n> x S<k> applies.
"""

from __future__ import annotations

import math

import torch
from lightning.pytorch import LightningDataModule
from torch import Tensor
from torch.utils.data import DataLoader
from typing_extensions import override

from ginv_lightning.data.points import RandomBatches
from ginv_lightning.data.settings import require_positive
from ginv_lightning.errors import ConfigError
from ginv_sets.shape import SetShape

# Coordinates stay within this half-width, so that turned sets stay in the unit disc
# the generators draw into.
EXTENT = 0.65


class SetLaw:
    """A law of sets of 2-D points."""

    def sample(self, n: int, items: int, generator: torch.Generator) -> Tensor:
        """``n`` sets (n, items, 2), float64, items in random order."""
        raise NotImplementedError


class SetData(LightningDataModule):
    """Training sets and held-out sets (validation) of one law, seeded.

    Args:
        law: the law of the sets, e.g. ``DigitInk()`` or ``Ring(noise=0.03)``.
        items: points per set (k).
        num_train: training sets.
        num_heldout: held-out sets, for the set distance measured at validation.
        batch_size: sets per batch.
        rotate: turn every set by a uniform angle (the law becomes rotation invariant).
        seed: seed of the sets and of the batch order.
        batches_per_epoch: the length of an epoch; training length is ``max_steps``.
    """

    def __init__(
        self,
        law: SetLaw,
        items: int = 16,
        num_train: int = 1000,
        num_heldout: int = 200,
        batch_size: int = 64,
        rotate: bool = False,
        seed: int = 0,
        batches_per_epoch: int = 50,
    ) -> None:
        super().__init__()
        require_positive(
            items=items,
            num_train=num_train,
            num_heldout=num_heldout,
            batch_size=batch_size,
            batches_per_epoch=batches_per_epoch,
        )
        self.law = law
        self.items = items
        self.num_train = num_train
        self.num_heldout = num_heldout
        self.batch_size = batch_size
        self.rotate = rotate
        self.seed = seed
        self.batches_per_epoch = batches_per_epoch
        self._sets: tuple[Tensor, Tensor] | None = None

    @property
    def data_shape(self) -> SetShape:
        return SetShape(self.items, 2)

    @property
    def train_sets(self) -> Tensor:
        return self._split()[0]

    @property
    def heldout_sets(self) -> Tensor:
        return self._split()[1]

    def _split(self) -> tuple[Tensor, Tensor]:
        if self._sets is None:
            generator = torch.Generator().manual_seed(self.seed)
            sets = self.law.sample(self.num_train + self.num_heldout, self.items, generator)
            if self.rotate:
                sets = turned(sets, torch.rand(len(sets), generator=generator) * 2 * math.pi)
            self._sets = sets[: self.num_train].float(), sets[self.num_train :].float()
        return self._sets

    def images(self, part: str) -> Tensor:
        """The reference the metrics compare with: the held-out sets (every split asked for;
        read directly, since iterating a loader would draw from the global random state)."""
        return self.heldout_sets

    @override
    def train_dataloader(self) -> DataLoader:
        batches = RandomBatches(self.train_sets, self.batch_size, self.batches_per_epoch, self.seed)
        return DataLoader(batches, batch_size=None)

    @override
    def val_dataloader(self) -> DataLoader:
        return DataLoader(self.heldout_sets, batch_size=self.batch_size)


class DigitInk(SetLaw):
    """Each of scikit-learn's 1,797 8x8 digits as a set of points drawn from its ink.

    A point is a pixel drawn with probability proportional to its intensity,
    placed uniformly within the pixel (x to the right, y up). Which digits become
    training and which held-out sets follows a seeded shuffle; each digit is used once.
    """

    def sample(self, n: int, items: int, generator: torch.Generator) -> Tensor:
        from sklearn.datasets import load_digits

        images = torch.as_tensor(load_digits().images, dtype=torch.float64)  # (1797, 8, 8)
        if n > len(images):
            raise ConfigError(
                f"data: num_train + num_heldout = {n} sets, but there are {len(images)} digits"
            )
        chosen = images[torch.randperm(len(images), generator=generator)[:n]].flatten(1)
        pixels = torch.multinomial(chosen, items, replacement=True, generator=generator)
        rows, columns = pixels // 8, pixels % 8
        jitter = torch.rand(n, items, 2, generator=generator, dtype=torch.float64)
        x = (columns + jitter[..., 0]) / 8 * 2 - 1
        y = 1 - (rows + jitter[..., 1]) / 8 * 2
        return torch.stack([x, y], dim=-1) * EXTENT


class Ring(SetLaw):
    """i.i.d. points on the circle of radius 0.5, radially jittered by ``noise``.

    The items are i.i.d. and each one's law is rotation invariant, so the sets'
    law is invariant under C<n> x S<k> for every n, and known in closed form.
    """

    def __init__(self, noise: float = 0.03) -> None:
        if noise < 0:
            raise ConfigError(f"data.law.noise must be >= 0, got {noise}")
        self.noise = noise

    def sample(self, n: int, items: int, generator: torch.Generator) -> Tensor:
        shape = (n, items)
        angles = torch.rand(shape, generator=generator, dtype=torch.float64) * 2 * math.pi
        jitter = torch.randn(shape, generator=generator, dtype=torch.float64)
        radius = 0.5 + self.noise * jitter
        return torch.stack([radius * angles.cos(), radius * angles.sin()], dim=-1)


def turned(sets: Tensor, angles: Tensor) -> Tensor:
    """Each set (n, k, 2) turned counter-clockwise by its angle."""
    cos, sin = angles.cos().to(sets.dtype), angles.sin().to(sets.dtype)
    rotation = torch.stack([torch.stack([cos, -sin], -1), torch.stack([sin, cos], -1)], -2)
    return torch.einsum("nij,nkj->nki", rotation, sets)
