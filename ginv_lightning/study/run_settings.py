"""The settings of a study's runs: plain dataclasses, light to import (no torch, no escnn)."""

from __future__ import annotations

from dataclasses import dataclass, field

# What each kind means, for help texts and the README.
KINDS = {
    "invariant": "equivariant generator and invariant discriminator: escnn MLPs (noise in "
    "regular fields) for an escnn group, else the networks the group brings",
    "symmetrized": "plain MLPs made invariant by Birrell et al.'s operators: a random group "
    "element after the generator, the orbit average of the discriminator",
    "augmentation": "plain MLPs trained on the augmented training set: a random group element "
    "moves each real point before the discriminator (generated points are left as they are)",
    "ordinary": "plain MLPs, no symmetry",
    "empirical": "no training: the n training points completed by their orbits under G "
    "(|G| n points), what a GAN that memorised its symmetrised training set would score",
}
TRAINED_KINDS = ("invariant", "symmetrized", "augmentation", "ordinary")


@dataclass(frozen=True)
class Networks:
    """Sizes of the invariant kind's networks; the plain kinds are matched to them.

    For an escnn group the invariant kind is an escnn MLP with these regular fields
    per layer (``latent_fields`` of noise). A group that brings its own networks
    (e.g. ``ginv-sets``' S<k>) builds them with ``group_generator`` and
    ``group_discriminator`` as init_args; the plain MLPs then have the fields'
    layout, scaled to the same parameter count.
    """

    generator_fields: tuple[int, ...] = (24, 24, 24)
    discriminator_fields: tuple[int, ...] = (24, 24, 24)
    latent_fields: int = 4
    group_generator: dict = field(default_factory=dict)
    group_discriminator: dict = field(default_factory=dict)


# Epochs only pace the learning-rate schedule; training length is counted in steps.
G_STEPS_PER_EPOCH = 50


@dataclass(frozen=True)
class Training:
    """How every GAN of a study is trained (Wasserstein-1 loss with a gradient penalty).

    Args:
        steps: generator steps.
        n_critic: discriminator steps per generator step.
        batch_size: points per discriminator batch.
        lr_g: the generator's Adam learning rate.
        lr_d: the discriminator's Adam learning rate.
        betas: Adam's betas for both.
        penalty: weight of the gradient penalty on interpolates.
        one_sided: penalise only gradient norms above 1 (the Lipschitz constraint of
            the W1 dual itself), not every departure from 1 as WGAN-GP does.
        ema_decay: decay of the generator's moving average, which is what is evaluated.
        lr_decay: decay both learning rates linearly to zero over training, so that
            the end of training is a resting point rather than a snapshot of an
            oscillation.
    """

    steps: int = 1500
    n_critic: int = 2
    batch_size: int = 256
    lr_g: float = 1e-3
    lr_d: float = 1e-3
    betas: tuple[float, float] = (0.0, 0.9)
    penalty: float = 10.0
    one_sided: bool = True
    ema_decay: float = 0.99
    lr_decay: bool = True


@dataclass(frozen=True)
class Cell:
    """One run of the grid."""

    model: str
    group: str
    n: int
    seed: int

    @property
    def name(self) -> str:
        return f"{self.model}-{self.group}-n{self.n}-s{self.seed}"


@dataclass
class Outcome:
    """What one run measured: W1 at the end and at the trace fractions of training."""

    w1: float
    seconds: float
    g_params: int = 0
    d_params: int = 0
    trace: dict[float, float] = field(default_factory=dict)
