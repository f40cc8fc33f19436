"""Where one training step's time goes, from ``torch.profiler``: ``ginv bench --profile``.

A few training batches of a config run under the profiler, with named ranges
around escnn's filter expansion, the EMA update and the optimiser steps. Every
profiled operation's own (self) time goes to the first named range above it,
else to a kind of operation (convolutions, field-wise ops, memory); what the
batch took beyond the training step is Lightning's. The penalty's share (R1's
input gradients and their double backward, spread over the kinds of operation)
is measured by difference: the same batches without a penalty.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import torch
from lightning.pytorch import Callback
from torch.autograd.profiler import record_function
from torch.profiler import ProfilerActivity, profile
from typing_extensions import override

import ginv_lightning.gan.module as gan_module
from ginv_lightning.benchmark.cases import Case, build
from ginv_lightning.escnn_support.expand_filters_once import EXPANDING
from ginv_lightning.quiet_trainer import quiet_trainer

RANGES = {"ginv: filter expansion": "filter expansion (escnn basis x weights)",
          "ginv: EMA": "EMA update", "ginv: optimiser": "optimiser steps (Adam)"}  # fmt: skip
KINDS = (
    ("convolutions (forward, backward, double backward)", ("conv",)),
    ("nonlinearities, norms, pooling, upsampling", ("relu", "batch_norm", "pool", "upsample",
     "tanh", "amax", "threshold", "elu", "norm")),
    ("memory (zeroing, copies, layout changes)", ("fill_", "copy_", "zero", "clone", "cat",
     "contiguous", "empty")),
)  # fmt: skip
OTHER = "other tensor ops (losses, penalties' sums, views)"


@contextmanager
def _named(owner: Any, attribute: str, label: str) -> Iterator[None]:
    original = getattr(owner, attribute)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with record_function(label):
            return original(*args, **kwargs)

    setattr(owner, attribute, wrapped)
    try:
        yield
    finally:
        setattr(owner, attribute, original)


class _Profiled(Callback):
    """Profiles batches ``warmup`` to ``warmup + batches`` and times each batch."""

    def __init__(self, warmup: int, batches: int) -> None:
        self.warmup, self.batches = warmup, batches
        self.seen = 0
        self.wall: list[float] = []
        self.profiler = profile(activities=[ProfilerActivity.CPU])

    @override
    def on_train_batch_start(self, *_: Any) -> None:
        if self.seen == self.warmup:
            self.profiler.__enter__()
        self._start = time.perf_counter()

    @override
    def on_train_batch_end(self, *_: Any) -> None:
        if self.seen >= self.warmup:
            self.wall.append(time.perf_counter() - self._start)
        self.seen += 1
        if self.seen == self.warmup + self.batches:
            self.profiler.__exit__(None, None, None)


def _profile(case: Case, batches: int, warmup: int) -> tuple[float, dict[str, float]]:
    """Mean wall seconds per batch and each category's milliseconds per batch."""
    experiment = build(case)
    model = experiment.model
    callback = _Profiled(warmup, batches)
    with ExitStack() as stack:
        for kind in EXPANDING:
            stack.enter_context(_named(kind, "expand_parameters", "ginv: filter expansion"))
        stack.enter_context(_named(model, "training_step", "ginv: training step"))
        stack.enter_context(_named(gan_module, "update_ema", "ginv: EMA"))
        stack.enter_context(_named(torch.optim.Adam, "step", "ginv: optimiser"))
        trainer = quiet_trainer(round((warmup + batches) * (1 + 1 / model.n_critic)), [callback])
        trainer.fit(model, datamodule=experiment.data)
    return statistics.mean(callback.wall), _categories(callback.profiler, batches)


def _categories(profiler: profile, batches: int) -> dict[str, float]:
    totals: dict[str, float] = {}
    in_step = 0.0
    for event in profiler.events():
        names = _ancestors(event)
        if "ginv: training step" not in names:
            continue
        milliseconds = event.self_cpu_time_total / 1000 / batches
        in_step += milliseconds
        label = next((RANGES[n] for n in names if n in RANGES), None) or _kind(event.name)
        totals[label] = totals.get(label, 0.0) + milliseconds
    totals["training step, all of it"] = in_step
    return totals


def _ancestors(event: Any) -> list[str]:
    names = []
    while event is not None:
        names.append(event.name)
        event = event.cpu_parent
    return names


def _kind(name: str) -> str:
    for label, fragments in KINDS:
        if any(fragment in name for fragment in fragments):
            return label
    return OTHER


def profile_table(
    case: Case, batches: int = 6, warmup: int = 4, progress: Callable[[str], None] = print
) -> str:
    """The table of ``docs/benchmarks.md``: milliseconds per batch and shares, for ``case``."""
    progress(f"profiling {batches} batches: {case.name}")
    wall, parts = _profile(case, batches, warmup)
    step = parts.pop("training step, all of it")
    has_penalty = case.config["model"].get("penalty") is not None
    rows = [(label, ms) for label, ms in sorted(parts.items(), key=lambda kv: -kv[1])]
    lines = [f"### {case.name}", "", "| where | ms per batch | share |", "|---|---|---|"]
    lines += [f"| {label} | {ms:.1f} | {100 * ms / (1000 * wall):.0f}% |" for label, ms in rows]
    lightning = 1000 * wall - step
    lines.append(f"| Lightning (loop, logging, hooks) | {lightning:.1f} | "
                 f"{100 * lightning / (1000 * wall):.0f}% |")  # fmt: skip
    lines.append(f"| **one batch (D step with penalty + G step), mean wall** | "
                 f"**{1000 * wall:.1f}** | 100% |")  # fmt: skip
    if has_penalty:
        progress(f"the same without the penalty: {case.name}")
        unpenalised = {**case.config, "model": {**case.config["model"], "penalty": None}}
        bare_wall, _ = _profile(Case(case.name, unpenalised), batches, warmup)
        share = 1000 * (wall - bare_wall)
        lines += ["", f"Of this, the penalty (its input gradients with `create_graph` and their "
                  f"double backward, spread over the rows above) costs {share:.0f} ms per batch "
                  f"({100 * share / (1000 * wall):.0f}%): the same batch without it takes "
                  f"{1000 * bare_wall:.1f} ms."]  # fmt: skip
    return "\n".join(lines)
