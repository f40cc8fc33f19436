"""The study's YAML config: target, grid, training, networks, evaluation; validated on load.

The target is a built-in planar law by ``name`` or any :class:`TargetLaw` by
``class_path`` and ``init_args`` (as in Lightning configs), e.g. a plugin's law of sets.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ginv_lightning.class_paths import import_class
from ginv_lightning.data.targets import GaussianMixture, PlanarTarget, SymmetricCurve, TargetLaw
from ginv_lightning.errors import ConfigError, config_error
from ginv_lightning.grid.trainer import FLOAT32, CellTrainer, cell_trainer
from ginv_lightning.shipped_configs import config_name
from ginv_lightning.study.run_settings import KINDS, Cell, Networks, Training

TARGETS: dict[str, type[PlanarTarget]] = {
    "gaussian_mixture": GaussianMixture,
    "curve": SymmetricCurve,
}


@dataclass(frozen=True)
class Grid:
    """Every combination of these is one run (a config may list several grids)."""

    n: tuple[int, ...] = (8, 32, 128)
    groups: tuple[str, ...] = ("C4",)
    models: tuple[str, ...] = ("invariant", "symmetrized", "augmentation", "ordinary")
    seeds: tuple[int, ...] = (0, 1, 2)


@dataclass(frozen=True)
class Evaluation:
    """How runs are measured and summarised.

    Args:
        samples: generated and held-out points per W1 (each side).
        heldout_seed: seed of the held-out sample, shared by every run.
        floor_repeats: pairs of independent target samples for the noise floor.
        trace: fractions of training at which W1 is also measured (convergence check).
        resolve_factor: a line's points whose mean W1 is below this multiple of the
            noise floor are not used for slopes and multipliers (the floor would
            flatten them).
        bootstrap: resamples of the seeds for the confidence intervals.
    """

    samples: int = 2000
    heldout_seed: int = 0
    floor_repeats: int = 5
    trace: tuple[float, ...] = (0.5,)
    resolve_factor: float = 1.5
    bootstrap: int = 2000


@dataclass(frozen=True)
class StudyConfig:
    """A study file, checked: what to learn, on which grid, trained and measured how, where.

    ``trainer`` is the machine every run trains on (``--trainer.*``), ``slurm``
    what each run's job asks for with ``--launcher slurm``, ``name`` the file's
    name (whose folder ``out`` is).
    """

    target: TargetLaw
    target_spec: dict[str, Any]
    out: Path
    grids: tuple[Grid, ...] = (Grid(),)
    training: Training = field(default_factory=Training)
    networks: Networks = field(default_factory=Networks)
    evaluation: Evaluation = field(default_factory=Evaluation)
    workers: int = 2
    trainer: CellTrainer = field(default_factory=CellTrainer)
    slurm: dict[str, Any] = field(default_factory=dict)
    name: str = "study"

    def cells(self) -> list[Cell]:
        """Every run once, first seed first, so that early results already span the grids.

        The empirical kind also runs without symmetry (group C1): the plain training
        set, against which its symmetrised versions are compared.
        """
        cells: dict[Cell, None] = {}
        seeds = sorted({s for grid in self.grids for s in grid.seeds})
        for seed in seeds:
            for grid in self.grids:
                if seed not in grid.seeds:
                    continue
                for n in grid.n:
                    for group in _with_reference(grid):
                        for model in grid.models:
                            if group in grid.groups or model == "empirical":
                                cells[Cell(model, group, n, seed)] = None
        return list(cells)

    def fingerprint(self) -> str:
        """A hash of every setting that changes a run's result (not the grid or workers)."""
        text = json.dumps(self.settings(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def settings(self) -> dict[str, Any]:
        """Every setting that changes a run's result, as JSON."""
        settings: dict[str, Any] = {
            "target": self.target_spec,
            "training": dataclasses.asdict(self.training),
            "networks": dataclasses.asdict(self.networks),
            "evaluation": {
                "samples": self.evaluation.samples,
                "heldout_seed": self.evaluation.heldout_seed,
                "trace": list(self.evaluation.trace),
            },
        }
        if self.trainer.precision not in FLOAT32:  # older records: float32, unsaid
            settings["precision"] = self.trainer.precision
        return settings


def _with_reference(grid: Grid) -> list[str]:
    groups = list(grid.groups)
    if "empirical" in grid.models and "C1" not in groups:
        groups.insert(0, "C1")
    return groups


def load_config(
    path: Path,
    out: Path | None = None,
    workers: int | None = None,
    trainer: dict[str, Any] | None = None,
) -> StudyConfig:
    """Read and validate a study config; ``out``, ``workers`` and ``trainer`` (the
    ``--trainer.*`` flags) override the file's."""
    try:
        raw = yaml.safe_load(Path(path).read_text())
    except FileNotFoundError:
        raise ConfigError(f"study config {path} does not exist") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"study config {path} is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"study config {path} must be a mapping of sections")
    accepted = {f.name for f in dataclasses.fields(StudyConfig)} - {"target_spec", "grids", "name"}
    _check_keys(raw, accepted | {"grid"}, "")
    if "target" not in raw:
        raise ConfigError(f"study config {path} needs a target: section")
    target_spec = dict(_mapping(raw["target"], "target"))
    config = StudyConfig(
        target=_target(target_spec),
        target_spec=target_spec,
        out=Path(out if out is not None else raw.get("out", "runs/study")),
        grids=_grids(raw.get("grid")),
        training=_section(Training, raw.get("training"), "training"),
        networks=_section(Networks, raw.get("networks"), "networks"),
        evaluation=_section(Evaluation, raw.get("evaluation"), "evaluation"),
        workers=_positive_int(workers if workers is not None else raw.get("workers", 2), "workers"),
        trainer=cell_trainer("trainer", raw.get("trainer") or {}, trainer or {}),
        slurm=dict(_mapping(raw.get("slurm") or {}, "slurm")),
        name=config_name(path),
    )
    _validate(config)
    return config


def _grids(raw: Any) -> tuple[Grid, ...]:
    """One grid, or a list of grids whose runs are pooled (e.g. some models on fewer groups)."""
    if isinstance(raw, list):
        if not raw:
            raise ConfigError("grid must be a mapping or a non-empty list of mappings")
        return tuple(_section(Grid, item, f"grid[{i}]") for i, item in enumerate(raw))
    return (_section(Grid, raw, "grid"),)


def _target(spec: dict[str, Any]) -> TargetLaw:
    if "class_path" in spec:
        return _target_by_class_path(spec)
    name = spec.get("name")
    if name not in TARGETS:
        raise ConfigError(
            f"target.name must be one of {sorted(TARGETS)} (or give target.class_path), "
            f"got {name!r}"
        )
    options = {k: v for k, v in spec.items() if k != "name"}
    with config_error(f"target ({name})", (TypeError,)):
        return TARGETS[name](**options)


def _target_by_class_path(spec: dict[str, Any]) -> TargetLaw:
    """A target law named by ``class_path`` (``package.module.Class``) with ``init_args``."""
    _check_keys(spec, {"class_path", "init_args"}, "target.")
    path = spec["class_path"]
    cls = import_class(
        path,
        TargetLaw,
        "target.class_path",
        "names no TargetLaw; give package.module.Class of an installed one "
        "(e.g. ginv_sets.targets.RingSets) or target.name",
    )
    with config_error(f"target ({path})", (TypeError,)):
        return cls(**_mapping(spec.get("init_args") or {}, "target.init_args"))


def _section(cls: type, raw: Any, name: str) -> Any:
    """Build a dataclass from a mapping, converting values to the types of its defaults."""
    if raw is None:
        return cls()
    values = _mapping(raw, name)
    defaults = {f.name: _default(f) for f in dataclasses.fields(cls)}
    _check_keys(values, set(defaults), f"{name}.")
    converted = {key: _like(defaults[key], value, f"{name}.{key}") for key, value in values.items()}
    return cls(**converted)


def _default(spec: dataclasses.Field) -> Any:
    if spec.default_factory is not dataclasses.MISSING:
        return spec.default_factory()
    return spec.default


def _like(default: Any, value: Any, where: str) -> Any:
    if isinstance(default, dict):
        return dict(_mapping(value, where))
    if isinstance(default, tuple):
        if not isinstance(value, list | tuple) or not value:
            raise ConfigError(f"{where} must be a non-empty list, got {value!r}")
        return tuple(_like(default[0], item, where) for item in value)
    if isinstance(default, bool | str):
        if not isinstance(value, type(default)):
            raise ConfigError(f"{where} must be a {type(default).__name__}, got {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be an integer, got {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where} must be a number, got {value!r}")
        return float(value)
    return value


def _validate(config: StudyConfig) -> None:
    training, evaluation = config.training, config.evaluation
    for grid in config.grids:
        unknown = [m for m in grid.models if m not in KINDS]
        if unknown:
            raise ConfigError(f"grid.models: unknown {unknown}; accepted: {list(KINDS)}")
        for name, values in (("grid.n", grid.n), ("grid.seeds", grid.seeds)):
            if len(set(values)) != len(values):
                raise ConfigError(f"{name} has repeated values: {list(values)}")
        if min(grid.n) < 1:
            raise ConfigError(f"grid.n must be >= 1, got {list(grid.n)}")
        if min(grid.seeds) < 0:
            raise ConfigError(f"grid.seeds must be >= 0, got {list(grid.seeds)}")
    for grid in config.grids:
        for group in grid.groups:
            _check_group(group, config, grid.models)
    for name in ("steps", "n_critic", "batch_size"):
        _positive_int(getattr(training, name), f"training.{name}")
    for name in ("lr_g", "lr_d"):
        if not getattr(training, name) > 0:
            raise ConfigError(f"training.{name} must be > 0, got {getattr(training, name)}")
    if len(training.betas) != 2 or not all(0 <= b < 1 for b in training.betas):
        raise ConfigError(f"training.betas must be two numbers in [0, 1), got {training.betas}")
    if evaluation.samples < 2000:
        raise ConfigError(f"evaluation.samples must be >= 2000, got {evaluation.samples}")
    if evaluation.floor_repeats < 2:
        raise ConfigError(f"evaluation.floor_repeats must be >= 2, got {evaluation.floor_repeats}")
    if not all(0 < f < 1 for f in evaluation.trace):
        raise ConfigError(f"evaluation.trace: fractions in (0, 1), got {list(evaluation.trace)}")
    if evaluation.bootstrap < 100:
        raise ConfigError(f"evaluation.bootstrap must be >= 100, got {evaluation.bootstrap}")


# The symmetrized and empirical kinds visit every element of the group.
ORBIT_LIMIT = 64


def _check_group(spec: str, config: StudyConfig, models: tuple[str, ...]) -> None:
    """A finite group (the |G| of the theory) that moves the target's data, small enough
    for the kinds that list its elements, whose own networks (if any) take their settings."""
    from ginv_lightning.symmetry import GroupError, resolve_group

    with config_error("grid.groups", (GroupError,)):
        symmetry = resolve_group(spec)
    if not symmetry.is_finite:
        raise ConfigError(
            f"grid.groups: {spec} must be a finite group (the |G| of the theory), "
            "e.g. C2, C4, C8, D4, or a plugin's S8"
        )
    with config_error("grid.groups", (ValueError,)):
        symmetry.check_data(config.target.data_shape)
    _check_own_networks(spec, symmetry, config)
    listing = [m for m in models if m in ("symmetrized", "empirical")]
    if listing and symmetry.order > ORBIT_LIMIT:
        raise ConfigError(
            f"grid.models: {' and '.join(listing)} visit every element of the group, and "
            f"{spec} has {symmetry.order} (at most {ORBIT_LIMIT}); "
            "invariant, augmentation and ordinary take any finite group"
        )


def _check_own_networks(spec: str, symmetry: Any, config: StudyConfig) -> None:
    """Build a group's own networks once, so that a wrong init_arg fails here, not in a worker."""
    from ginv_lightning.nn.base import Discriminator, Generator
    from ginv_lightning.symmetry.escnn_group import EscnnGroup

    if isinstance(symmetry, EscnnGroup):
        return  # escnn MLPs: their fields are checked above
    networks = config.networks
    for role, base, path, options in (
        ("generator", Generator, symmetry.generator, networks.group_generator),
        ("discriminator", Discriminator, symmetry.discriminator, networks.group_discriminator),
    ):
        with config_error(f"grid.groups: {spec}", (ValueError,)):
            network = import_class(
                path, base, "the group's network", f"is not an importable {base.__name__}"
            )
        with config_error(f"networks.group_{role} ({spec})"):
            network(symmetry, config.target.data_shape, **options)


def _mapping(raw: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{name} must be a mapping, got {raw!r}")
    return raw


def _check_keys(values: Mapping[str, Any], accepted: set[str], prefix: str) -> None:
    unknown = sorted(set(values) - accepted)
    if unknown:
        raise ConfigError(
            f"unknown setting {', '.join(prefix + k for k in unknown)}; "
            f"accepted: {', '.join(prefix + k for k in sorted(accepted))}"
        )


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{name} must be an integer >= 1, got {value!r}")
    return value
