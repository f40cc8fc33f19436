"""Seeded evaluation leaves training's random streams as they were, on the CPU and a GPU."""

from __future__ import annotations

import pytest
import torch

from ginv_lightning.metrics.forked_rng import forked_rng


def _seeded_inside(device: torch.device) -> None:
    with forked_rng(device):
        torch.manual_seed(123)  # what the metrics do per batch; also reseeds CUDA's generators
        torch.rand(3, device=device)


def test_the_cpu_stream_continues_as_if_nothing_ran():
    torch.manual_seed(0)
    expected = torch.rand(4)
    torch.manual_seed(0)
    _seeded_inside(torch.device("cpu"))
    assert torch.equal(torch.rand(4), expected)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_the_gpu_stream_continues_as_if_nothing_ran():
    cuda = torch.device("cuda")
    torch.manual_seed(0)
    expected = torch.rand(4, device=cuda), torch.rand(4)
    torch.manual_seed(0)
    _seeded_inside(cuda)
    assert torch.equal(torch.rand(4, device=cuda), expected[0])
    assert torch.equal(torch.rand(4), expected[1])
