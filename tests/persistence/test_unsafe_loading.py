"""No file ginv reads, and no checkpoint's recorded class path, can make it run foreign code.

Each entry point gets a crafted payload whose unpickling (or import) would
create a marker file; the payload is first shown to work when loaded unsafely.
"""

from __future__ import annotations

import os
import sys
import textwrap
from importlib.metadata import distributions
from pathlib import Path

import pytest
import torch
import yaml

from ginv_lightning.cli import main
from ginv_lightning.errors import DataError
from ginv_lightning.experiment import build_experiment
from ginv_lightning.metrics.digit_classifier import load_digit_classifier
from ginv_lightning.metrics.features import build_features
from ginv_lightning.metrics.inception import WEIGHTS_FILE, default_weights_path
from ginv_lightning.metrics.reference import content_key, reference_features
from ginv_lightning.persistence.checkpoint_keys import EXPERIMENT_KEY, GROUP_KEY
from ginv_lightning.persistence.checkpoints import load_checkpoint
from ginv_lightning.persistence.trusted_classes import check_class_paths, class_paths
from ginv_lightning.symmetry.provenance import group_record

CONFIG = Path(__file__).resolve().parents[2] / "configs" / "rotdigits_c4.yaml"


class Payload:
    """Unpickling this runs ``exec``, which creates ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'w').close()",))


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "payload-ran"


def crafted(path: Path, marker: Path, wrap=lambda payload: payload) -> Path:
    """Write a payload file and check that an unsafe load really runs it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(wrap(Payload(marker)), path)
    torch.load(path, weights_only=False)
    assert marker.exists(), "the payload must work for the tests to mean anything"
    marker.unlink()
    return path


def test_checkpoint_payload_does_not_run(tmp_path, marker):
    path = crafted(tmp_path / "evil.ckpt", marker, lambda p: {"state_dict": {}, "x": p})
    with pytest.raises(DataError, match="cannot read checkpoint") as info:
        load_checkpoint(path)
    assert "\n" not in str(info.value) and not marker.exists()
    # the blocked global is named, and torch's advice to load it unsafely is not repeated
    assert "it names exec, and loading it could run code" in str(info.value)
    assert "weights_only" not in str(info.value) and "trust" not in str(info.value)


class BlockedModule:
    """A payload from a module torch blocks outright (its other wording of a refusal)."""

    def __reduce__(self):
        return (os.system, ("true",))


def test_a_global_of_a_blocked_module_is_named_too(tmp_path):
    path = tmp_path / "system.ckpt"
    torch.save({"x": BlockedModule()}, path)
    for load, what in ((load_checkpoint, "checkpoint"), (load_digit_classifier, "digit")):
        with pytest.raises(DataError) as info:
            load(path)
        message = str(info.value)
        assert f"it names {os.system.__module__}.system" in message and what in message
        assert "weights_only" not in message and "\n" not in message


def test_reference_cache_payload_does_not_run(tmp_path, marker):
    images = torch.zeros(4, 1, 8, 8)
    path = tmp_path / f"{content_key(images, 'digits:x', (0, 1))}.pt"
    crafted(path, marker)
    features = reference_features(
        torch.nn.Identity(), "digits:x", images, (0, 1), 2, torch.device("cpu"), tmp_path
    )  # the crafted cache is never trusted: recomputed and replaced
    assert torch.equal(features, torch.zeros_like(features)) and len(features) == 4
    assert torch.equal(torch.load(path, weights_only=True), features) and not marker.exists()


def test_digit_weights_payload_does_not_run(tmp_path, marker):
    path = crafted(tmp_path / "digits.pt", marker, lambda p: {"body.0.weight": p})
    with pytest.raises(DataError, match="cannot load digit classifier weights") as info:
        load_digit_classifier(path)
    assert "\n" not in str(info.value) and not marker.exists()


def test_inception_weights_payload_given_as_setting_does_not_run(tmp_path, marker):
    path = crafted(tmp_path / "inception.pth", marker, lambda p: {"fc.weight": p})
    with pytest.raises(DataError) as info:
        build_features("inception", torch.zeros(2, 1, 8, 8), inception_weights=str(path))
    assert not marker.exists()
    message = str(info.value)
    assert repr(str(path)) in message and "\n" not in message
    assert "it names exec, and loading it could run code" in message


