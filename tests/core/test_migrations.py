"""The migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from samvard.core import migrate
from samvard.models import metadata
from tests.conftest import Database


@pytest.mark.db
def test_models_and_migrations_agree(db: Database) -> None:
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []
    assert migrate.current(db.engine) == "0007"


@pytest.mark.db
def test_migrating_twice_changes_nothing(db: Database) -> None:
    migrate.upgrade(db.engine)
    assert migrate.current(db.engine) == "0007"
