"""``ginv data check``: RotDigits is C4-invariant within noise, upright digits are not.

The upright control is the same digits, unrotated, read back as a user's own
``.npz`` through ``ImageFiles``; the trivial group must give a ratio of exactly 1.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

import numpy as np
import pytest

from ginv_lightning.data.rotdigits import load_digit_images
from ginv_lightning.data.transforms import fit_to_canvas
from ginv_lightning.symmetry import GroupFamily, registry
from ginv_lightning.symmetry.escnn_group import EscnnGroup
from tests.cli.test_bad_settings_and_data import assert_clean_error

COLUMNS = ("GROUP", "D(A, g·B)", "FLOOR D(A, B)", "RATIO", "VERDICT")


def rows(stdout: str) -> dict[str, str]:
    """The table's lines by group name (the line after the header line's columns)."""
    lines = stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("GROUP"))
    assert all(column in lines[header] for column in COLUMNS)
    return {line.split()[0]: line for line in lines[header + 1 :] if line.strip()}


def test_rotated_digits_are_c4_invariant_within_noise(ginv):
    result = ginv("data", "check", "--config", "rotdigits_c4", "--groups", "C4", "C8",
                  "--repeats", "3")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "RotDigits, 1-channel 24x24 images, split train: 1257 images" in result.stdout
    table = rows(result.stdout)
    assert "whole grid" in table["C4"] and table["C4"].endswith("invariant (within noise)")
    # a 45-degree turn interpolates: compared inside the disc, upsampled, and still within noise
    assert table["C8"].endswith("inscribed disc, 96x96  invariant (within noise)")


def test_upright_digits_are_not_c4_invariant(ginv, tmp_path):
    images = fit_to_canvas(load_digit_images()[0], 24, scale=0.65)
    np.savez(tmp_path / "upright.npz", images=images.numpy())
    config = tmp_path / "upright.yaml"
    config.write_text(
        "data:\n  class_path: ginv_lightning.data.ImageFiles\n"
        f"  init_args:\n    path: {tmp_path / 'upright.npz'}\n    image_size: 24\n"
    )
    result = ginv("data", "check", "--config", str(config), "--groups", "C4", "C8", "trivial",
                  "--repeats", "3")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    table = rows(result.stdout)
    assert table["C4"].endswith("not invariant")
    assert table["C8"].endswith("not invariant")
    assert table["trivial"].endswith("invariant (within noise)")
    assert " 1.00 " in table["trivial"]  # the identity moves nothing: D_g is the floor itself


def _voxel_identity() -> EscnnGroup:
    from escnn import gspaces

    return EscnnGroup("Voxels", gspaces.trivialOnR3())


VOXELS = GroupFamily(_voxel_identity, "the identity of 3-D grids", order="1", acts_on="3-D grid")


def test_a_group_of_3d_grids_is_refused_on_images(ginv, monkeypatch):
    points = [*entry_points(group=registry.ENTRY_POINT_GROUP),
              EntryPoint("Voxels", f"{__name__}:VOXELS", registry.ENTRY_POINT_GROUP)]  # fmt: skip
    monkeypatch.setattr(registry, "default_registry", lambda: registry.GroupRegistry(points))
    result = ginv("data", "check", "--config", "rotdigits_c4", "--groups", "C4", "Voxels")
    assert_clean_error(result, "Voxels acts on 3-D space", "1-channel 24x24 images")
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--config", "no_such_config"), "neither a file nor a shipped config"),
        (("--config", "rotdigits_c4", "--repeats", "1"), "--repeats must be >= 2"),
    ],
)
def test_bad_arguments_are_one_line(ginv, args, fragment):
    result = ginv("data", "check", *args, "--groups", "C4")
    assert_clean_error(result, fragment)


def test_a_config_without_data_is_one_line(ginv, tmp_path):
    config = tmp_path / "model_only.yaml"
    config.write_text("model:\n  group: C4\n")
    assert_clean_error(ginv("data", "check", "--config", str(config), "--groups", "C4"), "no data:")
