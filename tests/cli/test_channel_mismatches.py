"""Colour mismatches, each one clear line (rc 2) before anything is trained or created.

An image folder or ``.npz`` whose channel count differs from ``data.channels``
used to be converted silently (colour averaged away, grey copied into fake
RGB); the grey digit classifier was handed RGB data. All run
:func:`ginv_lightning.cli.main` in this process, in ``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.cli.conftest import Outcome
from tests.conftest import REPO

FIT = ("fit", "--config", str(REPO / "configs/rotdigits_c4.yaml"), "--trainer.max_steps", "2",
       "--trainer.enable_progress_bar", "false", "--data", "ginv_lightning.data.ImageFiles",
       "--data.init_args.image_size", "16")  # fmt: skip


def assert_one_line(result: Outcome, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "ginv: error:" in line]
    for fragment in fragments:
        assert fragment in line, line


def created(folder: Path, *existing: str) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.name not in existing)


def image_folder(folder: Path, mode: str) -> list[str]:
    """40 small images in ``mode`` (``L`` grey, ``RGB`` in real colour); their names."""
    folder.mkdir()
    rng = np.random.default_rng(0)
    shape = (16, 16) if mode == "L" else (16, 16, 3)
    for i in range(40):
        Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode).save(folder / f"{i}.png")
    return ["images"] + [f"images/{i}.png" for i in range(40)]


def test_rgb_folder_with_one_channel(ginv, tmp_path):
    files = image_folder(tmp_path / "images", "RGB")
    result = ginv(*FIT, "--data.init_args.path", "images", "--data.init_args.channels", "1")
    assert_one_line(result, "image file 'images/0.png' is in colour (3 channels)",
                    "data.init_args.channels is 1", "set data.init_args.channels 3")  # fmt: skip
    assert created(tmp_path) == sorted(files)


def test_grey_folder_with_three_channels(ginv, tmp_path):
    files = image_folder(tmp_path / "images", "L")
    result = ginv(*FIT, "--data.init_args.path", "images", "--data.init_args.channels", "3")
    assert_one_line(result, "image file 'images/0.png' is grey (1 channel)",
                    "data.init_args.channels is 3", "set data.init_args.channels 1")  # fmt: skip
    assert created(tmp_path) == sorted(files)


@pytest.mark.parametrize(
    ("shape", "channels", "found"),
    [((40, 16, 16, 3), 1, 3), ((40, 3, 16, 16), 1, 3), ((40, 16, 16), 3, 1)],
)
def test_npz_whose_channels_differ(shape, channels, found, ginv, tmp_path):
    np.savez(tmp_path / "data.npz", images=np.random.default_rng(0).random(shape))
    result = ginv(*FIT, "--data.init_args.path", "data.npz",
                  "--data.init_args.channels", str(channels))  # fmt: skip
    assert_one_line(result, f"data.path 'data.npz' holds images of shape {shape}",
                    f"({found} channel", f"data.init_args.channels is {channels}",
                    f"set data.init_args.channels {found}")  # fmt: skip
    assert created(tmp_path) == ["data.npz"]


def test_digit_features_on_rgb_data(ginv, tmp_path):
    np.savez(tmp_path / "data.npz", images=np.random.default_rng(0).random((40, 16, 16, 3)))
    result = ginv(*FIT, "--data.init_args.path", "data.npz", "--data.init_args.channels", "3",
                  "--metrics.features", "digits")  # fmt: skip
    assert_one_line(result, "metrics.features: 'digits'", "needs 1-channel 2-D images",
                    "3 channels", "metrics.features: inception",
                    "metrics.features: none")  # fmt: skip
    assert created(tmp_path) == ["data.npz"]
