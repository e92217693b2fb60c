# minigrad: every command a newcomer needs. `make test` and `make chapter-11` do their own set-up.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
QUICK  ?=
OUT    ?= out/ch11

.PHONY: help install test data chapter-11 bench clean

help:
	@echo "make test         create $(VENV), install minigrad with its test extra, run the whole suite"
	@echo "make chapter-11   run every section of d2l chapter 11 and write $(OUT)/report.md (QUICK=1: quick mode)"
	@echo "make data         find the chapter's data sets, or install / download them"
	@echo "make bench        LeNet training steps, minigrad against PyTorch (when installed)"
	@echo "make clean        remove $(VENV) and out/"

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

test: install
	$(PY) -m pytest -q

data: install
	$(PY) -m minigrad.data.fetch

chapter-11: install data
	$(PY) -m chapters.ch11.run_all --out $(OUT) $(if $(QUICK),--quick,)

bench: install
	$(PY) benchmarks/lenet_bench.py

clean:
	rm -rf $(VENV) out
