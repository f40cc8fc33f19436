"""The two groups are found through their entry points and described properly."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest

from ginv_lightning.symmetry import default_registry, resolve_group

ORDERS = {"octahedral": 24, "full_octahedral": 48}


@pytest.mark.parametrize(("name", "order"), ORDERS.items())
def test_groups_come_from_this_distribution_and_act_on_3d_grids(name, order):
    (entry,) = [e for e in default_registry().entries() if e.name == name]
    assert (entry.distribution, entry.version) == ("ginv-volumetric", "0.1.0")
    assert entry.load().order == str(order)
    symmetry = resolve_group(name)
    assert (symmetry.name, symmetry.order, symmetry.dimensionality) == (name, order, 3)
    assert symmetry.gspace.name.startswith(
        "Octahedral_on_R3" if order == 24 else "FullOctahedral_on_R3"
    )


def test_names_clash_with_no_builtin_group():
    builtin = {e.name for e in default_registry().entries() if e.distribution == "ginv-lightning"}
    assert not builtin & set(ORDERS)
    for name in ORDERS:
        assert not default_registry().duplicates_of(name)


def test_groups_list_shows_both_groups(ginv, tmp_path):
    result = ginv("groups", "list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    for name, order in ORDERS.items():
        assert rows[name].split()[1] == str(order)
        assert "3-D voxel grids" in rows[name]
        assert "ginv-volumetric  0.1.0" in rows[name]
        assert rows[name].rstrip().endswith("loaded")


def test_groups_show_names_every_element_and_finds_all_exact(ginv, tmp_path):
    result = ginv("groups", "show", "full_octahedral", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "grid dimension: 3" in result.stdout
    elements = [line.strip() for line in result.stdout.splitlines() if line.startswith("  ")]
    assert len(elements) == 48 and all(line.endswith("]: exact") for line in elements)
    assert len(set(elements)) == 48
    assert "rotation by 90 deg about z [(x, y, z) -> (-y, x, z)]: exact" in elements
    assert "[Memory]" not in result.stdout  # escnn's cache chatter is silenced


def test_element_names_match_the_geometry():
    """Each label's kind, angle and coordinate map agree with the element's matrix."""
    symmetry = resolve_group("full_octahedral")
    kinds = Counter()
    for g in symmetry.elements():
        matrix = np.rint(symmetry.gspace.basespace_action(g)).astype(int)
        label = symmetry.element_label(g)
        kind = label.split(" ")[0]
        kinds[kind] += 1
        mapped = re.search(r"-> \((.*)\)\]", label)[1].split(", ")
        point = {"x": 1, "y": 10, "z": 100}
        values = [-point[c[1]] if c.startswith("-") else point[c] for c in mapped]
        assert values == (matrix @ np.array([1, 10, 100])).tolist(), label
        determinant = round(np.linalg.det(matrix))
        assert determinant == (1 if kind in ("identity", "rotation") else -1), label
        angle = re.search(r"by (\d+) deg", label)
        if kind == "rotation":  # a rotation by a degrees has order 360 / a
            order = 360 // int(angle[1])
            assert np.array_equal(np.linalg.matrix_power(matrix, order), np.eye(3)), label
            assert not np.array_equal(np.linalg.matrix_power(matrix, order - 1), np.eye(3))
        if kind == "reflection":
            assert np.array_equal(matrix @ matrix, np.eye(3)) and np.trace(matrix) == 1
    assert kinds == {
        "identity": 1, "rotation": 23, "reflection": 9, "inversion": 1, "rotoreflection": 14,
    }  # fmt: skip


def test_listing_the_groups_imports_neither_torch_nor_escnn(plugin_site):
    code = (
        "import sys\n"
        "from ginv_lightning.commands.groups import format_listing\n"
        "from ginv_lightning.symmetry import default_registry\n"
        "assert 'octahedral' in format_listing(default_registry())\n"
        "print(sorted(m for m in ('torch', 'escnn', 'lightning') if m in sys.modules))\n"
    )
    path = os.pathsep.join(filter(None, [str(plugin_site), os.environ.get("PYTHONPATH")]))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": path}, check=True)  # fmt: skip
    assert result.stdout.strip() == "[]"
