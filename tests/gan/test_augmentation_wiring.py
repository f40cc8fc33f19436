"""The augmentation baseline really moves what the discriminator sees, as configured.

A real fit of one batch records the discriminator's inputs (a forward pre-hook),
the real batch and the generated one. Each input sample must be its source
sample moved by some element of C4 (checked against ``symmetry.act``, every
element tried), moved for at least one sample when augmentation is on for that
side, and unmoved when it is off. Breaking the wiring on purpose (``_augmented``
returning its inputs unchanged) fails the "on" cases.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest
import torch
from lightning.pytorch import Callback

from ginv_lightning.data import RotDigits
from ginv_lightning.gan.module import GAN
from ginv_lightning.quiet_trainer import quiet_trainer
from tests.tiny_gan import tiny_gan


class _Recorder(Callback):
    def __init__(self) -> None:
        self.real: torch.Tensor | None = None

    def on_train_batch_start(self, trainer, module, batch, batch_idx):
        if self.real is None:
            self.real = (batch[0] if isinstance(batch, list | tuple) else batch).clone()


class _FirstStep(NamedTuple):
    module: GAN
    generator_before: list[torch.Tensor]  # the generator's parameters before the step
    real: torch.Tensor
    fake: torch.Tensor
    real_seen: torch.Tensor
    fake_seen: torch.Tensor


def _first_discriminator_step(**options: Any) -> _FirstStep:
    """One batch (a D and a G step) of the tiny plain GAN with ``options``, and what D saw."""
    torch.manual_seed(0)
    module = tiny_gan(plain=True, **options)
    seen: list[torch.Tensor] = []
    made: list[torch.Tensor] = []
    module.discriminator.register_forward_pre_hook(lambda _, args: seen.append(args[0].detach()))
    module.generator.register_forward_hook(lambda *out: made.append(out[-1].detach()))
    recorder = _Recorder()
    data = RotDigits(image_size=8, num_train=32, batch_size=32)
    before = [p.detach().clone() for p in module.generator.parameters()]
    quiet_trainer(2, [recorder]).fit(module, datamodule=data)
    both = seen[0]  # the discriminator step scores real and generated images together
    half = len(both) // 2
    return _FirstStep(module, before, recorder.real, made[0], both[:half], both[half:])


def _moves(symmetry, source: torch.Tensor, seen: torch.Tensor) -> list[str]:
    """For each sample, which element takes ``source`` to ``seen`` (identity first)."""
    elements = [symmetry.identity, *(g for g in symmetry.elements() if g != symmetry.identity)]
    found = []
    for original, shown in zip(source, seen, strict=True):
        labels = [
            str(g) for g in elements if torch.allclose(symmetry.act(g, original[None])[0], shown)
        ]
        assert labels, "a discriminator input is no group element's move of its source"
        found.append(labels[0])
    return found


@pytest.mark.parametrize(
    ("augment", "augment_generated", "real_moved", "fake_moved"),
    [(True, True, True, True), (True, False, True, False), (False, True, False, False)],
)
def test_the_discriminator_sees_moved_inputs_exactly_where_configured(
    augment, augment_generated, real_moved, fake_moved
):
    step = _first_discriminator_step(augment=augment, augment_generated=augment_generated)
    symmetry = step.module.symmetry
    identity = str(symmetry.identity)
    for source, seen, moved in (
        (step.real, step.real_seen, real_moved),
        (step.fake, step.fake_seen, fake_moved),
    ):
        elements = _moves(symmetry, source, seen)
        if moved:
            assert any(e != identity for e in elements) and len(set(elements)) > 1
        else:
            assert torch.equal(source, seen)


def test_diff_augment_reaches_the_discriminator_on_both_sides_and_passes_gradients():
    """With DiffAugment every real and generated input is changed, and G learns through it.

    Breaking the wiring (``_augmented`` skipping ``diff_augment``) fails the first
    asserts; a transform that cut the graph would leave the generator without a gradient.
    """
    step = _first_discriminator_step(diff_augment=["color", "translation", "cutout"])
    for source, shown in ((step.real, step.real_seen), (step.fake, step.fake_seen)):
        changed = (source - shown).flatten(1).abs().amax(1) > 1e-3
        assert bool(changed.all())
    after = list(step.module.generator.parameters())
    assert any(not torch.equal(a, b) for a, b in zip(step.generator_before, after, strict=True))


def test_diff_augment_refuses_unknown_policies_in_one_line():
    from ginv_lightning.errors import ConfigError

    with pytest.raises(ConfigError, match=r"unknown policy \['flip'\]; give a non-empty list"):
        tiny_gan(plain=True, diff_augment=["color", "flip"])
