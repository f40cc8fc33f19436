"""Layers chosen by the grid dimension (2-D images, 3-D voxels), escnn and plain torch alike."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from escnn import nn as enn
from torch import Tensor, nn

from ginv_lightning.escnn_support.doubling_upsample import DoublingR2Upsampling, DoublingUpsample
from ginv_lightning.escnn_support.halving_pool import HalvingAvgPool2d, HalvingPointwiseAvgPool2D


def _pick(dims: int, options: dict[int, type]) -> type:
    if dims not in options:
        raise ValueError(f"networks support 2-D and 3-D grids, got a {dims}-D grid")
    return options[dims]


# recompute=True: by default escnn shares one sampled-basis module between all
# layers (of all networks) with the same basis, so converting one network's
# dtype or device silently converts the others; each layer owns its copy here.


def equivariant_conv(
    in_type: enn.FieldType, out_type: enn.FieldType, kernel_size: int, padding: int = 0
) -> enn.EquivariantModule:
    conv = _pick(in_type.gspace.dimensionality, {2: enn.R2Conv, 3: enn.R3Conv})
    return conv(in_type, out_type, kernel_size=kernel_size, padding=padding, recompute=True)


def equivariant_conv_transposed(
    in_type: enn.FieldType, out_type: enn.FieldType, kernel_size: int
) -> enn.EquivariantModule:
    dims = in_type.gspace.dimensionality
    conv = _pick(dims, {2: enn.R2ConvTransposed, 3: enn.R3ConvTransposed})
    return conv(in_type, out_type, kernel_size=kernel_size, recompute=True)


def equivariant_upsample(field_type: enn.FieldType) -> enn.EquivariantModule:
    """Nearest-neighbour doubling: it commutes exactly with the grid's symmetries."""
    dims = field_type.gspace.dimensionality
    up = _pick(dims, {2: DoublingR2Upsampling, 3: enn.R3Upsampling})
    return up(field_type, scale_factor=2, mode="nearest")


def equivariant_pool(field_type: enn.FieldType) -> enn.EquivariantModule:
    """2x2 average pooling: exact under 90-degree rotations and reflections of even grids."""
    dims = field_type.gspace.dimensionality
    pool = _pick(dims, {2: HalvingPointwiseAvgPool2D, 3: enn.PointwiseAvgPool3D})
    return pool(field_type, kernel_size=2, stride=2)


def conv(dims: int, in_channels: int, out_channels: int, kernel_size: int, padding: int = 0):
    return _pick(dims, {2: nn.Conv2d, 3: nn.Conv3d})(
        in_channels, out_channels, kernel_size, padding=padding
    )


def conv_transposed(dims: int, in_channels: int, out_channels: int, kernel_size: int):
    return _pick(dims, {2: nn.ConvTranspose2d, 3: nn.ConvTranspose3d})(
        in_channels, out_channels, kernel_size
    )


def batch_norm(dims: int, channels: int) -> nn.Module:
    return _pick(dims, {2: nn.BatchNorm2d, 3: nn.BatchNorm3d})(channels)


def upsample(dims: int) -> nn.Module:
    """Nearest-neighbour doubling, as the equivariant networks' ``equivariant_upsample``."""
    return _pick(dims, {2: DoublingUpsample, 3: nn.Upsample})(scale_factor=2, mode="nearest")


def avg_pool(dims: int) -> nn.Module:
    return _pick(dims, {2: HalvingAvgPool2d, 3: nn.AvgPool3d})(2)


# Power iterations at construction, as torch's spectral_norm does: one per step
# from a random start leaves the first steps' estimate far below the largest
# singular value (the filter then scales its input up several-fold), and a copy
# evaluated before any step would divide by a random, possibly negative number.
WARM_UP_ITERATIONS = 15


