"""Reading an offline W&B run file (``run-*.wandb``) back, for tests.

wandb no longer ships a Python reader. The file is a LevelDB-style log: a
7-byte header (``:W&B``, magic 0xBEE1, version 0), then 32 KiB blocks of
chunks, each with a 7-byte header (CRC-32C, little-endian length, type:
1 full, 2 first, 3 middle, 4 last); chunks never straddle blocks. The payload
is a serialized ``wandb_internal_pb2.Record``.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wandb.proto import wandb_internal_pb2

BLOCK = 32768
CHUNK_HEADER = 7
FULL, FIRST, MIDDLE, LAST = 1, 2, 3, 4


def records(path: Path) -> Iterator[wandb_internal_pb2.Record]:
    data = path.read_bytes()
    ident, magic, version = struct.unpack("<4sHB", data[:7])
    assert (ident, magic, version) == (b":W&B", 0xBEE1, 0), "not a W&B run file"
    offset, pending = 7, b""
    while offset + CHUNK_HEADER <= len(data):
        room = BLOCK - offset % BLOCK
        if room < CHUNK_HEADER:  # block tail padding
            offset += room
            continue
        _, length, kind = struct.unpack("<IHB", data[offset : offset + CHUNK_HEADER])
        payload = data[offset + CHUNK_HEADER : offset + CHUNK_HEADER + length]
        offset += CHUNK_HEADER + length
        if kind == 0 and length == 0:
            continue
        pending = payload if kind in (FULL, FIRST) else pending + payload
        if kind in (FULL, LAST):
            record = wandb_internal_pb2.Record()
            record.ParseFromString(pending)
            yield record


def history(path: Path) -> list[dict[str, Any]]:
    """Every logged row as a dict of key -> value."""
    rows = []
    for record in records(path):
        if record.WhichOneof("record_type") == "history":
            rows.append(
                {
                    "/".join(i.nested_key) or i.key: json.loads(i.value_json)
                    for i in record.history.item
                }
            )
    return rows


def config(path: Path) -> dict[str, Any]:
    """The run's config as logged (hyperparameters)."""
    values: dict[str, Any] = {}
    for record in records(path):
        if record.WhichOneof("record_type") == "config":
            for item in record.config.update:
                values["/".join(item.nested_key) or item.key] = json.loads(item.value_json)
    return values


def run_id(path: Path) -> str:
    for record in records(path):
        if record.WhichOneof("record_type") == "run":
            return record.run.run_id
    raise AssertionError(f"{path} holds no run record")
