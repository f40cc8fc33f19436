"""The symmetrization operators of Birrell et al. (Structure-preserving GANs, 2022).

They make any network respect the group by averaging, not by construction:
the generator applies a uniformly random group element to each output (S_G),
the discriminator averages its score over the orbit of each input. They work
on images and on points alike, through the group's ``act``.
"""

from __future__ import annotations

import torch
from torch import Tensor

from ginv_lightning.nn.base import Discriminator, DiscriminatorBuilder, Generator, GeneratorBuilder
from ginv_lightning.nn.conditioning import label_args
from ginv_lightning.shapes import DataShape
from ginv_lightning.symmetry.contract import GroupAction


class SymmetrizedGenerator(Generator):
    """S_G(G)(z) = g.G(z) with g uniform (Haar) and independent per sample.

    The output law is G-invariant for any base generator. The random element is
    drawn from torch's global RNG, so ``seed_everything`` makes it reproducible.

    ``base`` is a builder, ``(symmetry, shape) -> generator``; to wrap a network
    you already have, give one that returns it. The network needs a
    ``latent_shape``, the shape of one noise sample.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from ginv_lightning.nn import ImageShape
        >>> from ginv_lightning.symmetry import resolve_group
        >>> c4 = resolve_group("C4")
        >>> mine = nn.Sequential(nn.Linear(4, 64), nn.Unflatten(1, (1, 8, 8)))
        >>> mine.latent_shape = (4,)
        >>> generator = SymmetrizedGenerator(c4, ImageShape(1, 8), lambda symmetry, shape: mine)
        >>> z = generator.sample_latent(5)
        >>> _ = torch.manual_seed(0); images = generator(z)
        >>> _ = torch.manual_seed(0); turns = c4.sample(5)  # the elements it drew
        >>> torch.equal(images, c4.act_each(turns, mine(z)))
        True
    """

    def __init__(self, symmetry: GroupAction, image: DataShape, base: GeneratorBuilder) -> None:
        super().__init__()
        self.symmetry = symmetry
        self.base = base(symmetry, image)
        self.latent_shape = self.base.latent_shape

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        elements = self.symmetry.sample(z.shape[0])
        return self.symmetry.act_each(elements, self.base(z, *label_args(labels)))

    @property
    def classes(self) -> int:
        return getattr(self.base, "classes", 0)

    def export(self) -> Generator:
        exported = _Resymmetrized(self.symmetry, self.base.export(), self.latent_shape)
        return exported.eval()


class _Resymmetrized(Generator):
    """The exported form: a plain base generator followed by the random action."""

    def __init__(
        self, symmetry: GroupAction, base: Generator, latent_shape: tuple[int, ...]
    ) -> None:
        super().__init__()
        self.symmetry = symmetry
        self.base = base
        self.latent_shape = latent_shape

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        moves = self.symmetry.sample(z.shape[0])
        return self.symmetry.act_each(moves, self.base(z, *label_args(labels)))

    @property
    def classes(self) -> int:
        return getattr(self.base, "classes", 0)

    def export(self) -> Generator:
        return self


class SymmetrizedDiscriminator(Discriminator):
    """D_S(x) = mean over g of D(g.x): all elements of a finite group, else ``samples`` draws.

    Exactly invariant for finite groups whose action on the grid is exact; for
    continuous groups it is a Monte-Carlo orbit average (fresh draws each call).
    The orbit is evaluated as one batch of |G| times the input size.

    Args:
        base: any discriminator builder (``CNNDiscriminator`` is the usual choice),
            or ``lambda symmetry, shape: network`` to wrap a network you already have.
        samples: Haar draws per call for continuous groups.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from ginv_lightning.nn import ImageShape
        >>> from ginv_lightning.symmetry import resolve_group
        >>> c4 = resolve_group("C4")
        >>> mine = nn.Sequential(nn.Flatten(), nn.Linear(64, 1))  # scores (N, 1, 8, 8) images
        >>> critic = SymmetrizedDiscriminator(c4, ImageShape(1, 8), lambda symmetry, shape: mine)
        >>> x = torch.randn(3, 1, 8, 8)
        >>> all(torch.allclose(critic(c4.act(g, x)), critic(x), atol=1e-6) for g in c4.elements())
        True
    """

    def __init__(
        self,
        symmetry: GroupAction,
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

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        elements = self.symmetry.orbit_elements(self.samples)
        orbit = torch.cat([self.symmetry.act(g, x) for g in elements])
        orbit_labels = label_args(None if labels is None else labels.repeat(len(elements)))
        return self.base(orbit, *orbit_labels).view(len(elements), x.shape[0]).mean(0)
