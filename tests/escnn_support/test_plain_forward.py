"""The fast path computes what escnn's layers compute: outputs, gradients and batch-norm state.

Each network runs the same inputs once through escnn's own modules and once
through ``plain_forward`` (channels-last, plain torch), from the same weights;
the float32 results agree within 1e-5 of their scale. Breaking the plain batch
norm once on purpose (normalising per channel over batch and grid, not over each
field's |G| channels) failed the four generators with regular fields (the SO2
one uses escnn's IID batch norm, which has no plain form here).
"""

from __future__ import annotations

import copy
from functools import partial

import pytest
import torch

from ginv_lightning.escnn_support.expand_filters_once import filters_expanded_once
from ginv_lightning.escnn_support.plain_forward import use_fast_path
from ginv_lightning.gan.module import GAN
from ginv_lightning.gan.penalties import R1
from ginv_lightning.nn import EquivariantGenerator, ImageShape, InvariantDiscriminator
from ginv_lightning.nn.residual import ResidualEquivariantGenerator, ResidualInvariantDiscriminator
from ginv_lightning.symmetry import resolve_group

TOLERANCE = 1e-5


def _close(a: torch.Tensor, b: torch.Tensor) -> None:
    scale = a.abs().max().clamp_min(1e-12)
    assert (a - b).abs().max() <= TOLERANCE * scale, float((a - b).abs().max() / scale)


def _run_both(network: torch.nn.Module, run) -> None:
    """``run(network)`` on the escnn path and on a twin on the fast path; compare everything."""
    twin = copy.deepcopy(network)
    use_fast_path(network, False)
    use_fast_path(twin, True)
    results = []
    for model in (network, twin):
        model.zero_grad()
        out = run(model)
        weights = torch.linspace(-1, 1, out.numel()).view_as(out)
        (out * weights).sum().backward()
        grads = [p.grad.clone() for p in model.parameters()]
        results.append((out.detach(), grads, [b.clone() for b in model.buffers()]))
    (out_a, grads_a, buffers_a), (out_b, grads_b, buffers_b) = results
    _close(out_a, out_b)
    scale = max(g.abs().max() for g in grads_a)  # a bias before batch norm has ~0 gradient
    for a, b in zip(grads_a, grads_b, strict=True):
        assert (a - b).abs().max() <= TOLERANCE * scale
    for a, b in zip(buffers_a, buffers_b, strict=True):  # running statistics, spectral vectors
        _close(a.double(), b.double())


GENERATORS = [
    ("C4", ImageShape(1, 16), EquivariantGenerator, {"widths": [4, 3, 2], "latent_fields": 3}),
    ("D4", ImageShape(3, 16), EquivariantGenerator, {"widths": [4, 3, 2], "latent_fields": 3}),
    (
        "C4",
        ImageShape(1, 16, classes=3),
        EquivariantGenerator,
        {"widths": [4, 3], "latent_fields": 2},
    ),
    ("SO2", ImageShape(1, 16), EquivariantGenerator, {"widths": [3, 2], "latent_fields": 2}),
    ("D4", ImageShape(3, 16), ResidualEquivariantGenerator, {"widths": [4, 3], "latent_fields": 2}),
]


@pytest.mark.parametrize(("group", "shape", "builder", "args"), GENERATORS)
def test_generator_fast_path_matches_escnn(group, shape, builder, args):
    torch.manual_seed(0)
    generator = builder(resolve_group(group), shape, **args).train()
    z = generator.sample_latent(8)
    labels = (torch.arange(8) % shape.classes,) if shape.classes else ()
    _run_both(generator, lambda g: g(z, *labels))


SPECTRAL_RESIDUAL = {"widths": [2, 3], "spectral_norm": True}
DISCRIMINATORS = [
    ("C4", ImageShape(1, 16), InvariantDiscriminator, {"widths": [2, 3, 4]}),
    ("D4", ImageShape(3, 16), InvariantDiscriminator, {"widths": [2, 3]}),
    ("SO2", ImageShape(1, 16), InvariantDiscriminator, {"widths": [2, 3]}),
    (
        "D4",
        ImageShape(3, 16),
        ResidualInvariantDiscriminator,
        {"widths": [2, 3], "spectral_norm": True},
    ),
]


@pytest.mark.parametrize(("group", "shape", "builder", "args"), DISCRIMINATORS)
def test_discriminator_fast_path_matches_escnn_with_r1(group, shape, builder, args):
    """The penalised step of training: one expansion per step, R1's double backward."""
    torch.manual_seed(0)
    discriminator = builder(resolve_group(group), shape, **args).train()
    real = torch.randn(8, shape.channels, shape.size, shape.size)

    def penalised(d):
        x = real.clone().requires_grad_(True)
        with filters_expanded_once(d):
            scores = d(x)
            penalty = R1(1.0)(d, x, x, scores)
        return scores + penalty

    _run_both(discriminator, penalised)


def test_fast_path_is_switched_on_by_the_gan_option():
    builders = (
        partial(EquivariantGenerator, widths=[2, 2], latent_fields=2),
        partial(InvariantDiscriminator, widths=[2, 3]),
    )
    off = GAN(*builders, ImageShape(1, 16), group="C4")
    on = GAN(*builders, ImageShape(1, 16), group="C4", fast_path=True)
    networks = ("generator", "discriminator", "sampler")
    assert not any(getattr(off, name).fast_path for name in networks)
    assert all(getattr(on, name).fast_path for name in networks)
