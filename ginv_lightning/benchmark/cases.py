"""The models the benchmark compares, built from ``ginv fit`` configs through the CLI's own path."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ginv_lightning.errors import ConfigError
from ginv_lightning.experiment import Experiment, build_experiment, experiment_sections, read_config

MAIN = "rotdigits_c4"
BASELINE = "rotdigits_cnn"


@dataclass(frozen=True)
class Case:
    """One benchmarked model: its name, ``model:``/``data:`` sections and trainer precision."""

    name: str
    config: dict[str, Any]
    precision: str = "32-true"


# Lazy R1 in the bench's training-option case: the penalty on one batch in this many.
LAZY_EVERY = 16


# Each equivariant network and the plain one that, with ``match: shapes``, has its tensor shapes.
PLAIN_COUNTERPARTS = {
    "EquivariantGenerator": "CNNGenerator",
    "InvariantDiscriminator": "CNNDiscriminator",
    "ResidualEquivariantGenerator": "ResidualCNNGenerator",
    "ResidualInvariantDiscriminator": "ResidualCNNDiscriminator",
}


def same_shape_cnn(model: dict[str, Any]) -> dict[str, Any]:
    """The equivariant model's layout with plain convolutions of identical tensor shapes."""
    plain = copy.deepcopy(model)
    generator, discriminator = plain["generator"], plain["discriminator"]
    plain["generator"] = {
        "class_path": _counterpart(generator["class_path"]),
        "init_args": {
            "widths": generator["init_args"]["widths"],
            "latent_dim": generator["init_args"]["latent_fields"],
            "match": "shapes",
        },
    }
    plain["discriminator"] = {
        "class_path": _counterpart(discriminator["class_path"]),
        "init_args": {"widths": discriminator["init_args"]["widths"], "match": "shapes"},
    }
    return plain


def _counterpart(class_path: str) -> str:
    name = class_path.rpartition(".")[2]
    if name not in PLAIN_COUNTERPARTS:
        raise ConfigError(
            f"the benchmark compares equivariant networks with same-shape plain ones; "
            f"{class_path} is not one of {', '.join(PLAIN_COUNTERPARTS)}"
        )
    return f"ginv_lightning.nn.{PLAIN_COUNTERPARTS[name]}"


def benchmark_cases(main: str | Path = MAIN, baseline: str | Path = BASELINE) -> list[Case]:
    """Equivariant (``main``), its identical-shape plain CNN, the parameter-matched ``baseline``,
    then the equivariant model on the fast path (``model.fast_path``, same results) and
    the training options that change results: its penalty on the other schedule (lazy
    if it runs on every step, on every step if lazy) and bf16-mixed.
    """
    _, main_config = read_config(main)
    _, baseline_config = read_config(baseline)
    equivariant = experiment_sections(main_config)
    plain = {**equivariant, "model": same_shape_cnn(main_config["model"])}
    group = equivariant["model"].get("group", "C4")
    fast = {**equivariant, "model": {**equivariant["model"], "fast_path": True}}
    cases = [
        Case(f"equivariant {group}", equivariant),
        Case("plain CNN, same shapes", plain),
        Case("plain CNN, params matched", experiment_sections(baseline_config)),
        Case(f"equivariant {group}, fast path", fast),
    ]
    rescheduled = other_penalty_schedule(equivariant["model"])
    if rescheduled is not None:
        label, model = rescheduled
        cases.append(Case(f"equivariant {group}, {label}", {**equivariant, "model": model}))
    cases.append(Case(f"equivariant {group}, bf16-mixed", equivariant, "bf16-mixed"))
    return cases


def other_penalty_schedule(model: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The model with its penalty on every step if it is lazy, else every ``LAZY_EVERY`` steps.

    Returns a label (``"lazy R1/16"``, ``"R1 every step"``) and the model; None without a penalty.
    """
    penalty = model.get("penalty")
    if not isinstance(penalty, dict) or "class_path" not in penalty:
        return None
    init_args = penalty.get("init_args", {})
    name = penalty["class_path"].rpartition(".")[2]
    if init_args.get("every", 1) > 1:
        label, every = f"{name} every step", 1
    else:
        label, every = f"lazy {name}/{LAZY_EVERY}", LAZY_EVERY
    return label, {**model, "penalty": {**penalty, "init_args": {**init_args, "every": every}}}


def build(case: Case) -> Experiment:
    """The case's GAN and data module (data loaded), as ``ginv fit`` would build them."""
    experiment = build_experiment(case.config, source=case.name)
    experiment.data.setup("fit")
    return experiment
