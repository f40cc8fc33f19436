"""Stop a run that has diverged and never save its weights: a guard beside Lightning's callbacks.

Lightning's ``EarlyStopping(check_finite=True)`` stops on a non-finite monitored
value after the fact; a GAN needs more. Its losses can grow without bound while
still finite, and a checkpoint written between the blow-up and the stop would be
resumed by ``--ckpt_path last`` as if it were healthy. So the guard checks

* before every optimiser step, the values the module says it computed for that
  step (``step_values``: losses, penalties, discriminator scores): NaN,
  infinite, or beyond ``VALUE_LIMIT``;
* after every batch, each network's largest weight: NaN, infinite, or beyond
  ``WEIGHT_LIMIT``;
* every checkpoint, before it is written: a diverged one is refused, so the
  file on disk stays the last healthy one.

Each stop is :class:`~ginv_lightning.errors.NonFiniteLossError`, one line naming
what went wrong, when, and which checkpoint is kept. The GAN module installs the
guard itself (``configure_callbacks``).
"""

from __future__ import annotations

import math
from typing import Any

import torch
from lightning.pytorch import Callback, LightningModule, Trainer
from torch import Tensor
from typing_extensions import override

from ginv_lightning.errors import NonFiniteLossError
from ginv_lightning.escnn_support.walk_without_hashing import (
    unique_named_parameters,
    unique_parameters,
)

# A weight beyond this magnitude means training diverged: these networks train
# to weights of order 1, and a blow-up passes through ~1e6 before it reaches inf.
WEIGHT_LIMIT = 1e5
# Losses, penalties and discriminator scores of healthy runs stay within about 1e3 (RaGAN,
# hinge, non-saturating and WGAN-GP alike); a run whose optimiser has blown up passes
# 1e6 within a step or two, long before anything becomes infinite (a discriminator
# learning rate of 3000 gave an R1 penalty of 5e29 at the first logged step).
VALUE_LIMIT = 1e6
# The networks whose weights are watched, as attributes of the module.
NETWORKS = ("generator", "discriminator")


class DivergenceGuard(Callback):
    """Stops training at the first sign of divergence and refuses to save diverged weights."""

    def __init__(self) -> None:
        self.saved_step: int | None = None  # global step of the last checkpoint written

    @override
    def on_before_optimizer_step(
        self, trainer: Trainer, pl_module: LightningModule, optimizer: Any
    ) -> None:
        values = getattr(pl_module, "step_values", None)
        if values:
            self.check_values(pl_module, values, trainer)
            values.clear()

    @override
    def on_train_batch_end(
        self, trainer: Trainer, pl_module: LightningModule, outputs: Any, batch: Any, batch_idx: int
    ) -> None:
        self.check_weights(pl_module, trainer)

    @override
    def on_save_checkpoint(
        self, trainer: Trainer, pl_module: LightningModule, checkpoint: dict[str, Any]
    ) -> None:
        refuse_diverged(pl_module, checkpoint, self._kept(trainer))
        self.saved_step = checkpoint.get("global_step", pl_module.global_step)

    def check_values(
        self, module: LightningModule, values: dict[str, Tensor], trainer: Trainer | None = None
    ) -> None:
        """Stop at the first NaN, infinity or magnitude beyond ``VALUE_LIMIT`` (one device sync;
        under DDP also one all-reduce, so that every process stops in the same step)."""
        largest = torch.stack([v.detach().abs().amax() for v in values.values()])
        healthy = torch.isfinite(largest) & (largest <= VALUE_LIMIT)
        healthy_here = bool(healthy.all())
        if trainer is not None and trainer.world_size > 1:
            # all stop together: one stopping alone would leave the others waiting in the
            # next collective call (gradients, statistics) until a launcher or timeout ends them
            if trainer.strategy.reduce_boolean_decision(healthy_here, all=True):
                return
            if healthy_here:
                self._stop(module, trainer, "another process's training values went bad")
        elif healthy_here:
            return
        bad = [
            (what, v.detach(), big)
            for (what, v), big, ok in zip(
                values.items(), largest.tolist(), healthy.tolist(), strict=True
            )
            if not ok
        ]
        (what, value, big), others = bad[0], bad[1:]
        also = "".join(_also_bad(name, v, size) for name, v, size in others)
        self._stop(module, trainer, f"{what} {_went_bad(value, big)}", also)

    def check_weights(self, module: LightningModule, trainer: Trainer | None = None) -> None:
        """Stop when a weight is NaN, infinite or beyond ``WEIGHT_LIMIT`` (one sync per batch).

        Read-only, after the batch's optimiser updates and so before any
        checkpoint of them is written (Lightning runs checkpoint callbacks last).
        """
        with torch.no_grad():
            largest = torch.stack([_largest_weight(getattr(module, n)) for n in NETWORKS])
        problems = [
            f"{name} weights {_weight_problem(value)}"
            for name, value in zip(NETWORKS, largest.tolist(), strict=True)
            if not math.isfinite(value) or value > WEIGHT_LIMIT
        ]
        if problems:
            self._stop(module, trainer, " and ".join(problems))

    def _stop(
        self, module: LightningModule, trainer: Trainer | None, what: str, details: str = ""
    ) -> None:
        raise NonFiniteLossError(
            f"{what} at global step {module.global_step} (epoch {module.current_epoch})"
            f"{details}; training stopped and {self._kept(trainer)}"
        )

    def _kept(self, trainer: Trainer | None) -> str:
        """Which checkpoint survives a divergence: the last one written, healthy by construction."""
        callback = trainer.checkpoint_callback if trainer is not None else None
        path = getattr(callback, "last_model_path", "") or getattr(callback, "best_model_path", "")
        if not path:
            return "no checkpoint was written yet"
        step = f" (global step {self.saved_step})" if self.saved_step is not None else ""
        return f"the last healthy checkpoint, {path}, is kept{step}"


