"""`samvard demo`: load the deterministic demo world into an empty database."""

from __future__ import annotations

import time

import click
from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.orm import Session

from samvard.core.config import get_settings
from samvard.core.db import make_engine, make_session_factory, transaction
from samvard.demo.people import CitizenCountError, check_citizen_count
from samvard.demo.world import (
    DEFAULT_CITIZENS,
    DEFAULT_NODE_ID,
    DEFAULT_SEED,
    STAGES,
    DemoSummary,
    build_demo,
)
from samvard.directory.models import CareGiver, Staff, Unit
from samvard.identity.models import Person

_TABLES = (
    "region",
    "municipality",
    "care_giver",
    "unit",
    "staff",
    "assignment",
    "person",
    "care_relation",
    "audit_entry",
    "record",
    "consent",
)
_NOT_EMPTY = (
    "Databasen innehåller redan personer eller organisationer; demovärlden laddas bara i en "
    "tom databas.\nThe database already contains people or organisations; the demo world "
    "loads only into an empty database."
)


@click.command("demo")
@click.option(
    "--citizens",
    type=int,
    default=DEFAULT_CITIZENS,
    show_default=True,
    help="Number of citizens with official test personnummer.",
)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Random seed.")
@click.option("--database-url", default=None, help="Database URL (default: SAMVARD_DATABASE_URL).")
def command(citizens: int, seed: int, database_url: str | None) -> None:
    """Load the deterministic demo world (organisations, staff, citizens, access history).

    Only into an empty database whose schema already exists.
    """
    try:
        check_citizen_count(citizens)
    except CitizenCountError as error:
        raise click.BadParameter(str(error), param_hint="--citizens") from error
    settings = get_settings()
    engine = make_engine(database_url or settings.database_url)
    started = time.perf_counter()
    try:
        summary = load_demo_world(engine, citizens=citizens, seed=seed, node_id=settings.node_id)
    finally:
        engine.dispose()
    _print_summary(summary, seed, time.perf_counter() - started)


def load_demo_world(
    engine: Engine,
    *,
    citizens: int = DEFAULT_CITIZENS,
    seed: int = DEFAULT_SEED,
    node_id: str = DEFAULT_NODE_ID,
) -> DemoSummary:
    """Build the demo world in one transaction, with progress lines on stderr.

    Raises `click.ClickException` (exit 1) when the schema is missing or the database
    already holds people or organisations; nothing is written then.
    """
    inspector = inspect(engine)
    missing = [name for name in _TABLES if not inspector.has_table(name)]
    if missing:
        raise click.ClickException(
            f"Databasschemat saknas ({', '.join(missing)}); kör `samvard migrate` först.\n"
            "The database schema is missing; run `samvard migrate` first."
        )
    with transaction(make_session_factory(engine)) as session:
        if _has_data(session):
            raise click.ClickException(_NOT_EMPTY)
        return build_demo(
            session, citizens=citizens, seed=seed, progress=_progress, node_id=node_id
        )


def _has_data(session: Session) -> bool:
    # Regions and municipalities may be preloaded reference data; anything else means
    # someone's data is here, and the demo must never mix with it.
    return any(
        session.scalar(select(func.count()).select_from(model))
        for model in (Person, CareGiver, Unit, Staff)
    )


def _progress(stage: str, done: int, total: int) -> None:
    click.echo(progress_line(STAGES.get(stage, stage), done, total), err=True)


def progress_line(label: str, done: int, total: int, width: int = 24) -> str:
    """One line of a progress bar: label, bar, percentage and counts."""
    share = done / total if total else 1.0
    filled = round(width * share)
    bar = "#" * filled + "-" * (width - filled)
    return f"  [{bar}] {share:4.0%}  {label}: {done}/{total}"


def _print_summary(summary: DemoSummary, seed: int, seconds: float) -> None:
    click.echo(f"Demovärlden är klar / demo world ready (seed {seed}, {seconds:.1f} s):")
    for name, count in summary.as_dict().items():
        click.echo(f"  {name:<16} {count:>7}")
