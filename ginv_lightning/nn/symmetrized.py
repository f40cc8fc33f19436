"""The symmetrization operators of Birrell et al. (Structure-preserving GANs, 2022).

They make any network respect the group by averaging, not by construction:
the generator applies a uniformly random group element to each output (S_G),
the discriminator averages its score over the orbit of each input. They work
on images and on points alike, through ``Symmetry.act``.
"""

from __future__ import annotations

import torch
from torch import Tensor

from ginv_lightning.nn.base import Discriminator, DiscriminatorBuilder, Generator, GeneratorBuilder
from ginv_lightning.nn.shapes import DataShape
from ginv_lightning.symmetry.base import Symmetry


class SymmetrizedGenerator(Generator):
    """S_G(G)(z) = g.G(z) with g uniform (Haar) and independent per sample.

    The output law is G-invariant for any base generator. The random element is
    drawn from torch's global RNG, so ``seed_everything`` makes it reproducible.
    """

    def __init__(self, symmetry: Symmetry, image: DataShape, base: GeneratorBuilder) -> None:
        super().__init__()
        self.symmetry = symmetry
        self.base = base(symmetry, image)
        self.latent_shape = self.base.latent_shape

    def forward(self, z: Tensor) -> Tensor:
        elements = self.symmetry.sample(z.shape[0])
        return self.symmetry.act_each(elements, self.base(z))

    def export(self) -> Generator:
        exported = _Resymmetrized(self.symmetry, self.base.export(), self.latent_shape)
        return exported.eval()


class _Resymmetrized(Generator):
    """The exported form: a plain base generator followed by the random action."""

    def __init__(self, symmetry: Symmetry, base: Generator, latent_shape: tuple[int, ...]) -> None:
        super().__init__()
        self.symmetry = symmetry
        self.base = base
        self.latent_shape = latent_shape

    def forward(self, z: Tensor) -> Tensor:
        return self.symmetry.act_each(self.symmetry.sample(z.shape[0]), self.base(z))

    def export(self) -> Generator:
        return self


class SymmetrizedDiscriminator(Discriminator):
    """D_S(x) = mean over g of D(g.x): all elements of a finite group, else ``samples`` draws.

    Exactly invariant for finite groups whose action on the grid is exact; for
    continuous groups it is a Monte-Carlo orbit average (fresh draws each call).
    The orbit is evaluated as one batch of |G| times the input size.

    Args:
        base: any discriminator builder (``CNNDiscriminator`` is the usual choice).
        samples: Haar draws per call for continuous groups.
    """

    def __init__(
        self,
        symmetry: Symmetry,
        image: DataShape,
        base: DiscriminatorBuilder,
        samples: int = 8,
    ) -> None:
        super().__init__()
        if samples < 1:
            raise ValueError(f"samples must be >= 1, got {samples}")
        self.symmetry = symmetry
        self.samples = samples
        self.base = base(symmetry, image)

    def forward(self, x: Tensor) -> Tensor:
        elements = self.symmetry.orbit_elements(self.samples)
        orbit = torch.cat([self.symmetry.act(g, x) for g in elements])
        return self.base(orbit).view(len(elements), x.shape[0]).mean(0)
