"""Which escnn feature fields an equivariant network uses for a given symmetry.

Finite groups use regular fields with pointwise nonlinearities and group
pooling, as in escnn's own examples. Continuous groups use band-limited
(spectral) regular fields with Fourier nonlinearities and norm pooling. Nothing
here depends on which group it is beyond finite/continuous and the grid
dimension, so plugin groups (3-D ones included) get networks for free. The
same fields without a base space (``for_vectors``) make equivariant MLPs.
"""

from __future__ import annotations

from escnn import gspaces
from escnn import nn as enn
from torch import Tensor

from ginv_lightning.escnn_support.uncopied_batch_norm import UncopiedInnerBatchNorm
from ginv_lightning.symmetry.escnn_group import EscnnGroup, require_escnn


class FeatureFields:
    """Factory of field types and field-wise layers for one symmetry.

    Args:
        symmetry: the group.
        gspace: where the fields live; the symmetry's own gspace (fields over the
            grid) unless given.
    """

    def __init__(self, symmetry: EscnnGroup, gspace: gspaces.GSpace | None = None) -> None:
        self.symmetry = require_escnn(symmetry)
        self.gspace = symmetry.gspace if gspace is None else gspace
        self.group = symmetry.group

    @classmethod
    def for_vectors(cls, symmetry: EscnnGroup) -> FeatureFields:
        """Fields with no base space, for MLPs on points of R^d (escnn's ``no_base_space``)."""
        return cls(symmetry, symmetry.vector_gspace)

    @property
    def field_size(self) -> int:
        """Channels per hidden field: |G| for finite groups, the band's size otherwise."""
        return self.hidden(1).size

    def image(self, channels: int) -> enn.FieldType:
        """Scalar (invariant) channels: how images and voxel grids transform."""
        return enn.FieldType(self.gspace, [self.gspace.trivial_repr] * channels)

    def vectors(self) -> enn.FieldType:
        """Points of R^d, transforming by the group's base-space representation."""
        return enn.FieldType(self.gspace, [self.symmetry.vector_representation])

    def latent(self, fields: int) -> enn.FieldType:
        """Noise fields whose i.i.d. Gaussian law is invariant but not fixed by the group.

        Regular representations of a finite group permute coordinates, and escnn's
        irreducible representations are orthogonal; either way an isotropic
        Gaussian keeps its law under the group, and it is not fixed by any
        non-identity element, so the generated images are not themselves symmetric.
        """
        if self.symmetry.is_finite:
            return enn.FieldType(self.gspace, [self.gspace.regular_repr] * fields)
        irreps = [self.group.irrep(*i) for i in self.group.bl_irreps(self.symmetry.bandwidth)]
        return enn.FieldType(self.gspace, irreps * fields)

    def generator_input(self, latent: enn.FieldType, label_channels: int) -> enn.FieldType:
        """The noise fields, then ``label_channels`` trivial fields for a class embedding.

        No group element moves a trivial field, so a label entering there keeps
        the generator exactly equivariant: G(g.z, y) = g.G(z, y).
        """
        return latent + self.image(label_channels) if label_channels else latent

    def hidden(self, fields: int) -> enn.FieldType:
        if self.symmetry.is_finite:
            return enn.FieldType(self.gspace, [self.gspace.regular_repr] * fields)
        return self._fourier(fields).in_type

    def activation(
        self, field_type: enn.FieldType, *, leaky: bool = False
    ) -> enn.EquivariantModule:
        if self.symmetry.is_finite:
            if leaky:
                return enn.LeakyReLU(field_type, negative_slope=0.2)
            return enn.ReLU(field_type)
        return self._fourier(len(field_type))

    def batch_norm(self, field_type: enn.FieldType) -> enn.EquivariantModule:
        if self.symmetry.is_finite:
            return UncopiedInnerBatchNorm(field_type)
        iid = {2: enn.IIDBatchNorm2d, 3: enn.IIDBatchNorm3d}[self.symmetry.dimensionality]
        return iid(field_type)

    def invariant_features(self, x: Tensor, field_type: enn.FieldType) -> Tensor:
        """One invariant scalar per field: the max over a regular field's group axis, else its norm.

        A regular representation permutes a field's coordinates, so their max is
        invariant; the band-limited fields of continuous groups are orthogonal
        sums of irreducibles, so their norm is. (escnn's ``GroupPooling`` does the
        former too, but always returns float32, which float64 checks cannot use.)
        """
        per_field = x.unflatten(1, (len(field_type), field_type.size // len(field_type)))
        if self.symmetry.is_finite:
            return per_field.amax(2)
        return per_field.norm(dim=2)

    def _fourier(self, fields: int) -> enn.FourierELU:
        irreps = self.group.bl_irreps(self.symmetry.bandwidth)
        return enn.FourierELU(
            self.gspace, fields, irreps=irreps, inplace=False, **self.symmetry.fourier_grid
        )
