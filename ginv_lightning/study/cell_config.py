"""A study's trained cell as a ``ginv fit`` config: built through the one config-to-GAN path.

Every kind a study compares is a ``model:`` section of class paths (the
networks, the W1 loss with its gradient penalty, Adam, the linear decay) and a
``data:`` section of :class:`~ginv_lightning.data.points.TargetPoints`, so a
study cell is exactly what ``ginv fit`` would train from the same sections.
For a group G every kind has the same parameter budget: the invariant kind
sets it, and the plain MLPs of the other kinds are matched to it.
"""

from __future__ import annotations

import math
from typing import Any

from ginv_lightning.study.config_file import TARGETS
from ginv_lightning.study.run_settings import G_STEPS_PER_EPOCH, Cell, Networks, Training
from ginv_lightning.symmetry.contract import GroupAction
from ginv_lightning.symmetry.escnn_group import EscnnGroup

NN = "ginv_lightning.nn"


def cell_config(
    cell: Cell,
    target: dict[str, Any],
    training: Training,
    networks: Networks,
    eval_samples: int,
    heldout_seed: int,
    symmetry: GroupAction,
) -> dict[str, Any]:
    """The ``model:`` and ``data:`` sections of one cell (``symmetry`` is its group); only
    ``data:`` for the empirical kind, which trains nothing."""
    data = _spec(
        "ginv_lightning.data.points.TargetPoints",
        target=target_config(target),
        num_train=cell.n,
        batch_size=training.batch_size,
        num_heldout=eval_samples,
        seed=cell.seed,
        heldout_seed=heldout_seed,
        batches_per_epoch=G_STEPS_PER_EPOCH * training.n_critic,  # whole generator turns
    )
    if cell.model == "empirical":
        return {"data": data}
    generator, discriminator = kind_networks(cell.model, networks, symmetry)
    model: dict[str, Any] = {
        "group": cell.group,
        "generator": generator,
        "discriminator": discriminator,
        "loss": "ginv_lightning.gan.losses.Wasserstein",
        "penalty": _spec(
            "ginv_lightning.gan.penalties.GradientPenalty",
            weight=training.penalty,
            one_sided=training.one_sided,
        ),
        # data augmentation moves the training set, not the generator's samples
        "augment": cell.model == "augmentation",
        "augment_generated": False,
        "n_critic": training.n_critic,
        "ema_decay": training.ema_decay,
        "optimizer_g": _spec("torch.optim.Adam", lr=training.lr_g, betas=list(training.betas)),
        "optimizer_d": _spec("torch.optim.Adam", lr=training.lr_d, betas=list(training.betas)),
    }
    if training.lr_decay:
        epochs = math.ceil(training.steps / G_STEPS_PER_EPOCH)
        decay = _spec("ginv_lightning.gan.schedules.LinearToZero", epochs=epochs)
        model.update(scheduler_g=decay, scheduler_d=decay)
    return {"model": model, "data": data}


def target_config(target: dict[str, Any]) -> dict[str, Any]:
    """A study's ``target:`` (a built-in ``name`` and options, or a class path) as a class path."""
    if "class_path" in target:
        return {"class_path": target["class_path"], "init_args": target.get("init_args") or {}}
    options = {key: value for key, value in target.items() if key != "name"}
    law = TARGETS[target["name"]]
    return _spec(f"{law.__module__}.{law.__qualname__}", **options)


def kind_networks(
    kind: str, networks: Networks, symmetry: GroupAction
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The generator and discriminator of one model kind, as class paths with init_args."""
    if isinstance(symmetry, EscnnGroup):
        g_fields, d_fields = list(networks.generator_fields), list(networks.discriminator_fields)
        invariant = (
            _spec(f"{NN}.equivariant_mlp.EquivariantMLPGenerator", widths=g_fields,
                  latent_fields=networks.latent_fields),
            _spec(f"{NN}.equivariant_mlp.InvariantMLPDiscriminator", widths=d_fields),
        )  # fmt: skip
        plain = (
            _spec(f"{NN}.mlp.MLPGenerator", widths=g_fields, latent_dim=networks.latent_fields,
                  match="params"),
            _spec(f"{NN}.mlp.MLPDiscriminator", widths=d_fields, match="params"),
        )  # fmt: skip
    else:  # the group's own networks, and plain MLPs as big as they are
        invariant = (
            {"class_path": symmetry.generator, "init_args": dict(networks.group_generator)},
            {"class_path": symmetry.discriminator, "init_args": dict(networks.group_discriminator)},
        )
        plain = (
            _spec(f"{NN}.matched_mlp.MatchedMLPGenerator", counterpart=invariant[0],
                  widths=list(networks.generator_fields)),
            _spec(f"{NN}.matched_mlp.MatchedMLPDiscriminator", counterpart=invariant[1],
                  widths=list(networks.discriminator_fields)),
        )  # fmt: skip
    if kind == "invariant":
        return invariant
    if kind == "symmetrized":
        return (
            _spec(f"{NN}.symmetrized.SymmetrizedGenerator", base=plain[0]),
            _spec(f"{NN}.symmetrized.SymmetrizedDiscriminator", base=plain[1]),
        )
    if kind in ("augmentation", "ordinary"):
        return plain
    raise ValueError(f"no networks for model kind {kind!r}")


def _spec(class_path: str, **init_args: Any) -> dict[str, Any]:
    return {"class_path": class_path, "init_args": init_args}
