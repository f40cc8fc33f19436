"""Per-class metrics in two processes (gloo) agree with one process, whatever each holds.

Each process adds a contiguous share of the reference images and generates a
contiguous share of the noise bank's batches. With the references sorted by class,
one process holds some classes and the other the rest; every process must still
make the same collective calls, or the first one to gather waits for a partner that
never comes, or (gloo) receives another call's data.
"""

from __future__ import annotations

import socket
import traceback

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from ginv_lightning.data import RotDigits
from ginv_lightning.metrics.config import MetricsConfig
from ginv_lightning.metrics.features import build_features
from ginv_lightning.metrics.quality import SampleQuality
from ginv_lightning.symmetry import resolve_group
from tests.metrics.test_per_class_known_answers import ClassBank

TIMEOUT_S = 120


def _per_class(shard: tuple[int, int]) -> dict[str, float]:
    data = RotDigits(labels=True)
    val, val_labels = data.images("val"), data.class_labels("val")
    order = torch.argsort(val_labels, stable=True)  # sorted by class: shares hold other classes
    config = MetricsConfig(num_samples=200, batch_size=50, kid_subset_size=20, cache_dir="")
    network, name = build_features("digits", val[:4])
    quality = SampleQuality(config, network, name)
    cpu = torch.device("cpu")
    quality.add_reference(val[order], shard, cpu, labels=val_labels[order], classes=10)
    test, test_labels = data.images("test"), data.class_labels("test")
    quality.add_generated(ClassBank(test, test_labels, shift=0), resolve_group("C4"), shard, cpu,
                          label_bank=torch.arange(config.num_samples) % 10)  # fmt: skip
    results = quality.compute()
    return {k: float(results[k]) for k in ("fid_intra", "label_accuracy")}


def _rank(rank: int, port: int, results: dict) -> None:
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                            world_size=2)  # fmt: skip
    try:
        results[rank] = _per_class((rank, 2))
    except Exception:
        results[rank] = traceback.format_exc()
        raise
    finally:
        dist.destroy_process_group()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_two_processes_holding_different_classes_give_the_one_process_values():
    with mp.get_context("spawn").Manager() as manager:
        results = manager.dict()
        context = mp.spawn(_rank, args=(_free_port(), results), nprocs=2, join=False)
        for process in context.processes:
            process.join(TIMEOUT_S)
        codes = [p.exitcode for p in context.processes]  # None: still waiting
        for process in context.processes:
            process.kill()
        assert codes == [0, 0], f"exit codes {codes} (None: waiting): {dict(results)}"
        two = dict(results)
    one = _per_class((0, 1))
    assert two[0] == two[1]
    assert two[0] == pytest.approx(one, rel=1e-5)
