"""One path from a config to a GAN: the parser of ``model:`` and ``data:``, and the data's shape.

``ginv fit|validate|test|predict`` (LightningCLI), ``ginv params``, ``ginv bench``,
``ginv sample`` and checkpoint restore all build through
:func:`add_experiment_arguments`: the model and the data module are declared
once, and the data module's ``data_shape`` is the single object linked into the
model. Checkpoints carry their ``model:`` and ``data:`` sections under
``EXPERIMENT_KEY`` (``persistence.checkpoint_keys``), so a restore rebuilds exactly
what was trained.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jsonargparse import ArgumentError
from lightning.pytorch import LightningDataModule
from lightning.pytorch.cli import LightningArgumentParser

from ginv_lightning.errors import ConfigError
from ginv_lightning.gan.module import GAN
from ginv_lightning.shapes import DataKind, DataShape
from ginv_lightning.shipped_configs import find_config

SECTIONS = ("model", "data")


def data_shape_of(data: Any) -> DataShape:
    """The shape a data module delivers; a clear error for data modules that do not say."""
    shape = getattr(data, "data_shape", None)
    if not isinstance(shape, DataKind):
        raise ConfigError(
            f"data: {type(data).__name__} has no `data_shape`; a data module for ginv must "
            "expose one (an ImageShape or VectorShape from ginv_lightning.shapes, or any "
            "class with the DataKind methods there)"
        )
    return shape


def add_experiment_arguments(parser: LightningArgumentParser) -> None:
    """Declare ``model:`` (the GAN) and ``data:`` (any data module) and link the data's shape."""
    parser.add_lightning_class_args(GAN, "model")
    parser.add_lightning_class_args(LightningDataModule, "data", subclass_mode=True)
    parser.link_arguments("data", "model.data_shape", data_shape_of, apply_on="instantiate")


def experiment_parser() -> LightningArgumentParser:
    """A parser of just ``model:`` and ``data:``, as ``ginv fit`` declares them."""
    parser = LightningArgumentParser(exit_on_error=False)
    add_experiment_arguments(parser)
    return parser


@dataclass(frozen=True)
class Experiment:
    """A GAN and the data module it was built for (data not loaded yet)."""

    model: GAN
    data: LightningDataModule


def build_experiment(config: Mapping[str, Any], source: str = "config") -> Experiment:
    """Instantiate the ``model:`` and ``data:`` sections of a ``ginv fit`` config."""
    missing = [name for name in SECTIONS if name not in config]
    if missing:
        raise ConfigError(
            f"{source} has no {' or '.join(f'{m}:' for m in missing)} section; "
            "is it a `ginv fit` config? (`ginv configs list` shows complete ones)"
        )
    parser = experiment_parser()
    try:
        parsed = parser.parse_object({name: config[name] for name in SECTIONS})
        built = parser.instantiate(parsed)
    except ArgumentError as exc:
        raise ConfigError(f"{source}: {_first_line(exc)}") from None
    return Experiment(built.model, built.data)


def read_config(name_or_path: str | Path) -> tuple[Path, dict[str, Any]]:
    """A config file, found by path or shipped name, read as YAML into a mapping."""
    path = find_config(name_or_path)
    try:
        with open(path) as handle:
            config = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read config {str(path)!r}: {_first_line(exc)}") from None
    if not isinstance(config, dict):
        raise ConfigError(f"config {str(path)!r} is not a YAML mapping of sections")
    return path, config


def experiment_from_config(name_or_path: str | Path) -> Experiment:
    """The GAN and data module a ``ginv fit`` config describes (networks built, nothing trained)."""
    path, config = read_config(name_or_path)
    return build_experiment(config, source=str(path))


def data_from_config(name_or_path: str | Path) -> LightningDataModule:
    """Only the data module of a config, parsed as ``ginv fit`` parses ``data:``.

    Inspecting data (``ginv data check``) needs no model, so a config of just a
    ``data:`` section is enough and the model's group is never built.
    """
    path, config = read_config(name_or_path)
    return build_data(config, str(path))


def build_data(config: Mapping[str, Any], source: str = "config") -> LightningDataModule:
    """Instantiate only the ``data:`` section of a config (the data module, not loaded yet)."""
    if "data" not in config:
        raise ConfigError(
            f"{source} has no data: section; give a `ginv fit` config or one with just `data:`"
        )
    parser = LightningArgumentParser(exit_on_error=False)
    parser.add_lightning_class_args(LightningDataModule, "data", subclass_mode=True)
    try:
        parsed = parser.parse_object({"data": config["data"]})
        return parser.instantiate(parsed).data
    except ArgumentError as exc:
        raise ConfigError(f"{source}: {_first_line(exc)}") from None


def experiment_sections(dumped: Mapping[str, Any]) -> dict[str, Any]:
    """What defines an experiment in a resolved config: its ``model:`` and ``data:`` sections."""
    return {name: dumped[name] for name in SECTIONS}


# Settings that change how an experiment runs, not what it computes: a run may be
# resumed or evaluated with either value, so fingerprints leave them out.
HOW_IT_RUNS = (("model", "fast_path"),)
# Settings added after runs were recorded, whose default computes what those runs
# computed: left out at that default, so older runs keep their fingerprints.
LATER_DEFAULTS = ((("model", "penalty", "init_args", "every"), 1),)


def fingerprint(sections: Mapping[str, Any], compared: tuple[str, ...] = SECTIONS) -> str:
    """A short hash of the ``model:`` and ``data:`` sections: equal for the same experiment."""
    text = json.dumps(_what_it_computes(sections, compared), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _what_it_computes(sections: Mapping[str, Any], compared: tuple[str, ...]) -> dict[str, Any]:
    """The compared sections without ``HOW_IT_RUNS`` and ``LATER_DEFAULTS`` at their default."""
    kept = copy.deepcopy({name: sections[name] for name in compared})
    dropped = [(path, None) for path in HOW_IT_RUNS] + list(LATER_DEFAULTS)
    for path, default in dropped:
        *parents, key = path
        owner: Any = kept
        for parent in parents:
            owner = owner.get(parent) if isinstance(owner, Mapping) else None
        if isinstance(owner, dict) and key in owner and (default is None or owner[key] == default):
            del owner[key]
    return kept


def describe(name: str, sections: Mapping[str, Any]) -> dict[str, Any]:
    """What runs and checkpoints record of their experiment: its name, sections and fingerprint."""
    return {"name": name, "fingerprint": fingerprint(sections), **experiment_sections(sections)}


def differences(
    a: Mapping[str, Any],
    b: Mapping[str, Any],
    compared: tuple[str, ...] = SECTIONS,
    limit: int = 3,
) -> str:
    """The first settings in which two experiments differ, e.g. ``model.group: C4 vs D4``."""
    flat_a = _flatten(_what_it_computes(a, compared))
    flat_b = _flatten(_what_it_computes(b, compared))
    keys = [k for k in sorted(flat_a.keys() | flat_b.keys()) if flat_a.get(k) != flat_b.get(k)]
    shown = [f"{k}: {flat_a.get(k, '(unset)')!r} vs {flat_b.get(k, '(unset)')!r}" for k in keys]
    more = f" and {len(keys) - limit} more" if len(keys) > limit else ""
    return "; ".join(shown[:limit]) + more


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, Mapping):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: value}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return " ".join(text.splitlines()[:1]) or type(exc).__name__
