"""The models the benchmark compares, built from the shipped configs."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ginv_lightning.gan.module import GAN

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


@dataclass(frozen=True)
class Case:
    name: str
    model: dict[str, Any]
    data: dict[str, Any]


def _read(config: Path) -> dict[str, Any]:
    with open(config) as handle:
        return yaml.safe_load(handle)


def same_shape_cnn(model: dict[str, Any]) -> dict[str, Any]:
    """The equivariant model's layout with plain convolutions of identical tensor shapes."""
    plain = copy.deepcopy(model)
    generator, discriminator = plain["generator"]["init_args"], plain["discriminator"]["init_args"]
    plain["generator"] = {
        "class_path": "ginv_lightning.nn.CNNGenerator",
        "init_args": {
            "widths": generator["widths"],
            "latent_dim": generator["latent_fields"],
            "match": "shapes",
        },
    }
    plain["discriminator"] = {
        "class_path": "ginv_lightning.nn.CNNDiscriminator",
        "init_args": {"widths": discriminator["widths"], "match": "shapes"},
    }
    return plain


def benchmark_cases(main: Path | None = None, baseline: Path | None = None) -> list[Case]:
    """Equivariant (the main job), its identical-shape plain CNN, the parameter-matched CNN."""
    main_config = _read(main or CONFIGS / "rotdigits_c4.yaml")
    baseline_config = _read(baseline or CONFIGS / "rotdigits_cnn.yaml")
    return [
        Case("equivariant C4", main_config["model"], main_config["data"]),
        Case("plain CNN, same shapes", same_shape_cnn(main_config["model"]), main_config["data"]),
        Case("plain CNN, params matched", baseline_config["model"], baseline_config["data"]),
    ]


def build(case: Case) -> GAN:
    """Instantiate the case's GAN through jsonargparse, as LightningCLI would."""
    from lightning.pytorch.cli import instantiate_module

    init = case.data["init_args"]
    shape = {"image_size": init.get("image_size", 28), "channels": init.get("channels", 1)}
    return instantiate_module(GAN, {**case.model, **shape})
