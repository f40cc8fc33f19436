"""The built-in groups acting on the image plane (escnn's R^2 gspaces)."""

from __future__ import annotations

import math

import torch
from escnn import gspaces
from escnn.group import GroupElement

from ginv_lightning.symmetry.base import Symmetry


def trivial() -> Symmetry:
    return Symmetry("trivial", gspaces.trivialOnR2())


def cyclic(n: int) -> Symmetry:
    return Symmetry(f"C{n}", gspaces.rot2dOnR2(N=n))


def dihedral(n: int) -> Symmetry:
    return Symmetry(f"D{n}", gspaces.flipRot2dOnR2(N=n))


def flip() -> Symmetry:
    return Symmetry("flip", gspaces.flip2dOnR2())


class PlanarRotations(Symmetry):
    """SO(2) or O(2): continuous groups, Haar-sampled from a torch generator."""

    def _sample_continuous(self, n: int, generator: torch.Generator | None) -> list[GroupElement]:
        angles = (torch.rand(n, generator=generator, dtype=torch.float64) * 2 * math.pi).tolist()
        if self.group.name.startswith("SO"):
            return [self.group.element(a) for a in angles]
        flips = torch.randint(2, (n,), generator=generator).tolist()
        return [self.group.element((f, a)) for f, a in zip(flips, angles, strict=True)]


def _fourier_grid(bandwidth: int) -> dict[str, int]:
    # Enough samples on the circle for the Fourier nonlinearity to resolve the band,
    # in a multiple of 8 so that the 90-degree rotations map samples to samples.
    return {"N": 8 * math.ceil((2 * bandwidth + 2) / 8)}


def so2(bandwidth: int) -> Symmetry:
    space = gspaces.rot2dOnR2(N=-1, maximum_frequency=2 * bandwidth)
    return PlanarRotations(
        f"SO2(bandwidth={bandwidth})",
        space,
        bandwidth=bandwidth,
        fourier_grid=_fourier_grid(bandwidth),
    )


def o2(bandwidth: int) -> Symmetry:
    space = gspaces.flipRot2dOnR2(N=-1, maximum_frequency=2 * bandwidth)
    return PlanarRotations(
        f"O2(bandwidth={bandwidth})",
        space,
        bandwidth=bandwidth,
        fourier_grid=_fourier_grid(bandwidth),
    )
