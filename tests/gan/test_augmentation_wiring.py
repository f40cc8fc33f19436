"""The augmentation baseline really moves what the discriminator sees, as configured.

A real fit of one batch records the discriminator's inputs (a forward pre-hook),
the real batch and the generated one. Each input sample must be its source
sample moved by some element of C4 (checked against ``symmetry.act``, every
element tried), moved for at least one sample when augmentation is on for that
side, and unmoved when it is off. Breaking the wiring on purpose (``_augmented``
returning its inputs unchanged) fails the "on" cases.
"""

from __future__ import annotations

import pytest
import torch
from lightning.pytorch import Callback

from ginv_lightning.data import RotDigits
from ginv_lightning.quiet_trainer import quiet_trainer
from tests.tiny_gan import tiny_gan


class _Recorder(Callback):
    def __init__(self) -> None:
        self.real: torch.Tensor | None = None

    def on_train_batch_start(self, trainer, module, batch, batch_idx):
        if self.real is None:
            self.real = (batch[0] if isinstance(batch, list | tuple) else batch).clone()


def _first_discriminator_step(augment: bool, augment_generated: bool):
    torch.manual_seed(0)
    module = tiny_gan(plain=True, augment=augment, augment_generated=augment_generated)
    seen: list[torch.Tensor] = []
    made: list[torch.Tensor] = []
    module.discriminator.register_forward_pre_hook(lambda _, args: seen.append(args[0].detach()))
    module.generator.register_forward_hook(lambda *out: made.append(out[-1].detach()))
    recorder = _Recorder()
    data = RotDigits(image_size=8, num_train=32, batch_size=32)
    quiet_trainer(2, [recorder]).fit(module, datamodule=data)  # one batch: a D and a G step
    both = seen[0]  # the discriminator step scores real and generated images together
    return module.symmetry, recorder.real, made[0], both[: len(both) // 2], both[len(both) // 2 :]


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
    symmetry, real, fake, real_seen, fake_seen = _first_discriminator_step(
        augment, augment_generated
    )
    identity = str(symmetry.identity)
    for source, seen, moved in ((real, real_seen, real_moved), (fake, fake_seen, fake_moved)):
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
    torch.manual_seed(0)
    module = tiny_gan(plain=True, diff_augment=["color", "translation", "cutout"])
    seen: list[torch.Tensor] = []
    made: list[torch.Tensor] = []
    module.discriminator.register_forward_pre_hook(lambda _, args: seen.append(args[0].detach()))
    module.generator.register_forward_hook(lambda *out: made.append(out[-1].detach()))
    recorder = _Recorder()
    data = RotDigits(image_size=8, num_train=32, batch_size=32)
    before = [p.detach().clone() for p in module.generator.parameters()]
    quiet_trainer(2, [recorder]).fit(module, datamodule=data)
    real_seen, fake_seen = seen[0][:32], seen[0][32:]
    for source, shown in ((recorder.real, real_seen), (made[0], fake_seen)):
        changed = (source - shown).flatten(1).abs().amax(1) > 1e-3
        assert bool(changed.all())
    after = list(module.generator.parameters())
    assert any(not torch.equal(a, b) for a, b in zip(before, after, strict=True))


def test_diff_augment_refuses_unknown_policies_in_one_line():
    from ginv_lightning.errors import ConfigError

    with pytest.raises(ConfigError, match=r"unknown policy \['flip'\]; give a non-empty list"):
        tiny_gan(plain=True, diff_augment=["color", "flip"])
