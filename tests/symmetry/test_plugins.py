"""Plugins through real installed distributions: discovery, broken plugins, conflicts, laziness."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import distributions, version

import pytest

from ginv_lightning.symmetry import (
    BrokenGroupPluginError,
    DuplicateGroupError,
    GroupRegistry,
)
from ginv_lightning.symmetry.registry import ENTRY_POINT_GROUP
from tests.conftest import run_ginv


@pytest.fixture(scope="module")
def registry(plugin_site) -> Iterator[GroupRegistry]:
    """The built-in groups plus the test plugins, with their install directory on sys.path."""
    sys.path.insert(0, str(plugin_site))
    try:
        yield GroupRegistry(
            point
            for dist in distributions()
            for point in dist.entry_points
            if point.group == ENTRY_POINT_GROUP
        )
    finally:
        sys.path.remove(str(plugin_site))
        for name in [m for m in sys.modules if m.startswith("ginv_test_")]:
            del sys.modules[name]


def test_builtin_groups_register_through_entry_points():
    # other installed plugins (e.g. plugins/ginv-volumetric) may add names; ours are exactly these
    ours = {e.name for e in GroupRegistry().entries() if e.distribution == "ginv-lightning"}
    assert ours == {"trivial", "C", "D", "flip", "SO2", "O2"}


def test_third_party_group_is_usable(registry):
    hexagonal = registry.resolve("Hex")
    assert hexagonal.order == 6
    entry = next(e for e in registry.entries() if e.name == "Hex")
    assert (entry.distribution, entry.version) == ("ginv-test-extra", "1.2.3")


def test_broken_plugin_is_reported_and_others_still_work(registry):
    broken = next(e for e in registry.entries() if e.name == "Broken")
    assert broken.error == (
        "ImportError: ginv_test_broken needs the package 'not-installed-anywhere'"
    )
    with pytest.raises(BrokenGroupPluginError, match="not-installed-anywhere"):
        registry.resolve("Broken")
    assert registry.resolve("C8").order == 8  # not C4: ginv-test-impostor shadows it here
    assert registry.resolve("Hex").order == 6


def test_a_build_that_raises_is_one_line_naming_the_plugin(registry):
    with pytest.raises(BrokenGroupPluginError) as info:
        registry.resolve("boom")
    assert str(info.value) == (
        "group 'boom' from ginv-test-boom 0.1 is broken: RuntimeError: reinstall ginv-test-boom"
    )
    assert isinstance(info.value.__cause__, RuntimeError)  # kept for the plugin's author


def test_a_build_that_raises_gives_no_traceback_on_the_cli(plugin_site):
    result = run_ginv("groups", "show", "boom", extra_path=plugin_site)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "ginv: error: group 'boom' from ginv-test-boom 0.1 is broken: "
        "RuntimeError: reinstall ginv-test-boom"
    ]


def test_a_plugin_cannot_shadow_a_builtin_shorthand(registry):
    for spec in ("C4", {"name": "C4"}):
        with pytest.raises(DuplicateGroupError) as info:
            registry.resolve(spec)
        message = str(info.value)
        assert "ginv-test-impostor 0.1.0 registers 'C4'" in message
        assert f"ginv-lightning {version('ginv-lightning')} registers C<n> (n=4)" in message
        assert "uninstall one of them" in message
    c8 = registry.resolve("C8")  # not shadowed: still the built-in
    assert (c8.name, c8.order) == ("C8", 8)
    assert registry.find("C8").entry.distribution == "ginv-lightning"


def test_two_plugins_families_cannot_overlap(registry):
    # ginv-test-extra registers Rot<n>, ginv-test-impostor Rot2<n>: Rot23 is Rot(23) or Rot2(3)
    for spec in ("Rot23", "Rot2"):
        with pytest.raises(DuplicateGroupError) as info:
            registry.resolve(spec)
        assert "ginv-test-extra 1.2.3 registers Rot<n>" in str(info.value)
        assert "ginv-test-impostor 0.1.0 registers" in str(info.value)
    assert registry.resolve("Rot5").order == 5


def test_shadowing_from_the_cli(plugin_site):
    result = run_ginv("groups", "show", "C4", extra_path=plugin_site)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert "ginv-test-impostor 0.1.0" in result.stderr and "ginv-lightning" in result.stderr


def test_two_distributions_registering_one_name_is_an_error_naming_both(registry):
    with pytest.raises(DuplicateGroupError) as info:
        registry.resolve("Twin")
    assert "ginv-test-extra 1.2.3" in str(info.value)
    assert "ginv-test-twin 0.0.1" in str(info.value)


def test_groups_list_cli_shows_every_plugin_and_its_status(plugin_site):
    result = run_ginv("groups", "list", extra_path=plugin_site)
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    assert "ginv-lightning" in lines["C<n>"] and "loaded" in lines["C<n>"]
    assert "rotations of the plane by multiples of 360/n degrees" in lines["C<n>"]
    assert "rotations of the cube, acting on 3-D grids" in lines["Cube"]
    assert lines["SO2"].split()[1] == "continuous"
    assert "ginv-test-extra" in lines["Hex"] and "1.2.3" in lines["Hex"]
    assert "broken: ImportError: ginv_test_broken needs" in lines["Broken"]
    twins = [line for line in result.stdout.splitlines() if line.startswith("Twin")]
    assert len(twins) == 2 and all("conflict: also registered by" in line for line in twins)
    assert lines["C4"].endswith(
        f"conflict: also C<n> (n=4) of ginv-lightning {version('ginv-lightning')}; uninstall one"
    )
    assert lines["C<n>"].endswith("loaded, except C4 (conflict)")
    assert "conflict: also Rot<n> (n=2) of ginv-test-extra 1.2.3" in lines["Rot2<n>"]
    assert lines["Rot<n>"].endswith("loaded, except Rot2 (conflict)")
    assert lines["boom"].endswith("loaded")  # listing never calls build()


def test_groups_list_says_what_each_group_acts_on(plugin_site):
    result = run_ginv("groups", "list", extra_path=plugin_site)
    header, *rows = result.stdout.splitlines()
    assert header.split()[:4] == ["NAME", "ORDER", "ACTS", "ON"]
    start = header.index("ACTS ON")
    acts_on = {row.split()[0]: row[start:].split("  ")[0] for row in rows}
    assert acts_on["C<n>"] == acts_on["SO2"] == "2-D grid, 2-D points"
    assert acts_on["Cube"] == "3-D grid"


def test_using_a_broken_group_from_the_cli_gives_its_message(plugin_site):
    result = run_ginv("groups", "show", "Broken", extra_path=plugin_site)
    assert result.returncode == 2
    assert "not-installed-anywhere" in result.stderr
    assert "Traceback" not in result.stderr


def test_groups_show_reports_exactness_per_element():
    result = run_ginv("groups", "show", "C8")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": exact") == 4
    assert result.stdout.count(": interpolated") == 4
    assert "gspace: C8_on_R2" in result.stdout


def test_groups_show_names_elements_as_the_group_chooses():
    from escnn import gspaces

    from ginv_lightning.symmetry.escnn_group import EscnnGroup

    class Quarters(EscnnGroup):
        def element_label(self, element):
            return f"{90 * element.to('int')} degrees"

    described = Quarters("C4", gspaces.rot2dOnR2(4)).describe()
    assert described["elements"] == [f"{a} degrees: exact" for a in (0, 90, 180, 270)]


def test_listing_imports_no_heavy_code(plugin_site):
    code = (
        "import sys, json\n"
        "from ginv_lightning.commands.groups import format_listing\n"
        "from ginv_lightning.symmetry import default_registry\n"
        "format_listing(default_registry())\n"
        "heavy = ('torch', 'escnn', 'lightning')\n"
        "print(json.dumps(sorted(m for m in heavy if m in sys.modules)))\n"
    )
    env_path = str(plugin_site)
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": env_path, "PATH": ""},
        check=True,
    )
    assert json.loads(result.stdout) == []


def test_help_is_fast_and_lists_commands():
    result = run_ginv("--help")
    assert result.returncode == 0
    for command in ("fit", "groups", "sample"):
        assert command in result.stdout


def test_plugins_written_against_the_old_name_still_get_the_escnn_group():
    from ginv_lightning.symmetry.base import Symmetry
    from ginv_lightning.symmetry.escnn_group import EscnnGroup

    assert Symmetry is EscnnGroup
