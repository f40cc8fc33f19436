# Set-up and the two everyday commands. `make run` trains the main job on the
# embedded digits; `make test` runs the test suite. Both set up the virtual
# environment first, from nothing, on a fresh machine.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CONFIG ?= configs/rotdigits_c4.yaml

.PHONY: setup run test lint bench clean gpu-check

setup: $(VENV)/.installed

# escnn requires py3nj, whose build needs a Fortran compiler: install Debian's
# gfortran when it is missing and we may (root with apt-get); otherwise say so.
$(VENV)/.installed: pyproject.toml setup.py constraints.txt
	@command -v gfortran >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get install -y -q gfortran || (apt-get update -q && apt-get install -y -q gfortran)) >/dev/null; \
	  else \
	    echo "escnn needs py3nj, which needs a Fortran compiler: install gfortran (e.g. apt-get install gfortran) and re-run" >&2; exit 1; \
	  fi; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --no-compile -c constraints.txt -e '.[dev]'
	@# pip compiles every installed module on one core; compileall uses all of them. torch ships
	@# one file for Python 3.12 only, which pip skipped too.
	$(BIN)/python -m compileall -q -j 0 -x 'py312_intrinsics\.py$$' $(VENV)/lib
	touch $@

run: setup
	$(BIN)/ginv fit --config $(CONFIG)

test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest -q -n auto --dist loadfile --no-loadscope-reorder --durations=15

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Every CUDA check in one go (bench, bf16/16-mixed fits, DDP, a compare), within 9 minutes; results
# in docs/bench/gpu/. Without CUDA it says so and succeeds.
gpu-check: setup
	$(BIN)/python -m ginv_lightning.benchmark.gpu_check --out docs/bench/gpu

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
