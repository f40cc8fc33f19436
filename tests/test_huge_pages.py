"""``ginv`` re-executes itself once with glibc's huge-page tunable, and only once."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ginv_lightning.huge_pages import TUNABLE, _glibc_has_tunable, _kernel_offers_huge_pages

PROBE = (
    "import os; from ginv_lightning.huge_pages import reexec_with_huge_pages; "
    "print('started', flush=True); reexec_with_huge_pages(); "
    "print(os.environ.get('GLIBC_TUNABLES'))"
)


def _probe(**env: str) -> list[str]:
    environment = {k: v for k, v in os.environ.items() if k != "GLIBC_TUNABLES"} | env
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


@pytest.mark.skipif(
    not (_glibc_has_tunable() and _kernel_offers_huge_pages()),
    reason="needs Linux with glibc 2.35+ and transparent huge pages not off",
)
def test_the_process_restarts_once_with_the_tunable_kept_beside_others():
    assert _probe() == ["started", "started", TUNABLE]
    kept = _probe(GLIBC_TUNABLES="glibc.malloc.arena_max=2")
    assert kept == ["started", "started", f"glibc.malloc.arena_max=2:{TUNABLE}"]


def test_an_opt_out_or_a_set_tunable_leaves_the_process_as_started():
    assert _probe(GINV_HUGE_PAGES="0") == ["started", "None"]
    assert _probe(GLIBC_TUNABLES="glibc.malloc.hugetlb=0") == ["started", "glibc.malloc.hugetlb=0"]
