# Two commands do all the set-up on a fresh machine (see README):
#   make run   - bootstrap, then serve the web app on the embedded default models
#   make test  - bootstrap, then run the whole test suite on the real components
# Every step is idempotent: stamps under .venv/.stamps skip finished work, and
# `models fetch` only hashes what changed.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMPS := $(VENV)/.stamps
LLAMA_CPP_REQ := llama-cpp-python[server]==0.3.36

TEST_MODELS := whisper-tiny.en whisper-base piper-joe-medium smollm2-135m
RUN_MODELS  := whisper-tiny.en piper-joe-medium qwen2.5-coder-1.5b

.PHONY: run test bootstrap models-test models-run system-deps clean-venv

run: bootstrap models-run
	$(PY) run_agent.py serve

test: bootstrap models-test system-deps
	scripts/run-tests.sh

bootstrap: $(STAMPS)/project $(STAMPS)/llama-cpp

models-test: $(STAMPS)/project
	$(PY) run_agent.py models fetch $(TEST_MODELS)

models-run: $(STAMPS)/project
	$(PY) run_agent.py models fetch $(RUN_MODELS)

system-deps:
	scripts/ensure-debian-packages.sh chromium chromium-driver

$(STAMPS)/venv:
	scripts/make-venv.sh $(VENV)
	mkdir -p $(STAMPS) && touch $@

$(STAMPS)/project: pyproject.toml $(STAMPS)/venv
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	touch $@

# Built from source once (~12 min on 2 cores); pip's wheel cache makes reinstalls take seconds.
$(STAMPS)/llama-cpp: $(STAMPS)/venv
	@echo "Installing $(LLAMA_CPP_REQ) (first build compiles llama.cpp: ~12 min on 2 cores)..."
	CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) $(PIP) install --quiet '$(LLAMA_CPP_REQ)'
	touch $@

clean-venv:
	rm -rf $(VENV)