def refuse_diverged(
    module: LightningModule, checkpoint: dict[str, Any], kept: str = "no checkpoint was written"
) -> None:
    """Never write diverged weights: raising here leaves the previous checkpoint file in place.

    Healthy: every floating tensor of the state dict finite, and no parameter
    beyond ``WEIGHT_LIMIT`` (the rule applied after each batch).
    """
    state = checkpoint["state_dict"]
    names = [k for k, v in state.items() if isinstance(v, Tensor) and _is_float(v)]
    with torch.no_grad():
        norms = torch._foreach_norm([state[k] for k in names], ord=math.inf) if names else []
        largest = torch.stack(norms).tolist() if names else []
    parameters = {name for name, _ in unique_named_parameters(module)}
    bad = [
        name
        for name, value in zip(names, largest, strict=True)
        if not math.isfinite(value) or (name in parameters and value > WEIGHT_LIMIT)
    ]
    if bad:
        shown = ", ".join(bad[:3]) + (f" and {len(bad) - 3} more" if len(bad) > 3 else "")
        raise NonFiniteLossError(
            f"refused to save a checkpoint at global step {module.global_step}: NaN, "
            f"infinite or exploded (beyond {WEIGHT_LIMIT:g}) values in {shown}; "
            f"training stopped and {kept}"
        )


def _is_float(tensor: Tensor) -> bool:
    return tensor.is_floating_point() and tensor.numel() > 0


def _largest_weight(module: torch.nn.Module) -> Tensor:
    """The largest magnitude among ``module``'s parameters (NaN if any is NaN), not synced."""
    params = [p for p in unique_parameters(module) if _is_float(p)]  # no escnn basis hashing
    if not params:
        return torch.zeros((), dtype=torch.float64)
    return torch.stack(torch._foreach_norm(params, ord=math.inf)).max().double()


def _weight_problem(largest: float) -> str:
    if not math.isfinite(largest):
        return f"became {largest}"
    return f"exploded (largest magnitude {largest:.3g}, beyond {WEIGHT_LIMIT:g})"


def _went_bad(value: Tensor, largest: float) -> str:
    if math.isfinite(largest):
        return f"reached {largest:.3g} (beyond {VALUE_LIMIT:g}, where no healthy run goes)"
    return f"became {value.item() if value.numel() == 1 else _non_finite_count(value)}"


def _also_bad(name: str, value: Tensor, largest: float) -> str:
    if math.isfinite(largest):
        return f", with {name} up to {largest:.3g}"
    return f", with {int((~torch.isfinite(value)).sum())} of {value.numel()} {name} NaN or infinite"


def _non_finite_count(value: Tensor) -> str:
    return f"non-finite ({int((~torch.isfinite(value)).sum())} of {value.numel()} NaN or infinite)"
