# The two commands a new machine needs:
#   make run    set up, check the installation, and run the main job on the packaged defaults
#   make test   set up and run the test suite
VENV ?= .venv
REACT := $(VENV)/bin/react
PYTEST := $(VENV)/bin/pytest

.PHONY: setup run test test-fast clean

setup:
	VENV=$(VENV) ./scripts/setup.sh

run: setup
	$(REACT) doctor
	$(REACT) chat --domain customer_service "My new card CARD-2001 has not arrived yet. Where is it?"

test: setup
	./scripts/install_browser.sh
	$(PYTEST) -q

test-fast: setup
	$(PYTEST) -q -m "not slow"

clean:
	rm -rf $(VENV) .pytest_cache
