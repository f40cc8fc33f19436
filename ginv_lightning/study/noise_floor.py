"""The noise floor of a study's W1: the distance between independent target samples."""

from __future__ import annotations

import json

from ginv_lightning.persistence.atomic_files import write_atomic
from ginv_lightning.study.config_file import StudyConfig


def noise_floor(config: StudyConfig) -> tuple[float, float]:
    """W1 between independent target samples of the evaluation size (cached in the output)."""
    target = config.target
    from ginv_lightning.data.points import HELDOUT_STREAM
    from ginv_lightning.metrics.wasserstein import noise_floor as measure

    path = config.out / "floor.json"
    fingerprint = config.fingerprint() + f"-{config.evaluation.floor_repeats}"
    if path.exists():
        cached = json.loads(path.read_text())
        if cached.get("fingerprint") == fingerprint:
            return cached["mean"], cached["std"]
    size = config.evaluation.samples
    # streams beyond every held-out seed in use: 2 * HELDOUT_STREAM + i
    mean, std = measure(
        lambda i: target.embed(target.sample_nested(size, 2 * HELDOUT_STREAM + i)),
        config.evaluation.floor_repeats,
    )
    payload = {"mean": mean, "std": std, "samples": size, "fingerprint": fingerprint}
    write_atomic(path, json.dumps(payload, indent=1))
    return mean, std
