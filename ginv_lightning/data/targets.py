"""Target laws with seeded samplers: what ``TargetPoints`` trains on and ``ginv study`` measures.

:class:`TargetLaw` is what the study needs of a law: seeded nested samples, the
shape of one sample, and the metric its W1 is measured in. The built-in ones are
low-dimensional G-invariant laws on the plane, the test bench of the
sample-complexity theory (Chen et al. 2023 use C4-symmetric Gaussian mixtures):
their symmetry is known exactly, they can be sampled without limit for held-out
evaluation, and their support has a known intrinsic dimension (2 for the
mixture, 1 for the curve). Plugins bring others (``ginv-sets``: laws of sets).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod

import torch
from torch import Tensor

from ginv_lightning.errors import ConfigError
from ginv_lightning.shapes import DataShape, VectorShape


class TargetLaw(ABC):
    """A law that can be sampled without limit, seeded, with a metric to measure W1 in.

    Subclasses implement :meth:`sample` and ``data_shape``; laws whose samples are
    not compared in the Euclidean metric of their coordinates (sets, whose order
    carries nothing) override :meth:`embed`.
    """

    # What one sample is called in reports ("W1 between 2000 generated and ... points").
    unit = "points"

    @property
    @abstractmethod
    def data_shape(self) -> DataShape:
        """The shape of one sample, what the GAN is built for."""

    @abstractmethod
    def sample(self, n: int, generator: torch.Generator) -> Tensor:
        """``n`` samples, float64, drawn from ``generator`` only."""

    def sample_nested(self, n: int, seed: int, chunk: int = 256) -> Tensor:
        """The first ``n`` samples of the stream seeded by ``seed``.

        The stream is drawn in fixed chunks, so the sample for n is a prefix of the
        sample for any larger n: training sets of one seed are nested, which makes
        the curves of error against n smoother than independent draws would.
        """
        generator = torch.Generator().manual_seed(seed)
        chunks = [self.sample(chunk, generator) for _ in range(max(1, math.ceil(n / chunk)))]
        return torch.cat(chunks)[:n]

    def embed(self, samples: Tensor) -> Tensor:
        """Samples as rows (N, D) whose Euclidean distance is the metric W1 is measured in."""
        return samples.flatten(1)


class PlanarTarget(TargetLaw):
    """A law on R^2 invariant under the rotations by multiples of 360/k degrees (C_k).

    Subclasses implement :meth:`sample`. Samples are float64 (N, 2) tensors, drawn
    from the given torch generator only, so a seed fixes them.
    """

    dim = 2

    def __init__(self, k: int) -> None:
        if not isinstance(k, int) or isinstance(k, bool) or k < 1:
            raise ConfigError(
                f"target k (the order of its rotation symmetry) must be >= 1, got {k}"
            )
        self.k = k

    @property
    def data_shape(self) -> VectorShape:
        return VectorShape(self.dim)

    def _check_positive(self, **values: float) -> None:
        for name, value in values.items():
            if not value > 0:
                raise ConfigError(f"target {name} must be > 0, got {value}")


class GaussianMixture(PlanarTarget):
    """k isotropic Gaussians of standard deviation ``std`` at angles 360 j/k on a circle.

    Rotating by 360/k degrees permutes the components, so the law is C_k-invariant
    (and reflection-invariant too); its support is the whole plane (dimension 2).

    Args:
        k: number of components and order of the rotation symmetry.
        radius: distance of the means from the origin.
        std: standard deviation of each component.
    """

    def __init__(self, k: int = 4, radius: float = 1.0, std: float = 0.1) -> None:
        super().__init__(k)
        self._check_positive(radius=radius, std=std)
        self.radius = radius
        self.std = std

    def sample(self, n: int, generator: torch.Generator) -> Tensor:
        component = torch.randint(self.k, (n,), generator=generator, dtype=torch.float64)
        angle = 2 * math.pi * component / self.k
        means = self.radius * torch.stack([angle.cos(), angle.sin()], dim=1)
        noise = torch.randn(n, 2, generator=generator, dtype=torch.float64)
        return means + self.std * noise

    def __repr__(self) -> str:
        return f"GaussianMixture(k={self.k}, radius={self.radius}, std={self.std})"


class SymmetricCurve(PlanarTarget):
    """A closed chiral curve with k-fold rotation symmetry, blurred by small Gaussian noise.

    The curve is r(t) = radius * (1 + amplitude * (sin(k t) + sin(2 k t) / 2)) for a
    polar angle t uniform on [0, 2 pi). Shifting t by 2 pi / k leaves r unchanged,
    so the law is C_k-invariant; the second harmonic breaks every reflection
    symmetry. At scales above ``std`` the support has dimension 1.

    Args:
        k: order of the rotation symmetry.
        radius: mean distance from the origin.
        amplitude: relative size of the k lobes.
        std: standard deviation of the isotropic noise added to each point.
    """

    def __init__(
        self, k: int = 4, radius: float = 1.0, amplitude: float = 0.3, std: float = 0.02
    ) -> None:
        super().__init__(k)
        self._check_positive(radius=radius, amplitude=amplitude, std=std)
        self.radius = radius
        self.amplitude = amplitude
        self.std = std

    def sample(self, n: int, generator: torch.Generator) -> Tensor:
        t = 2 * math.pi * torch.rand(n, generator=generator, dtype=torch.float64)
        lobes = torch.sin(self.k * t) + torch.sin(2 * self.k * t) / 2
        r = self.radius * (1 + self.amplitude * lobes)
        noise = torch.randn(n, 2, generator=generator, dtype=torch.float64)
        return r[:, None] * torch.stack([t.cos(), t.sin()], dim=1) + self.std * noise

    def __repr__(self) -> str:
        return (
            f"SymmetricCurve(k={self.k}, radius={self.radius}, "
            f"amplitude={self.amplitude}, std={self.std})"
        )