class _SpectrallyNormalised:
    """Divides the *expanded* steerable filter by its largest singular value.

    Dividing by a positive scalar commutes with the group action, so the layer
    stays exactly equivariant whatever the estimate. The estimate is torch's
    ``spectral_norm`` (Miyato et al.): one power iteration per filter expansion
    in training (once per step inside ``filters_expanded_once``), after
    ``WARM_UP_ITERATIONS`` at construction, on the filter flattened to
    (out, in * k^d). The start vectors are random: W W^T commutes with the
    output fields' representation, so a group-invariant start (e.g. all ones)
    would stay in one isotypic block and miss the largest value.
    Normalising escnn's basis coefficients instead would not bound the filter.
    """

    _iterate = True  # False while escnn expands the filter to cache it for eval mode
    _transposed = False  # a transposed filter is (in, out, k...): read as (out, in * k^d)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        rows = self.out_type.size
        columns = self.in_type.size * self.kernel_size**self.d
        self.register_buffer("spectral_u", F.normalize(torch.randn(rows), dim=0))
        self.register_buffer("spectral_v", F.normalize(torch.randn(columns), dim=0))
        with torch.no_grad():  # as torch's spectral_norm: start from a converged estimate
            matrix = self._matrix(super().expand_parameters()[0])
            for _ in range(WARM_UP_ITERATIONS):
                self._iterate_power(matrix)

    def _matrix(self, weight: Tensor) -> Tensor:
        return (weight.transpose(0, 1) if self._transposed else weight).flatten(1)

    def _iterate_power(self, matrix: Tensor) -> None:
        self.spectral_v.copy_(F.normalize(matrix.T @ self.spectral_u, dim=0))
        self.spectral_u.copy_(F.normalize(matrix @ self.spectral_v, dim=0))

    def expand_parameters(self) -> tuple[Tensor, Tensor | None]:
        weight, bias = super().expand_parameters()
        matrix = self._matrix(weight)
        if self.training and self._iterate:
            with torch.no_grad():
                self._iterate_power(matrix)
        sigma = self.spectral_u.clone() @ (matrix @ self.spectral_v.clone())
        return weight / sigma, bias

    def train(self, mode: bool = True):
        self._iterate = False
        try:
            return super().train(mode)
        finally:
            self._iterate = True


class SpectralR2Conv(_SpectrallyNormalised, enn.R2Conv):
    """``R2Conv`` with a spectrally normalised expanded filter."""


class SpectralR3Conv(_SpectrallyNormalised, enn.R3Conv):
    """``R3Conv`` with a spectrally normalised expanded filter."""


class SpectralR2ConvTransposed(_SpectrallyNormalised, enn.R2ConvTransposed):
    """``R2ConvTransposed`` with a spectrally normalised expanded filter."""

    _transposed = True


class SpectralR3ConvTransposed(_SpectrallyNormalised, enn.R3ConvTransposed):
    """``R3ConvTransposed`` with a spectrally normalised expanded filter."""

    _transposed = True


def spectral_equivariant_conv_transposed(
    in_type: enn.FieldType, out_type: enn.FieldType, kernel_size: int
) -> enn.EquivariantModule:
    """``equivariant_conv_transposed`` whose expanded filter has (estimated) spectral norm 1."""
    dims = in_type.gspace.dimensionality
    conv = _pick(dims, {2: SpectralR2ConvTransposed, 3: SpectralR3ConvTransposed})
    return conv(in_type, out_type, kernel_size=kernel_size, recompute=True)


def spectral_equivariant_conv(
    in_type: enn.FieldType, out_type: enn.FieldType, kernel_size: int, padding: int = 0
) -> enn.EquivariantModule:
    """``equivariant_conv`` whose expanded filter has (estimated) spectral norm 1."""
    conv = _pick(in_type.gspace.dimensionality, {2: SpectralR2Conv, 3: SpectralR3Conv})
    return conv(in_type, out_type, kernel_size=kernel_size, padding=padding, recompute=True)


def plain_image_head(dims: int, width: int, channels: int) -> list[nn.Module]:
    """A plain generator's last layers: batch norm, ReLU, 3x3 conv to the image channels."""
    return [batch_norm(dims, width), nn.ReLU(), conv(dims, width, channels, 3, padding=1)]