def test_inception_weights_payload_in_the_hub_folder_does_not_run(tmp_path, marker, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    path = default_weights_path()
    assert path == tmp_path / "torch/hub/checkpoints" / WEIGHTS_FILE
    crafted(path, marker)
    with pytest.raises(DataError) as info:
        build_features("inception", torch.zeros(2, 1, 8, 8))
    assert not marker.exists()
    assert repr(str(path)) in str(info.value) and "\n" not in str(info.value)


def test_inception_weights_that_do_not_fit_are_one_line(tmp_path):
    path = tmp_path / "inception.pth"
    torch.save({"fc.weight": torch.zeros(3, 3)}, path)
    with pytest.raises(DataError) as info:
        build_features("inception", torch.zeros(2, 1, 8, 8), inception_weights=str(path))
    message = str(info.value)
    assert "do not fit torch-fidelity's InceptionV3" in message and "\n" not in message


# --- class paths recorded in a checkpoint ------------------------------------------------

OUTSIDE_MODULE = """
from pathlib import Path
Path({marker!r}).touch()  # importing this module is running its code

from ginv_lightning.gan.losses import RelativisticAverage

class OutsideLoss(RelativisticAverage):
    pass
"""


def sections(**model: object) -> dict[str, object]:
    """The ``model:``/``data:`` sections of the shipped C4 config, with ``model`` overrides."""
    config = yaml.safe_load(CONFIG.read_text())
    return {"model": {**config["model"], **model}, "data": config["data"]}


def write_checkpoint(path: Path, recorded: dict[str, object], state_dict=None) -> Path:
    torch.save(
        {
            "state_dict": state_dict or {},
            EXPERIMENT_KEY: recorded,
            GROUP_KEY: group_record(recorded["model"]["group"]),
        },
        path,
    )
    return path


@pytest.fixture
def outside(tmp_path, marker, monkeypatch):
    """A module outside the trusted packages that creates ``marker`` when imported."""
    package = tmp_path / "site"
    package.mkdir()
    (package / "outside_losses.py").write_text(OUTSIDE_MODULE.format(marker=str(marker)))
    monkeypatch.syspath_prepend(str(package))
    yield "outside_losses.OutsideLoss"
    sys.modules.pop("outside_losses", None)


def sample(ckpt: Path, out: Path, *extra: str) -> int:
    return main(["sample", "--ckpt", str(ckpt), "--n", "2", "--out", str(out), *extra])


def test_sample_refuses_a_checkpoint_naming_an_outside_class(tmp_path, marker, outside, capsys):
    ckpt = write_checkpoint(tmp_path / "x.ckpt", sections(loss=outside))
    assert sample(ckpt, tmp_path / "x.png") == 2
    assert not marker.exists()
    err = capsys.readouterr().err
    assert err == (
        f"ginv: error: checkpoint {str(ckpt)!r} names class 'outside_losses.OutsideLoss' "
        "(at model.loss) from outside ginv_lightning, torch, lightning and the installed "
        "group plugins; pass --trust-class-paths to load it anyway\n"
    )
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize(
    "override",
    [
        {"optimizer_g": "os.system"},
        {"optimizer_d": {"class_path": "subprocess.Popen", "init_args": {"args": ["true"]}}},
        {"generator": {"class_path": "builtins.exec", "init_args": {}}},
    ],
)
def test_any_outside_class_path_is_refused_before_building(tmp_path, override, capsys):
    ckpt = write_checkpoint(tmp_path / "x.ckpt", sections(**override))
    assert sample(ckpt, tmp_path / "x.png") == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "from outside ginv_lightning, torch, lightning" in line


def test_trust_class_paths_lets_a_legitimate_outside_class_through(tmp_path, marker, outside):
    recorded = sections(loss=outside)
    trained = build_experiment(recorded).model  # what `ginv fit` would have saved
    assert marker.exists()
    marker.unlink()
    ckpt = write_checkpoint(tmp_path / "x.ckpt", recorded, trained.state_dict())
    assert sample(ckpt, tmp_path / "x.png", "--trust-class-paths") == 0
    assert (tmp_path / "x.png").is_file()


def test_shipped_classes_and_file_names_pass_and_every_path_is_found():
    check_class_paths(sections(), "checkpoint 'c4.ckpt'")
    found = dict(class_paths({"data": {"init_args": {"root": "digits.npz", "names": ["os.path"]}},
                              "model": {"loss": "ginv_lightning.gan.losses.Hinge"}}))  # fmt: skip
    assert found == {"data.init_args.names[0]": "os.path",
                     "model.loss": "ginv_lightning.gan.losses.Hinge"}  # fmt: skip


def test_installed_group_plugins_are_trusted(tmp_path):
    """A real (metadata-only) plugin distribution: its top-level packages become trusted."""
    info = tmp_path / "ginv_test_trusted-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: ginv-test-trusted\nVersion: 1.0\n")
    (info / "top_level.txt").write_text("trusted_groups\ntrusted_nets\n")
    (info / "entry_points.txt").write_text(
        textwrap.dedent("""\
            [ginv.groups]
            T = trusted_groups.plugin:family
        """)
    )
    (dist,) = distributions(path=[str(tmp_path)])
    points = dist.entry_points.select(group="ginv.groups")
    recorded = sections(generator={"class_path": "trusted_nets.Generator"})
    check_class_paths(recorded, "checkpoint 'x.ckpt'", points=points)
    with pytest.raises(DataError, match=r"'trusted_nets\.Generator'"):
        check_class_paths(recorded, "checkpoint 'x.ckpt'", points=[])
    check_class_paths(recorded, "checkpoint 'x.ckpt'", trust=True, points=[])
