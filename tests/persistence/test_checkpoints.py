"""A checkpoint write that fails half-way leaves the previous checkpoint intact."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pytest
import torch

from ginv_lightning.errors import DataError
from ginv_lightning.persistence.atomic_files import remove_orphans
from ginv_lightning.persistence.checkpoints import AtomicCheckpointIO, load_checkpoint


class ExplodesWhenSaved:
    def __reduce__(self):
        raise RuntimeError("disk full (simulated mid-write failure)")


def test_failed_save_keeps_the_old_checkpoint_and_leaves_no_temporary(tmp_path):
    io = AtomicCheckpointIO()
    path = tmp_path / "last.ckpt"
    io.save_checkpoint({"global_step": 1, "weights": torch.ones(1000)}, path)
    with pytest.raises((RuntimeError, pickle.PicklingError)):
        io.save_checkpoint({"weights": torch.zeros(1000), "bad": ExplodesWhenSaved()}, path)
    assert io.load_checkpoint(path)["global_step"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["last.ckpt"]


def test_loading_refuses_pickled_code(tmp_path):
    path = tmp_path / "evil.ckpt"
    torch.save({"callable": print}, path)
    with pytest.raises(DataError, match="cannot read checkpoint"):
        load_checkpoint(path)


def test_only_temporaries_of_dead_writers_are_removed(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = tmp_path / f".last.ckpt.{dead.pid}.tmp"
    live = tmp_path / f".last.ckpt.{os.getpid()}.tmp"
    for temporary in (orphan, live):
        temporary.write_bytes(b"half")
    assert remove_orphans(tmp_path) == [orphan]
    assert live.exists() and not orphan.exists()
