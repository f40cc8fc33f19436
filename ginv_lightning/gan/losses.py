"""GAN objectives from the papers in this line of work, written on discriminator scores.

Each loss turns the scores of real and generated images into the
discriminator's loss (minimised by D) and the generator's loss (minimised by G).
Penalties are separate (see ``penalties``) so that any loss can take any penalty.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor


class GANLoss:
    """Base class: subclasses define both players' losses on mean-reduced scores."""

    #: whether the generator loss needs the scores of real images too
    generator_needs_real: bool = False

    def discriminator(self, real: Tensor, fake: Tensor) -> Tensor:
        raise NotImplementedError

    def generator(self, real: Tensor | None, fake: Tensor) -> Tensor:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class NonSaturating(GANLoss):
    """Goodfellow et al.'s GAN with the non-saturating generator loss -log D(G(z))."""

    def discriminator(self, real: Tensor, fake: Tensor) -> Tensor:
        return F.softplus(-real).mean() + F.softplus(fake).mean()

    def generator(self, real: Tensor | None, fake: Tensor) -> Tensor:
        return F.softplus(-fake).mean()


class RelativisticAverage(GANLoss):
    """RaGAN (Jolicoeur-Martineau, 2019): each score is judged against the other side's mean.

    Used with the R1 penalty by Structure-preserving GANs and Group Equivariant GANs.
    """

    generator_needs_real = True

    def discriminator(self, real: Tensor, fake: Tensor) -> Tensor:
        return F.softplus(-(real - fake.mean())).mean() + F.softplus(fake - real.mean()).mean()

    def generator(self, real: Tensor | None, fake: Tensor) -> Tensor:
        assert real is not None
        return F.softplus(-(fake - real.mean())).mean() + F.softplus(real - fake.mean()).mean()


class Wasserstein(GANLoss):
    """WGAN: the critic's estimate of the Wasserstein-1 distance, E[D(real)] - E[D(fake)].

    Pair it with ``GradientPenalty`` (WGAN-GP) to keep the critic 1-Lipschitz.
    """

    def discriminator(self, real: Tensor, fake: Tensor) -> Tensor:
        return fake.mean() - real.mean()

    def generator(self, real: Tensor | None, fake: Tensor) -> Tensor:
        return -fake.mean()


class LipschitzAlpha(GANLoss):
    """The Lipschitz-regularised alpha-divergence GAN of Birrell et al.

    With f_alpha(x) = (x^alpha - 1) / (alpha (alpha - 1)) and its Legendre transform
    f*(y) = (alpha-1)^(alpha/(alpha-1)) / alpha * relu(y)^(alpha/(alpha-1)) + 1/(alpha(alpha-1)),
    the discriminator maximises E_real[D] - E_fake[f*(D)] over Lipschitz D (the
    shift parameter of the (f, Gamma)-divergence drops out because Lipschitz
    functions are closed under shifts); the generator minimises it. Pair it with
    a one-sided ``GradientPenalty``.
    """

    def __init__(self, alpha: float = 2.0) -> None:
        if alpha <= 1:
            raise ValueError(f"alpha must be > 1, got {alpha}")
        self.alpha = alpha

    def conjugate(self, y: Tensor) -> Tensor:
        """f*_alpha(y), the Legendre transform of f_alpha."""
        a = self.alpha
        power = a / (a - 1)
        return (a - 1) ** power / a * F.relu(y) ** power + 1 / (a * (a - 1))

    def discriminator(self, real: Tensor, fake: Tensor) -> Tensor:
        return -(real.mean() - self.conjugate(fake).mean())

    def generator(self, real: Tensor | None, fake: Tensor) -> Tensor:
        return -self.conjugate(fake).mean()

    def __repr__(self) -> str:
        return f"LipschitzAlpha(alpha={self.alpha})"


class Hinge(GANLoss):
    """Hinge loss (Lim and Ye 2017; SAGAN, BigGAN)."""

    def discriminator(self, real: Tensor, fake: Tensor) -> Tensor:
        return F.relu(1 - real).mean() + F.relu(1 + fake).mean()

    def generator(self, real: Tensor | None, fake: Tensor) -> Tensor:
        return -fake.mean()
