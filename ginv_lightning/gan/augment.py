"""The data-augmentation baseline: random group elements on the discriminator's inputs.

This makes an ordinary discriminator see every orientation, but unlike
hard-wired invariance it neither constrains the networks nor multiplies the
effective sample size in the theory; it is here as the fair comparison.
"""

from __future__ import annotations

from torch import Tensor

from ginv_lightning.symmetry.contract import GroupAction


class GroupAugment:
    """Move every sample by an independent Haar-random element of the group."""

    def __init__(self, symmetry: GroupAction) -> None:
        self.symmetry = symmetry

    def __call__(self, x: Tensor) -> Tensor:
        return self.symmetry.act_each(self.symmetry.sample(x.shape[0]), x)
