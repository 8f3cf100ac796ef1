"""Shared fixtures: databases (SQLite always, PostgreSQL when reachable), demo worlds, apps."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from samvard.core import migrate
from samvard.core.config import Settings
from samvard.core.db import make_engine, make_session_factory

PG_URL = os.environ.get(
    "SAMVARD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SECRET = "test-secret-" + "x" * 40
BACKENDS = ["sqlite", "postgresql"]


def _postgres_problem() -> str | None:
    try:
        probe = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with probe.connect() as conn:
            conn.execute(text("SELECT 1"))
        probe.dispose()
    except Exception as exc:
        return f"PostgreSQL not reachable at {PG_URL}: {type(exc).__name__}"
    return None


_PG_PROBLEM = _postgres_problem()


def require_postgres() -> None:
    """Skip (locally) or fail (in CI) when PostgreSQL is not there."""
    if _PG_PROBLEM is None:
        return
    if IN_CI:
        pytest.fail(f"CI requires PostgreSQL: {_PG_PROBLEM}")
    pytest.skip(_PG_PROBLEM)


class Database:
    """A migrated, empty database of one backend, private to its user."""

    def __init__(self, backend: str, engine: Engine, url: str, cleanup: list[str]) -> None:
        self.backend = backend
        self.engine = engine
        self.url = url
        self._cleanup = cleanup
        self.sessions: sessionmaker[Session] = make_session_factory(engine)

    def drop(self) -> None:
        self.engine.dispose()
        if self._cleanup:
            admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                for schema in self._cleanup:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()


def new_database(backend: str, directory: Path) -> Database:
    """A freshly migrated database in `directory` (SQLite) or a new schema (PostgreSQL)."""
    if backend == "sqlite":
        url = f"sqlite:///{directory / 'samvard.db'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        return Database(backend, engine, url, [])
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    url = PG_URL + ("&" if "?" in PG_URL else "?") + f"options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    return Database(backend, engine, url, [schema])


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty, migrated database on each backend."""
    database = new_database(request.param, tmp_path)
    yield database
    database.drop()


DEMO_CITIZENS = 300


@pytest.fixture(scope="session")
def _sqlite_world_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("world")
    from samvard.demo.world import build_demo

    database = new_database("sqlite", directory)
    with database.sessions.begin() as session:
        build_demo(session, citizens=DEMO_CITIZENS)
    database.drop()
    return directory / "samvard.db"


@pytest.fixture(scope="session")
def _postgres_world() -> Iterator[Database]:
    require_postgres()
    from samvard.demo.world import build_demo

    database = new_database("postgresql", Path("."))
    with database.sessions.begin() as session:
        build_demo(session, citizens=DEMO_CITIZENS)
    yield database
    database.drop()


@pytest.fixture(params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A demo world on each backend (a private copy on SQLite, a shared schema on PostgreSQL)."""
    if request.param == "sqlite":
        template = request.getfixturevalue("_sqlite_world_template")
        shutil.copy(template, tmp_path / "samvard.db")
        url = f"sqlite:///{tmp_path / 'samvard.db'}"
        database = Database("sqlite", make_engine(url), url, [])
        yield database
        database.drop()
    else:
        yield request.getfixturevalue("_postgres_world")


@pytest.fixture
def world_session(world: Database) -> Iterator[Session]:
    """A session on `world` whose work is rolled back: the PostgreSQL world is shared."""
    with Session(world.engine) as session:
        session.begin()
        yield session
        session.rollback()


@pytest.fixture
def sqlite_world(tmp_path: Path, _sqlite_world_template: Path) -> Iterator[Database]:
    """A private demo world on SQLite only (for tests that need no backend matrix)."""
    shutil.copy(_sqlite_world_template, tmp_path / "samvard.db")
    url = f"sqlite:///{tmp_path / 'samvard.db'}"
    database = Database("sqlite", make_engine(url), url, [])
    yield database
    database.drop()


def make_settings(database_url: str, **overrides: object) -> Settings:
    """Settings for an app under test."""
    values: dict[str, object] = {
        "database_url": database_url,
        "secret_key": SECRET,
        "test_logins": True,
        "cookie_secure": True,
        "public_base_url": "https://testserver",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token embedded in a page's form."""
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)
