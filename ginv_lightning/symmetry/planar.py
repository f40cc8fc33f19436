"""The built-in groups acting on the image plane (escnn's R^2 gspaces)."""

from __future__ import annotations

import math

import torch
from escnn import gspaces
from escnn.group import GroupElement

from ginv_lightning.symmetry.escnn_group import EscnnGroup


def trivial() -> EscnnGroup:
    return EscnnGroup("trivial", gspaces.trivialOnR2())


def cyclic(n: int) -> EscnnGroup:
    return EscnnGroup(f"C{n}", gspaces.rot2dOnR2(N=n))


def dihedral(n: int) -> EscnnGroup:
    return EscnnGroup(f"D{n}", gspaces.flipRot2dOnR2(N=n))


def flip() -> EscnnGroup:
    return EscnnGroup("flip", gspaces.flip2dOnR2())


class PlanarRotations(EscnnGroup):
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


def so2(bandwidth: int) -> EscnnGroup:
    space = gspaces.rot2dOnR2(N=-1, maximum_frequency=2 * bandwidth)
    return PlanarRotations(
        f"SO2(bandwidth={bandwidth})",
        space,
        bandwidth=bandwidth,
        fourier_grid=_fourier_grid(bandwidth),
    )


def o2(bandwidth: int) -> EscnnGroup:
    space = gspaces.flipRot2dOnR2(N=-1, maximum_frequency=2 * bandwidth)
    return PlanarRotations(
        f"O2(bandwidth={bandwidth})",
        space,
        bandwidth=bandwidth,
        fourier_grid=_fourier_grid(bandwidth),
    )
