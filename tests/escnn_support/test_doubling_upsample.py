"""Nearest doubling as strided copies gives torch's ``F.interpolate`` bit for bit, backward too."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from escnn import nn as enn

from ginv_lightning.escnn_support.doubling_upsample import (
    DoublingR2Upsampling,
    DoublingUpsample,
    upsample_nearest,
)
from ginv_lightning.nn import EquivariantGenerator, ImageShape
from ginv_lightning.nn.cnn import CNNGenerator
from ginv_lightning.nn.residual import ResidualEquivariantGenerator
from ginv_lightning.symmetry import resolve_group
from tests.escnn_support.test_halving_pool import LAYOUTS, through_second_order

DOUBLINGS = (enn.R2Upsampling, torch.nn.Upsample)


def torchs(x: torch.Tensor) -> torch.Tensor:
    return F.interpolate(x, scale_factor=2, mode="nearest")


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("size", [(6, 6), (5, 7)])
def test_forward_backward_and_double_backward_are_torchs_bits(layout, dtype, size):
    x = torch.randn(4, 9, *size, dtype=dtype).contiguous(memory_format=layout)
    ours = through_second_order(upsample_nearest, x)
    reference = through_second_order(torchs, x)
    for mine, theirs in zip(ours, reference, strict=True):
        assert torch.equal(mine, theirs)
    assert ours[0].is_contiguous(memory_format=layout)


def test_the_strided_copies_run_where_they_apply_and_torch_elsewhere():
    x = torch.randn(2, 3, 4, 4, requires_grad=True)
    assert upsample_nearest(x).grad_fn.name().endswith("BlockRepeatBackward")
    for other in (dict(scale_factor=3), dict(scale_factor=None, size=(8, 6))):
        out = upsample_nearest(x, **other)
        assert "UpsampleNearest2D" in out.grad_fn.name()
        assert torch.equal(out, F.interpolate(x, mode="nearest", **other))
    half = x.detach().bfloat16().requires_grad_(True)
    assert "UpsampleNearest2D" in upsample_nearest(half).grad_fn.name()
    bilinear = DoublingUpsample(scale_factor=2, mode="bilinear")
    assert torch.equal(bilinear(x), F.interpolate(x, scale_factor=2, mode="bilinear"))


@pytest.mark.parametrize(
    "builder, args",
    [(EquivariantGenerator, dict(widths=(3, 2, 2), latent_fields=2)),
     (ResidualEquivariantGenerator, dict(widths=(3, 2, 2), latent_fields=2)),
     (CNNGenerator, dict(widths=(8, 6, 4), latent_dim=4))],
)  # fmt: skip
def test_the_generators_double_through_it_with_unchanged_results(builder, args):
    """Every doubling of the generators is the fast one; swapped back to torch's, no bit moves."""
    torch.manual_seed(0)
    generator = builder(resolve_group("C4"), ImageShape(1, 16), **args)
    doublings = [m for m in generator.modules() if isinstance(m, DOUBLINGS)]
    assert doublings
    assert all(isinstance(m, (DoublingR2Upsampling, DoublingUpsample)) for m in doublings)
    z = generator.sample_latent(5, generator=torch.Generator().manual_seed(1))
    fast = _output_and_gradients(generator, z)
    for doubling in doublings:
        doubling.forward = lambda t, doubling=doubling: _torchs_doubling(doubling, t)
    slow = _output_and_gradients(generator, z)
    for mine, theirs in zip(fast, slow, strict=True):
        assert torch.equal(mine, theirs)


def test_export_keeps_the_fast_doubling():
    gspace = resolve_group("C4").gspace
    field_type = enn.FieldType(gspace, [gspace.regular_repr])
    layer = DoublingR2Upsampling(field_type, scale_factor=2, mode="nearest")
    exported = layer.export()
    assert isinstance(exported, DoublingUpsample)
    x = torch.randn(2, 4, 5, 5)
    assert torch.equal(exported(x), torchs(x))


def _output_and_gradients(generator: torch.nn.Module, z: torch.Tensor) -> list[torch.Tensor]:
    generator.zero_grad(set_to_none=True)
    out = generator(z)
    (out * torch.linspace(-1, 1, out.numel()).view_as(out)).sum().backward()
    return [out.detach()] + [p.grad.clone() for p in generator.parameters() if p.grad is not None]


def _torchs_doubling(layer, x):
    if isinstance(layer, enn.EquivariantModule):
        return enn.GeometricTensor(torchs(x.tensor), layer.out_type)
    return torchs(x)
