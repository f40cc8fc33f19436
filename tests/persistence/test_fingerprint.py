"""A run's fingerprint is what it computes: speed switches and later defaults leave it alone."""

from __future__ import annotations

import copy

from ginv_lightning.experiment import differences, fingerprint

RECORDED = {  # the model: and data: sections as runs recorded them before `fast_path` and `every`
    "model": {
        "group": "C4",
        "penalty": {"class_path": "ginv_lightning.gan.penalties.R1", "init_args": {"gamma": 0.1}},
    },
    "data": {"class_path": "ginv_lightning.data.RotDigits", "init_args": {"batch_size": 64}},
}


def _with(**model: object) -> dict:
    sections = copy.deepcopy(RECORDED)
    for key, value in model.items():
        if key == "every":
            sections["model"]["penalty"]["init_args"]["every"] = value
        else:
            sections["model"][key] = value
    return sections


def test_the_fast_path_switch_is_not_part_of_a_run():
    for switch in (True, False):
        assert fingerprint(_with(fast_path=switch)) == fingerprint(RECORDED)
        assert differences(_with(fast_path=switch), RECORDED) == ""


def test_a_penalty_on_every_step_is_what_older_runs_computed_and_a_lazy_one_is_not():
    assert fingerprint(_with(every=1)) == fingerprint(RECORDED)
    assert fingerprint(_with(every=16)) != fingerprint(RECORDED)
    assert (
        differences(_with(every=16), RECORDED) == "model.penalty.init_args.every: 16 vs '(unset)'"
    )
    assert fingerprint(_with(group="D4")) != fingerprint(RECORDED)
