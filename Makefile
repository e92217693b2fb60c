# minigrad: every command a newcomer needs. `make test` and `make chapter-11` do their own set-up.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
QUICK  ?=
JOBS   ?= $(shell nproc 2>/dev/null || echo 1)
OUT    ?= out/ch11

# Data files that no package registry ships (the airfoil file) may lie in ../shared/data beside the clone; the
# loaders search the folders listed in MINIGRAD_DATA. The installed package itself knows nothing of this layout.
SHARED_DATA := $(wildcard $(abspath ../shared/data))
ifneq ($(SHARED_DATA),)
export MINIGRAD_DATA := $(SHARED_DATA)$(if $(MINIGRAD_DATA),:$(MINIGRAD_DATA))
endif

.PHONY: help install test lint data chapter-11 chapter-2 tour bench clean

help:
	@echo "make test         create $(VENV), install minigrad with its test extra, run the whole suite"
	@echo "make lint         ruff: pyflakes, pycodestyle and import order (the rules are in pyproject.toml)"
	@echo "make chapter-11   run every section of d2l chapter 11 and write $(OUT)/report.md (QUICK=1: quick mode;"
	@echo "                  JOBS=N: N scripts at a time, 11.11's runs in their own processes (default: the cores;"
	@echo "                  JOBS=1: one script at a time, each on every core); RESUME=1: continue)"
	@echo "make chapter-2    run d2l section 2.5 (autograd) with graphs and backward traces; writes out/ch02/report.md"
	@echo "make tour         the guided tour of the engine (6 scripts, every claim checked); writes out/tour/report.md"
	@echo "make data         find the chapter's data sets, or install / download them"
	@echo "make bench        LeNet training steps, minigrad against PyTorch (when installed); a real epoch and a step, piece by piece;"
	@echo "                  what 11.11's 150 epochs cost in each engine here"
	@echo "make clean        remove $(VENV) and out/"

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

test: install
	$(PY) -m pytest -q

lint: install
	$(PY) -m ruff check .

data: install
	scripts/install-system-data
	$(PY) -m minigrad.data.fetch

# No `data` prerequisite: run_all runs `python -m minigrad.data.fetch` (what `make data` runs) before the first
# section that needs data, so a missing data set fails only those sections. QUICK=0 means full mode. Every JOBS prints
# the same lines (one BLAS thread per process, and minigrad's own threads change no bit: see minigrad/threads.py).
chapter-11: install
	$(PY) -m chapters.ch11.run_all --out $(OUT) --jobs $(JOBS) $(if $(filter-out 0,$(QUICK)),--quick,)

chapter-2: install
	$(PY) -m chapters.ch02.run_all --out out/ch02 $(if $(filter-out 0,$(QUICK)),--quick,)

tour: install
	$(PY) -m chapters.tour.run_all --out out/tour $(if $(filter-out 0,$(QUICK)),--quick,)

bench: install data
	$(PY) benchmarks/lenet_bench.py
	$(PY) benchmarks/epoch_breakdown.py
	$(PY) benchmarks/step_profile.py
	$(PY) benchmarks/chapter_floor.py

clean:
	rm -rf $(VENV) out
