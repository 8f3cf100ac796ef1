# Samvård task runner. `make run` and `make test` are the two commands in the README.
UV_VERSION := 0.13.8
PYTHON ?= python3
UV := $(PYTHON) -m uv
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install run test test-fast lint typecheck bench browser messages clean

# Creates .venv from the lock file (uv.lock) with exactly the locked versions, compiled to
# bytecode: the tests start many Python processes (servers, CLI runs, workers), and where
# PYTHONDONTWRITEBYTECODE is set each of them would otherwise compile its imports again.
install:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --frozen --compile-bytecode

# Migrates, loads the demo world when the database is empty, serves on 127.0.0.1:8000.
run: install
	SAMVARD_COOKIE_SECURE=$${SAMVARD_COOKIE_SECURE:-false} SAMVARD_TEST_LOGINS=$${SAMVARD_TEST_LOGINS:-true} \
		$(BIN)/samvard serve --prepare

# Headless Chromium for the browser tests (Debian's package; CI installs it).
browser:
	@command -v chromium >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Lint, types and the whole test suite (SQLite always; PostgreSQL when reachable).
test: install browser lint typecheck
	$(BIN)/python -m pytest --cov --cov-report=term

test-fast: install
	$(BIN)/python -m pytest -q -m "not browser and not slow"

lint:
	$(BIN)/ruff check samvard tests bench
	$(BIN)/ruff format --check samvard tests bench

typecheck:
	$(BIN)/mypy

bench: install
	$(BIN)/python -m bench.run

# Extracts the page texts into the gettext template (web/locale/messages.pot).
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _ --no-location --project=Samvård -o samvard/web/locale/messages.pot samvard

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov test-artifacts
