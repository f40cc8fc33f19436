"""Groups backed by an escnn gspace: the group, the space it acts on, and its action on data."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from escnn import gspaces
from escnn.group import Group, GroupElement, Representation
from escnn.nn import FieldType
from torch import Tensor

from ginv_lightning.escnn_support.seeded_numerics import install as seed_escnn_numerics
from ginv_lightning.symmetry.action import (
    permute_grid,
    resample_grid,
    signed_permutation,
    to_tensor_axes,
)
from ginv_lightning.symmetry.contract import GroupAction

if TYPE_CHECKING:
    from ginv_lightning.shapes import DataShape

seed_escnn_numerics()  # before any gspace is built (see escnn_support.seeded_numerics)


class EscnnGroup(GroupAction):
    """A symmetry group G acting on signals over a grid, or on points, backed by an escnn gspace.

    The gspace carries the mathematics (the group, its representations, its
    action on the base space); this class adds what GAN training needs on top
    (the :class:`GroupAction` contract): enumerating or Haar-sampling elements
    reproducibly, and a differentiable, batched action on tensors. Images
    (N, C, *grid) move by their grid; points (N, d) of the base space R^d itself
    move by the base-space representation (2-D rotations and reflections for the
    planar groups), so vector data use the same groups and plugins as images.

    Coordinates: escnn's planar groups act on (x, y) with y pointing *up*, while
    image rows run *down*; a positive rotation (``C4``'s first non-identity
    element, a quarter turn) turns an image counter-clockwise as displayed, like
    ``torch.rot90(image, 1, (-2, -1))``, and the point (1, 0) to (0, 1).

    Args:
        name: canonical name, e.g. ``"C4"``.
        gspace: the escnn gspace, e.g. ``gspaces.rot2dOnR2(4)``.
        bandwidth: for continuous groups, the highest frequency kept in the
            band-limited regular representation used for noise and hidden features.
        fourier_grid: for continuous groups, the keyword arguments of
            ``group.grid`` that escnn's Fourier nonlinearities sample on.

    Example:
        >>> from ginv_lightning.symmetry import resolve_group
        >>> c4 = resolve_group("C4")
        >>> c4.order, len(c4.elements())
        (4, 4)
    """

    def __init__(
        self,
        name: str,
        gspace: gspaces.GSpace,
        *,
        bandwidth: int | None = None,
        fourier_grid: dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.gspace = gspace
        self.bandwidth = bandwidth
        self.fourier_grid = fourier_grid or {}
        if not self.is_finite and bandwidth is None:
            raise ValueError(f"continuous group {name} needs a bandwidth")

    generator = "ginv_lightning.nn.EquivariantGenerator"
    discriminator = "ginv_lightning.nn.InvariantDiscriminator"

    def __repr__(self) -> str:
        return f"EscnnGroup({self.name!r}, gspace={self.gspace.name!r})"

    @property
    def group(self) -> Group:
        return self.gspace.fibergroup

    @property
    def dimensionality(self) -> int:
        """Dimension of the grid the group acts on (2 for images, 3 for voxels)."""
        return self.gspace.dimensionality

    @property
    def is_finite(self) -> bool:
        return self.group.order() > 0

    @property
    def order(self) -> int | None:
        """Number of elements, or ``None`` for a continuous group."""
        return self.group.order() if self.is_finite else None

    def elements(self) -> list[GroupElement]:
        """Every element of a finite group, identity first."""
        if not self.is_finite:
            raise ValueError(f"{self.name} is continuous; draw elements with sample()")
        return list(self._elements)

    @cached_property
    def _elements(self) -> tuple[GroupElement, ...]:
        identity = self.group.identity
        rest = [g for g in self.group.elements if g != identity]
        return (identity, *rest)

    def sample(self, n: int, generator: torch.Generator | None = None) -> list[GroupElement]:
        """``n`` independent Haar-distributed elements, reproducible through ``generator``."""
        if self.is_finite:
            idx = torch.randint(len(self._elements), (n,), generator=generator)
            return [self._elements[i] for i in idx.tolist()]
        return self._sample_continuous(n, generator)

    def _sample_continuous(self, n: int, generator: torch.Generator | None) -> list[GroupElement]:
        """Haar samples of a continuous group; override for seeded sampling."""
        return [self.group.sample() for _ in range(n)]

    def orbit_elements(self, samples: int, generator: torch.Generator | None = None) -> list:
        """Elements to average an orbit over: all of a finite group, else ``samples`` draws."""
        return self.elements() if self.is_finite else self.sample(samples, generator)

    @property
    def identity(self) -> GroupElement:
        return self.group.identity

    def compose(self, g: GroupElement, h: GroupElement) -> GroupElement:
        return g @ h

    def check_data(self, shape: DataShape) -> None:
        from ginv_lightning.shapes import ImageShape, VectorShape

        if not isinstance(shape, ImageShape | VectorShape):
            wanted = "a group made for them"
        elif shape.space_dims != self.dimensionality:
            wanted = f"a group for {shape.space_dims}-D data"
        else:
            return
        raise ValueError(
            f"{self.name} acts on {self.dimensionality}-D space, but the data are "
            f"{shape.describe()}; choose {wanted} (`ginv groups list` shows what each group "
            "acts on)"
        )

    def example_data(self, n: int, generator: torch.Generator) -> Tensor:
        """Two-channel grids of 8 points a side (exact elements move them exactly)."""
        shape = (n, 2, *[8] * self.dimensionality)
        return torch.randn(shape, generator=generator, dtype=torch.float64)

    def grid_matrix(self, element: GroupElement) -> np.ndarray:
        """How ``element`` moves grid coordinates, in tensor-axis order."""
        return to_tensor_axes(self.gspace.basespace_action(element))

    def is_exact(self, element: GroupElement) -> bool:
        """Whether the element maps grid points to grid points (no interpolation of images)."""
        return signed_permutation(self.grid_matrix(element)) is not None

    @property
    def vector_representation(self) -> Representation:
        """How the group moves points of its base space R^d (escnn's ``basespace_action``)."""
        return self.gspace.basespace_action

    @cached_property
    def vector_gspace(self) -> gspaces.GSpace:
        """The group with no base space: where the fields of equivariant MLPs live."""
        return gspaces.no_base_space(self.group)

    def vector_matrix(self, element: GroupElement) -> np.ndarray:
        """The (d, d) matrix moving points of R^d, in escnn's (x, y, z) coordinates."""
        return np.asarray(self.vector_representation(element), dtype=np.float64)

    def act(self, element: GroupElement, x: Tensor) -> Tensor:
        """Move a batch of scalar signals (N, C, *grid), or of points (N, d), by one element.

        Example:
            >>> import torch
            >>> from ginv_lightning.symmetry import resolve_group
            >>> c4 = resolve_group("C4")
            >>> quarter_turn = c4.elements()[1]
            >>> image = torch.tensor([[[[0.0, 1.0], [2.0, 3.0]]]])  # (N, C, H, W)
            >>> c4.act(quarter_turn, image)  # counter-clockwise, as torch.rot90
            tensor([[[[1., 3.],
                      [0., 2.]]]])
            >>> c4.act(quarter_turn, torch.tensor([[1.0, 2.0]])).round(decimals=6)  # a point (x, y)
            tensor([[-2.,  1.]])
        """
        if x.dim() == 2:
            self._check_points(x)
            matrix = torch.as_tensor(self.vector_matrix(element), dtype=x.dtype, device=x.device)
            return x @ matrix.T
        if all(n == 1 for n in x.shape[2:]):
            return x  # a single point (e.g. latent noise) is fixed by every element
        perm = signed_permutation(self.grid_matrix(element))
        if perm is not None:
            return permute_grid(x, *perm)
        matrix = torch.as_tensor(self.grid_matrix(element), dtype=x.dtype, device=x.device)
        return resample_grid(x, matrix.expand(x.shape[0], -1, -1))

    def act_each(self, elements: Sequence[GroupElement], x: Tensor) -> Tensor:
        """Move sample ``i`` of a batch of scalar signals or points by ``elements[i]``."""
        if len(elements) != x.shape[0]:
            raise ValueError(f"{len(elements)} elements for a batch of {x.shape[0]}")
        if x.dim() == 2:
            self._check_points(x)
            matrices = self._vector_matrices(elements).to(dtype=x.dtype, device=x.device)
            return torch.einsum("nij,nj->ni", matrices, x)
        if all(n == 1 for n in x.shape[2:]):
            return x
        out = torch.empty_like(x)
        interpolated: list[int] = []
        exact: dict[tuple, list[int]] = {}
        plans: dict[GroupElement, tuple[list[int], list[int]] | None] = {}
        for i, g in enumerate(elements):
            if g not in plans:  # elements of finite groups repeat in a batch
                plans[g] = signed_permutation(self.grid_matrix(g))
            perm = plans[g]
            if perm is None:
                interpolated.append(i)
            else:
                exact.setdefault((tuple(perm[0]), tuple(perm[1])), []).append(i)
        for (source, reverse), rows in exact.items():
            index = torch.tensor(rows, device=x.device)
            out[index] = permute_grid(x[index], list(source), list(reverse))
        if interpolated:
            index = torch.tensor(interpolated, device=x.device)
            matrices = torch.tensor(
                np.stack([self.grid_matrix(elements[i]) for i in interpolated]),
                dtype=x.dtype,
                device=x.device,
            )
            out[index] = resample_grid(x[index], matrices)
        return out

    def _check_points(self, x: Tensor) -> None:
        if x.shape[1] != self.dimensionality:
            raise ValueError(
                f"{self.name} moves points of R^{self.dimensionality}, got a batch of "
                f"{x.shape[1]}-dimensional vectors; images must be (N, C, *grid)"
            )

    def _vector_matrices(self, elements: Sequence[GroupElement]) -> Tensor:
        """(N, d, d) matrices of ``elements``; a finite group's are computed once."""
        if not self.is_finite:
            return torch.as_tensor(np.stack([self.vector_matrix(g) for g in elements]))
        table, index = self._vector_table
        return table[[index[g] for g in elements]]

    @cached_property
    def _vector_table(self) -> tuple[Tensor, dict[GroupElement, int]]:
        table = torch.as_tensor(np.stack([self.vector_matrix(g) for g in self._elements]))
        return table, {g: i for i, g in enumerate(self._elements)}

    def act_fields(self, element: GroupElement, x: Tensor, field_type: FieldType) -> Tensor:
        """Move a batch of feature fields of any escnn type: mix the channels, then the grid.

        Fields of a gspace without base space (those of equivariant MLPs) have no grid
        to move: mixing the channels is the whole action.
        """
        rho = torch.as_tensor(field_type.representation(element), dtype=x.dtype, device=x.device)
        mixed = torch.einsum("oc,bc...->bo...", rho, x)
        if field_type.gspace.dimensionality == 0:
            return mixed
        return self.act(element, mixed)

    def element_label(self, element: GroupElement) -> str:
        """How ``ginv groups show`` names an element; escnn's own notation by default.

        Plugins override this where escnn's notation is unreadable (the
        octahedral groups print their elements as quaternion arrays).
        """
        return str(element)

    def describe(self) -> dict[str, Any]:
        """What ``ginv groups show`` prints."""
        info: dict[str, Any] = {
            "name": self.name,
            "order": self.order if self.is_finite else "continuous",
            "gspace": self.gspace.name,
            "fibergroup": self.group.name,
            "grid dimension": self.dimensionality,
        }
        if self.is_finite:
            info["elements"] = [
                f"{self.element_label(g)}: {'exact' if self.is_exact(g) else 'interpolated'}"
                for g in self._elements
            ]
        else:
            info["bandwidth"] = self.bandwidth
            info["elements"] = (
                "Haar-sampled; the action is exact only where it maps the grid to itself "
                "(e.g. multiples of 90 degrees), interpolated (bilinear) elsewhere"
            )
        return info


def require_escnn(symmetry: GroupAction) -> EscnnGroup:
    """``symmetry`` itself if escnn builds its fields; else a one-line error naming the
    networks the group brings (a plugin's group without a gspace has its own)."""
    if isinstance(symmetry, EscnnGroup):
        return symmetry
    raise ValueError(
        f"this network needs an escnn group (its grid, its fields), and {symmetry.name} is "
        f"not one; use the networks made for it, {symmetry.generator} and "
        f"{symmetry.discriminator}"
    )
