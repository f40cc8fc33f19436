"""escnn's numerical bases computed the same way every time, whatever the global RNG holds.

escnn finds change-of-basis matrices and intertwiner bases numerically: null
spaces through scikit-learn's ``randomized_svd`` with ``random_state=None`` and
an orthogonal matrix through pymanopt's ``TrustRegions`` from a random start,
and Clebsch-Gordan coefficients of continuous groups from constraints at
``G.sample()`` elements, all drawing from numpy's global generator; and it
caches the results on disk (joblib, inside its package). Any orthonormal basis
of a null space is valid, but which one came out depended on numpy's state at
the first computation, and the cache kept it: the same seeded D4 network initialised and trained
differently depending on what a process, or an earlier one through the cache,
had computed first (a comparison cell's SWD 1538 in one session, 1773 in
another; a D4 discriminator's output -0.086 or -0.062 from the same seed; an
O2 generator's interpolation error 0.24 or 0.34). Here
both draw from their own generator with a fixed seed, so a basis is a function
of its inputs and the caller's numpy state is neither read nor consumed. (A
cache filled before this was installed keeps its entries: delete escnn's
``group/_cache`` folder to recompute them.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

SEED = 0
_installed = False


@contextmanager
def _fixed_numpy_state() -> Iterator[None]:
    """numpy's global generator seeded with ``SEED`` inside, restored to the caller's after."""
    saved = np.random.get_state()
    np.random.seed(SEED)
    try:
        yield
    finally:
        np.random.set_state(saved)


def install() -> None:
    """Patch escnn's numerical module once (its module globals, looked up at each call)."""
    global _installed
    if _installed:
        return
    from escnn.group import _clebsh_gordan, _numerical

    svd = _numerical.randomized_svd
    if svd is not None:

        def seeded_randomized_svd(*args: Any, **kwargs: Any) -> Any:
            kwargs["random_state"] = SEED
            return svd(*args, **kwargs)

        _numerical.randomized_svd = seeded_randomized_svd
    if _numerical.pymanopt is not None:

        class SeededTrustRegions(_numerical.TrustRegions):
            def run(self, *args: Any, **kwargs: Any) -> Any:
                with _fixed_numpy_state():
                    return super().run(*args, **kwargs)

        _numerical.TrustRegions = SeededTrustRegions
    for name in ("_clebsh_gordan_tensor", "_find_tensor_decomposition"):
        setattr(_clebsh_gordan, name, _seeded(getattr(_clebsh_gordan, name)))
    _installed = True


def _seeded(find: Any) -> Any:
    """``find`` (a joblib-cached escnn function) run with numpy's generator seeded: the
    Clebsch-Gordan solvers build their constraints from ``G.sample()`` draws."""

    def seeded(*args: Any, **kwargs: Any) -> Any:
        with _fixed_numpy_state():
            return find(*args, **kwargs)

    seeded.__wrapped__ = find  # type: ignore[attr-defined]
    return seeded
