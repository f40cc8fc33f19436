"""Gradient penalties on the discriminator.

They differentiate the discriminator's output with respect to its input with
``torch.autograd.grad(create_graph=True)`` and return a loss term, so the
outer backward is a plain first-order ``backward`` (what DDP supports).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

Critic = Callable[[Tensor], Tensor]


class Penalty:
    """A regulariser of the discriminator, added to its loss.

    ``real_scores``, when given, are the discriminator's scores of ``real`` from the
    loss's own forward pass, taken with ``real.requires_grad``; a penalty on real
    data can differentiate those instead of running the discriminator again.

    ``every`` > 1 is lazy regularisation (StyleGAN2, Karras et al. 2020): the
    penalty is computed on one discriminator step in ``every`` and weighted by
    ``every``, so its average pull is the same while its double backward, a
    large share of a step, is paid once in ``every`` steps. It changes results.
    """

    #: whether the penalty can use the loss's scores of real data (see above)
    uses_real_scores: bool = False
    #: compute the penalty on one discriminator step in this many (see above)
    every: int = 1

    def due(self, step: int) -> bool:
        """Whether the run's discriminator step ``step`` (from 0, across epochs) is penalised."""
        return step % self.every == 0

    def __call__(
        self, discriminator: Critic, real: Tensor, fake: Tensor, real_scores: Tensor | None = None
    ) -> Tensor:
        raise NotImplementedError


def input_gradient_norms(discriminator: Critic, x: Tensor, scores: Tensor | None = None) -> Tensor:
    """||grad_x D(x)|| per sample, differentiable with respect to D's parameters."""
    if scores is None or not x.requires_grad:
        x = x.detach().requires_grad_(True)
        scores = discriminator(x)
    (grad,) = torch.autograd.grad(scores.sum(), x, create_graph=True)
    return grad.flatten(1).norm(dim=1)


class R1(Penalty):
    """Mescheder et al.'s R1: gamma/2 * E||grad D(x_real)||^2, on real data only."""

    def __init__(self, gamma: float = 0.1, every: int = 1) -> None:
        if gamma < 0:
            raise ValueError(f"gamma must be >= 0, got {gamma}")
        self.gamma = gamma
        self.every = _checked_every(every)

    uses_real_scores = True

    def __call__(
        self, discriminator: Critic, real: Tensor, fake: Tensor, real_scores: Tensor | None = None
    ) -> Tensor:
        norms = input_gradient_norms(discriminator, real, real_scores)
        return self.every * self.gamma / 2 * norms.pow(2).mean()

    def __repr__(self) -> str:
        lazy = f", every={self.every}" if self.every > 1 else ""
        return f"R1(gamma={self.gamma}{lazy})"


class GradientPenalty(Penalty):
    """Penalise gradient norms above (one-sided) or away from (two-sided) 1 on interpolates.

    Interpolates are x = t*real + (1-t)*fake with t ~ U[0, 1] per sample.
    Two-sided (WGAN-GP, Gulrajani et al.): weight * E[(||grad|| - 1)^2].
    One-sided (Birrell et al.'s Lipschitz GANs): weight * E[relu(||grad||^2 - 1)].
    """

    def __init__(self, weight: float = 10.0, one_sided: bool = False, every: int = 1) -> None:
        if weight < 0:
            raise ValueError(f"weight must be >= 0, got {weight}")
        self.weight = weight
        self.one_sided = one_sided
        self.every = _checked_every(every)

    def __call__(
        self, discriminator: Critic, real: Tensor, fake: Tensor, real_scores: Tensor | None = None
    ) -> Tensor:
        shape = (real.shape[0],) + (1,) * (real.dim() - 1)
        t = torch.rand(shape, device=real.device, dtype=real.dtype)
        interpolates = t * real.detach() + (1 - t) * fake.detach()
        norms = input_gradient_norms(discriminator, interpolates)
        weight = self.every * self.weight
        if self.one_sided:
            return weight * torch.relu(norms.pow(2) - 1).mean()
        return weight * (norms - 1).pow(2).mean()

    def __repr__(self) -> str:
        lazy = f", every={self.every}" if self.every > 1 else ""
        return f"GradientPenalty(weight={self.weight}, one_sided={self.one_sided}{lazy})"


def _checked_every(every: int) -> int:
    if not isinstance(every, int) or isinstance(every, bool) or every < 1:
        raise ValueError(f"every must be an integer >= 1 (1: every step), got {every!r}")
    return every
