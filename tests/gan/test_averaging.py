"""The EMA generator: averaged weights, copied BN statistics, fresh filters when sampling."""

from __future__ import annotations

import pytest
import torch

from ginv_lightning.escnn_support.eval_mode import evaluating
from ginv_lightning.gan.averaging import RUNNING_STATISTICS, generator_ema, update_ema
from ginv_lightning.nn import EquivariantGenerator, ImageShape
from ginv_lightning.symmetry import resolve_group


@pytest.mark.parametrize("group", ["C4", "SO2"])  # escnn's InnerBatchNorm, its IIDBatchNorm
def test_ema_averages_weights_and_copies_running_statistics(group):
    torch.manual_seed(0)
    generator = EquivariantGenerator(resolve_group(group), ImageShape(1, 16), [4, 2, 2], 2)
    generator.train()
    ema = generator_ema(generator, decay=0.9)
    before = {k: v.clone() for k, v in ema.module.named_parameters()}
    with torch.no_grad():
        for p in generator.parameters():
            p.add_(1.0)
        generator(generator.sample_latent(16))  # moves the batch-norm statistics
    update_ema(ema, generator)  # the first update copies, the second averages
    with torch.no_grad():
        for p in generator.parameters():
            p.add_(1.0)
    update_ema(ema, generator)
    for name, value in ema.module.named_parameters():
        expected = 0.9 * (before[name] + 1.0) + 0.1 * (before[name] + 2.0)
        assert torch.allclose(value, expected, atol=1e-6), name
    statistics = {k: v for k, v in generator.named_buffers() if k.endswith(RUNNING_STATISTICS)}
    assert statistics and all(not torch.equal(v, torch.zeros_like(v)) for v in statistics.values())
    for name, value in statistics.items():
        assert torch.equal(dict(ema.module.named_buffers())[name], value)


def test_sampling_uses_the_current_averaged_weights_not_stale_filters():
    torch.manual_seed(0)
    generator = EquivariantGenerator(resolve_group("C4"), ImageShape(1, 16), [4, 2, 2], 2)
    ema = generator_ema(generator.train(), decay=0.5)
    z = generator.sample_latent(4)
    with evaluating(ema.module) as sampler:
        first = sampler(z)
    with torch.no_grad():
        for p in generator.parameters():
            p.mul_(2.0)
    update_ema(ema, generator)
    update_ema(ema, generator)
    with evaluating(ema.module) as sampler:
        second = sampler(z)
    assert not torch.allclose(first, second)
    assert ema.module.training  # back to train mode, escnn's cached filters dropped
    assert not [n for n, _ in ema.module.named_buffers() if n.endswith(".filter")]


def test_update_matches_torch_averaged_model_exactly():
    """The update walks modules its own way; the weights are torch's to the bit."""
    torch.manual_seed(0)
    generator = EquivariantGenerator(resolve_group("C4"), ImageShape(1, 16), [4, 2, 2], 2)
    ours, reference = generator_ema(generator, 0.9), generator_ema(generator, 0.9)
    for _ in range(4):
        with torch.no_grad():
            for p in generator.parameters():
                p.add_(torch.randn_like(p))
        update_ema(ours, generator)
        reference.update_parameters(generator)
    assert ours.n_averaged == reference.n_averaged == 4
    for mine, theirs in zip(ours.module.parameters(), reference.module.parameters(), strict=True):
        assert torch.equal(mine, theirs)
