# hrqa developer and CI entry points. Everything runs from the project venv .venv/.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The CPU build on this machine's disk; a plain `torch` resolves to a multi-GB CUDA build.
TORCH_SPEC := torch==2.13.0
# Extras installed into the venv; CI adds llm (xllamacpp) and bench (the tutorial recipe bench/quality.py compares).
EXTRAS ?= ui,dev
# The stamp is named after pyproject.toml's content and the extras, so an edit there reinstalls and a
# second `make install` on an unchanged file does nothing.
INSTALL_STAMP := $(VENV)/.installed-$(shell (cat pyproject.toml; echo '$(EXTRAS)') | sha256sum | cut -c1-16)
DATA_DIR ?= $(or $(HRQA_DATA_DIR),$(CURDIR)/.hrqa)
CORPUS ?= examples/corpus
PYTEST_ARGS ?=
SERVE_ARGS ?=

# Models come from installed packages; nothing may reach for the Hugging Face hub.
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export ANONYMIZED_TELEMETRY := False

.PHONY: help install ingest run test lint bench clean distclean

help:
	@echo "make install  create .venv and install hrqa[ui,dev] (no-op when up to date)"
	@echo "make ingest   index $(CORPUS) into $(DATA_DIR)"
	@echo "make run      install, ingest, then serve the web UI"
	@echo "make test     run the whole test suite (PYTEST_ARGS=... to narrow it)"
	@echo "make lint     ruff and mypy (LINT_PATHS=... to narrow them)"
	@echo "make bench    run the benchmark suite (bench/run_all.sh, full size)"
	@echo "make clean    remove caches, build output and .hrqa/; distclean also .venv"

install: $(INSTALL_STAMP)

$(INSTALL_STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH_SPEC)
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	@# the ONNX export of the packaged model, once per user: the query path then never imports torch
	$(BIN)/python -m vectorstore.onnx_encoder $(HRQA_MODEL_CACHE)
	@rm -f $(VENV)/.installed-*
	@touch $@

ingest: install
	HRQA_DATA_DIR=$(DATA_DIR) $(BIN)/hrqa ingest $(CORPUS)

run: ingest
	HRQA_DATA_DIR=$(DATA_DIR) $(BIN)/hrqa serve $(SERVE_ARGS)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

LINT_PATHS ?= assistant ingest vectorstore prompts bench tests
lint: install
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/mypy $(LINT_PATHS)

# The full benchmark suite (100k-passage scale runs included); CI runs the quick variant via .ci/run.
bench:
	$(MAKE) install EXTRAS=ui,dev,bench
	HRQA_BENCH_QUICK=0 bash bench/run_all.sh

clean:
	rm -rf build dist *.egg-info .pytest_cache .hrqa
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
