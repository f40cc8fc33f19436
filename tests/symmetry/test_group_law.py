"""The contract's group law: the built-in groups act as groups; a plugin that does not is named."""

from __future__ import annotations

import pytest

from ginv_lightning.symmetry import resolve_group
from ginv_lightning.symmetry.contract import GroupAction
from ginv_lightning.symmetry.group_law import check_group_law
from tests.conftest import run_ginv


@pytest.mark.parametrize("spec", ["trivial", "C2", "C4", "C8", "D1", "D4", "flip"])
def test_every_builtin_group_obeys_the_law_on_its_exact_elements(spec):
    symmetry = resolve_group(spec)
    assert isinstance(symmetry, GroupAction)
    law = check_group_law(symmetry)
    assert law.violation is None and law.pairs == 16, str(law)


def test_a_continuous_group_says_that_it_compared_no_pair():
    law = check_group_law(resolve_group("SO2"))
    assert law.violation is None and law.pairs == 0
    assert str(law) == "identity checked; no pair of exactly acting elements was drawn"


def test_composition_in_the_wrong_order_is_caught():
    d4 = resolve_group("D4")

    class Backwards(type(d4)):
        def compose(self, g, h):
            return h @ g  # D4 is not commutative: h g acts otherwise than g h

    law = check_group_law(Backwards(d4.name, d4.gspace))
    assert law.violation is not None and law.violation.startswith("act(g, act(h, x)) != act(gh, x)")


def test_groups_show_check_passes_for_a_group_and_names_a_broken_action(plugin_site):
    result = run_ginv("groups", "show", "D4", "--check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "check: group law holds: identity and 16 random pairs (g, h) on random data"
    )
    result = run_ginv("groups", "show", "SquaredShifts", "--check", extra_path=plugin_site)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("ginv: error: SquaredShifts: the action breaks the group law: ")
    assert "act(g, act(h, x)) != act(gh, x) for g = " in line


def test_a_group_whose_action_fails_on_its_own_data_gets_a_verdict_not_a_traceback():
    """An escnn group on a gspace with no base space (an S3 written as D3) cannot act on
    the data it offers itself; the check says so in one line (it used to raise)."""
    from escnn import group, gspaces

    from ginv_lightning.symmetry.escnn_group import EscnnGroup

    law = check_group_law(EscnnGroup("S3", gspaces.no_base_space(group.dihedral_group(3))))
    assert not law.passed and law.violation is None and law.pairs == 0
    assert str(law).startswith("the action could not be checked: acting on its own example "
                               "data failed (ValueError: S3 moves points of R^0")  # fmt: skip
    assert "\n" not in str(law)
