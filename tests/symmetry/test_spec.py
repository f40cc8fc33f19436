"""Parsing group names and parameters, and the errors for bad ones."""

from __future__ import annotations

import pytest

from ginv_lightning.symmetry import GroupRegistry, GroupSpecError, UnknownGroupError


@pytest.fixture(scope="module")
def registry():
    """The built-in groups alone: the plugins the suite installs would add their names."""
    builtin = [
        e.entry_point for e in GroupRegistry().entries() if e.distribution == "ginv-lightning"
    ]
    return GroupRegistry(builtin)


@pytest.mark.parametrize(
    ("spec", "name", "params"),
    [
        ("C4", "C", {"n": 4}),
        ("C12", "C", {"n": 12}),
        ("D1", "D", {"n": 1}),
        ("flip", "flip", {}),
        ("SO2", "SO2", {}),
        ("O2", "O2", {}),
        ({"name": "SO2", "bandwidth": 6}, "SO2", {"bandwidth": 6}),
        ({"name": "C", "n": 3}, "C", {"n": 3}),
        ({"name": "D8"}, "D", {"n": 8}),
    ],
)
def test_shorthand_and_explicit_forms(registry, spec, name, params):
    parsed = registry.parse(spec)
    assert parsed.name == name
    assert dict(parsed.params) == params


@pytest.mark.parametrize(
    ("spec", "expected_name", "order"),
    [("C4", "C4", 4), ("D4", "D4", 8), ("flip", "flip", 2), ("trivial", "trivial", 1)],
)
def test_resolved_groups_have_their_order(registry, spec, expected_name, order):
    symmetry = registry.resolve(spec)
    assert symmetry.name == expected_name
    assert symmetry.order == order
    assert len(symmetry.elements()) == order


def test_continuous_groups_take_a_bandwidth(registry):
    so2 = registry.resolve({"name": "SO2", "bandwidth": 3})
    assert so2.order is None and not so2.is_finite
    assert so2.bandwidth == 3
    with pytest.raises(ValueError, match="continuous"):
        so2.elements()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("C0", r"'n' must be an integer >= 1, got 0"),
        ("C-3", r"'n' must be an integer >= 1, got -3"),
        ("D1.5", r"needs an integer n >= 1 after the name \(e.g. D4\), got '1.5'"),
        ({"name": "SO2", "bandwidth": -1}, r"'bandwidth' must be an integer >= 1, got -1"),
        ({"name": "SO2", "bandwidth": 2.5}, r"'bandwidth' must be an integer >= 1, got 2.5"),
        ({"name": "SO2", "order": 4}, r"does not take \['order'\]; write it as SO2 or"),
        ({"name": "C"}, r"needs \['n'\]; write it as C<n> \(e.g. C4\)"),
        ("flip2", r"takes no number after its name"),
        ({"bandwidth": 2}, r"needs a 'name' key"),
        (4, r"a group is a name such as 'C4'"),
    ],
)
def test_malformed_specs_say_what_is_accepted(registry, spec, message):
    with pytest.raises(GroupSpecError, match=message):
        registry.resolve(spec)


def test_unknown_group_lists_installed_names(registry):
    with pytest.raises(UnknownGroupError) as info:
        registry.resolve("Icosahedral")
    message = str(info.value)
    assert "unknown group 'Icosahedral'" in message
    for name in ("C", "D", "O2", "SO2", "flip", "trivial"):
        assert name in message


@pytest.mark.parametrize(
    ("spec", "hint"),
    [
        ("c8", "(did you mean 'C8'?)"),
        ("SO3", "(did you mean 'SO2'?)"),
        ("Flip", "(did you mean 'flip'?)"),
        ({"name": "trivail"}, "(did you mean 'trivial'?)"),
    ],
)
def test_unknown_group_suggests_the_closest_installed_names(registry, spec, hint):
    with pytest.raises(UnknownGroupError) as info:
        registry.resolve(spec)
    assert hint in str(info.value)
    assert "\n" not in str(info.value)
