# returnmatch — the two commands of the README are `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-12)

.PHONY: run test test-fast embeddings coder evaluate bench clean

# The environment: CPU PyTorch first (pinned: an unpinned torch pulls CUDA builds), then the project.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)  ## the service on http://127.0.0.1:8000 with SQLite and demo data
	$(BIN)/returnmatch serve --demo

test: $(STAMP)  ## the whole test suite, SQLite and a real PostgreSQL
	$(BIN)/python -m pytest -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not postgres"

embeddings: $(STAMP)  ## (re)build the cached label embeddings
	$(BIN)/returnmatch build-embeddings

coder: $(STAMP)  ## retrain the occupation coder's combiner (taxonomy data and aliases only)
	$(BIN)/returnmatch build-coder

evaluate: $(STAMP)  ## the coder against two baselines on the dev, held-out and multilingual sets
	$(BIN)/python -m bench.evaluate_coder --json var/eval/coder.json

bench: $(STAMP)
	$(BIN)/python -m bench.startup
	$(BIN)/python -m bench.coder_speed

clean:
	rm -rf var .pytest_cache
