"""The strided-add 2x2 average pooling gives torch's ``avg_pool2d`` bit for bit, through R1 too."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from escnn import nn as enn

from ginv_lightning.escnn_support.halving_pool import (
    HalvingAvgPool2d,
    HalvingPointwiseAvgPool2D,
    average_pool,
)
from ginv_lightning.nn import ImageShape, InvariantDiscriminator
from ginv_lightning.nn.cnn import CNNDiscriminator
from ginv_lightning.symmetry import resolve_group

LAYOUTS = [torch.contiguous_format, torch.channels_last]


def through_second_order(pool, x: torch.Tensor, seed: int = 0):
    """Output, input gradient and the gradient of that gradient's norm (R1's double backward)."""
    x = x.detach().clone().requires_grad_(True)
    weights = torch.randn(pool(x.detach()).shape, generator=torch.Generator().manual_seed(seed))
    out = pool(x)
    (grad,) = torch.autograd.grad((out * weights).sum(), x, create_graph=True)
    (second,) = torch.autograd.grad((grad.square() * x).sum(), x)
    return out.detach(), grad.detach(), second


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_forward_backward_and_double_backward_are_torchs_bits(layout, dtype):
    x = torch.randn(5, 7, 12, 10, dtype=dtype).contiguous(memory_format=layout)
    ours = through_second_order(average_pool, x)
    torchs = through_second_order(lambda t: F.avg_pool2d(t, 2, 2), x)
    for mine, reference in zip(ours, torchs, strict=True):
        assert torch.equal(mine, reference)
    assert ours[0].is_contiguous(memory_format=layout)


def test_the_strided_adds_run_where_they_apply_and_torch_elsewhere():
    even = torch.randn(2, 3, 8, 8, requires_grad=True)
    (summed, _), *_ = average_pool(even).grad_fn.next_functions  # the division by 4's input
    assert summed.name().endswith("BlockSumBackward")
    odd = torch.randn(2, 3, 9, 8, requires_grad=True)
    assert "AvgPool2D" in average_pool(odd).grad_fn.name()
    assert torch.equal(average_pool(odd), F.avg_pool2d(odd, 2, 2))
    wider = average_pool(even, kernel_size=3, stride=1, padding=1)
    assert torch.equal(wider, F.avg_pool2d(even, 3, 1, 1))
    half = even.detach().bfloat16().requires_grad_(True)
    assert "AvgPool2D" in average_pool(half).grad_fn.name()


def test_the_networks_pool_through_it_with_unchanged_results():
    """Both discriminators' pools are the fast ones, and a swap back to torch's changes no bit."""
    group = resolve_group("C4")
    image = ImageShape(1, 16)
    invariant = InvariantDiscriminator(group, image, widths=(2, 3, 4))
    plain = CNNDiscriminator(group, image, widths=(4, 6, 8))
    pools = [m for m in invariant.modules() if isinstance(m, enn.PointwiseAvgPool2D)]
    pools += [m for m in plain.modules() if isinstance(m, torch.nn.AvgPool2d)]
    assert len(pools) == 4
    assert all(isinstance(p, (HalvingPointwiseAvgPool2D, HalvingAvgPool2d)) for p in pools)
    x = torch.randn(6, 1, 16, 16)
    fast = [through_second_order(network, x) for network in (invariant, plain)]
    for pool in pools:
        pool.forward = lambda t, pool=pool: _torchs(pool, t)
    slow = [through_second_order(network, x) for network in (invariant, plain)]
    for ours, torchs in zip(fast, slow, strict=True):
        for mine, reference in zip(ours, torchs, strict=True):
            assert torch.equal(mine, reference)


def _torchs(pool, x):
    if isinstance(pool, enn.EquivariantModule):
        return enn.GeometricTensor(F.avg_pool2d(x.tensor, 2, 2), pool.out_type)
    return F.avg_pool2d(x, 2, 2)
