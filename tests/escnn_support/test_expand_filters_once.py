"""Expanding filters once per step changes no result (outputs and gradients within 1e-6)."""

from __future__ import annotations

import copy
from contextlib import nullcontext

import torch

from ginv_lightning.escnn_support.expand_filters_once import filters_expanded_once
from ginv_lightning.gan.losses import RelativisticAverage
from ginv_lightning.gan.penalties import R1, GradientPenalty
from ginv_lightning.nn import ImageShape, InvariantDiscriminator
from ginv_lightning.nn.equivariant_mlp import InvariantMLPDiscriminator
from ginv_lightning.shapes import VectorShape
from ginv_lightning.symmetry import resolve_group

IMAGE = ImageShape(1, 16)


def discriminator_step(discriminator, real, fake, once: bool) -> tuple[torch.Tensor, list]:
    discriminator.zero_grad()
    context = filters_expanded_once(discriminator) if once else nullcontext()
    with context:
        scores = discriminator(torch.cat([real, fake]))
        loss = RelativisticAverage().discriminator(scores[:8], scores[8:])
        loss = loss + R1(0.1)(discriminator, real, fake)
        loss = loss + GradientPenalty(10.0)(discriminator, real, fake)
    loss.backward()
    return loss.detach(), [p.grad.clone() for p in discriminator.parameters()]


def assert_step_unchanged_by_expanding_once(discriminator, real, fake) -> torch.nn.Module:
    """Run one penalised step plainly and one on a twin expanding once; return the twin."""
    twin = copy.deepcopy(discriminator)
    torch.manual_seed(1)  # the gradient penalty draws interpolation weights
    plain_loss, plain_grads = discriminator_step(discriminator, real, fake, once=False)
    torch.manual_seed(1)
    once_loss, once_grads = discriminator_step(twin, real, fake, once=True)
    assert torch.allclose(plain_loss, once_loss, atol=1e-6, rtol=0)
    for a, b in zip(plain_grads, once_grads, strict=True):
        assert torch.allclose(a, b, atol=1e-6, rtol=1e-6)
    return twin


def test_discriminator_step_is_unchanged_by_expanding_once():
    torch.manual_seed(0)
    discriminator = InvariantDiscriminator(resolve_group("D4"), IMAGE, widths=[2, 3, 4])
    real, fake = torch.randn(8, 1, 16, 16), torch.randn(8, 1, 16, 16)
    assert_step_unchanged_by_expanding_once(discriminator, real, fake)


def test_mlp_discriminator_step_is_unchanged_by_expanding_once():
    torch.manual_seed(0)
    discriminator = InvariantMLPDiscriminator(resolve_group("C4"), VectorShape(2), widths=[3, 4])
    real, fake = torch.randn(8, 2), torch.randn(8, 2)
    twin = assert_step_unchanged_by_expanding_once(discriminator, real, fake)
    assert "expand_parameters" not in vars(twin.net[0])  # restored after the block


def test_frozen_discriminator_passes_the_same_gradient_to_its_input():
    torch.manual_seed(0)
    discriminator = InvariantDiscriminator(resolve_group("C4"), IMAGE, widths=[2, 3, 4])
    discriminator.requires_grad_(False)
    fake = torch.randn(8, 1, 16, 16, requires_grad=True)
    (plain,) = torch.autograd.grad(discriminator(fake).sum(), fake)
    with filters_expanded_once(discriminator):
        (once,) = torch.autograd.grad(discriminator(fake).sum(), fake)
    assert torch.allclose(plain, once, atol=1e-6)


def test_the_convolutions_expand_normally_after_the_block():
    discriminator = InvariantDiscriminator(resolve_group("C4"), IMAGE, widths=[2, 3, 4])
    with filters_expanded_once(discriminator):
        pass
    conv = discriminator.net[0]
    assert "expand_parameters" not in vars(conv)
    with torch.no_grad():
        conv.weights.add_(1.0)  # a weight change must show in the next expansion
    with filters_expanded_once(discriminator):
        cached, _ = conv.expand_parameters()
    fresh, _ = conv.expand_parameters()
    assert torch.equal(cached, fresh)
