"""The `samvard` command line: serve, migrate, demo, audit, identity."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from samvard.core.config import Settings
from samvard.core.config import get_settings as _load_settings

# How long a worker process may leave the supervisor's health check unanswered before it is
# killed and replaced; a starting worker answers only once it has imported the platform.
WORKER_STARTUP_SECONDS = 60


def get_settings() -> Settings:
    """The settings, or a clear refusal to start (e.g. test logins in production)."""
    try:
        return _load_settings()
    except ValidationError as exc:
        reasons = "; ".join(str(e.get("msg", "")) for e in exc.errors())
        raise click.ClickException(f"Refusing to start: {reasons}") from exc


@click.group()
@click.version_option(package_name="samvard")
def main() -> None:
    """Samvård: first-line digital care and coordinated care."""


@main.command()
@click.option("--database-url", envvar="SAMVARD_DATABASE_URL", help="Overrides the setting.")
def migrate(database_url: str | None) -> None:
    """Create or upgrade the database schema."""
    from samvard.core import migrate as migrations
    from samvard.core.db import make_engine

    engine = make_engine(database_url or get_settings().database_url)
    migrations.upgrade(engine)
    click.echo(f"Schema at revision {migrations.current(engine)}.")


@main.command()
@click.option("--host", default=None, help="Interface (default from settings: 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default from settings: 8000).")
@click.option("--workers", type=int, default=1, show_default=True)
@click.option(
    "--prepare/--no-prepare",
    default=False,
    help="Migrate, and load demo data if the database is empty, before serving.",
)
def serve(host: str | None, port: int | None, workers: int, prepare: bool) -> None:
    """Serve the platform (HTTP)."""
    import uvicorn

    settings = get_settings()
    if prepare:
        _prepare(settings.database_url)
        _prepare_warehouse(settings.analytics_path)
    host, port = host or settings.host, port or settings.port
    click.echo(f"Samvård serving on http://{host}:{port}", err=True)
    uvicorn.run(
        "samvard.web.asgi:app",
        host=host,
        port=port,
        workers=workers,
        # A new worker imports the command line and the app before it first answers the
        # supervisor; on a busy machine that takes longer than uvicorn's 5 s, and the
        # supervisor would kill and restart the workers over and over.
        timeout_worker_healthcheck=WORKER_STARTUP_SECONDS,
        proxy_headers=False,
        log_level="info",
        # Our own access log masks identifiers; uvicorn's would print raw paths.
        access_log=False,
        log_config=_log_config(),
    )


def _log_config() -> dict[str, object]:
    """Uvicorn's logging set-up plus our `samvard.*` loggers (access log, errors)."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["samvard"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def _prepare(database_url: str) -> None:
    from samvard.core import migrate as migrations
    from samvard.core.db import make_engine, make_session_factory, transaction
    from samvard.identity.queries import count_persons

    engine = make_engine(database_url)
    migrations.upgrade(engine)
    with transaction(make_session_factory(engine)) as session:
        empty = count_persons(session) == 0
    engine.dispose()
    if empty:
        click.echo(
            "Tom databas: laddar demovärlden (empty database: loading the demo world).", err=True
        )
        from samvard.demo.cli import command as demo_command

        demo_command.main(args=["--database-url", database_url], standalone_mode=False)


def _prepare_warehouse(path: Path) -> None:
    # The planning views need monthly reports; the demo's go through the real ingestion.
    from samvard.analytics.demo import ensure_demo_warehouse, has_data
    from samvard.analytics.store import Warehouse

    if has_data(Warehouse(path)):
        return
    click.echo(
        "Tomt planeringslager: läser in demorapporter (loading the demo planning reports).",
        err=True,
    )

    def progress(done: int, total: int) -> None:
        click.echo(f"\r{done} av {total} rapporter inlästa", err=True, nl=done == total)

    ensure_demo_warehouse(path, progress=progress)


@main.group()
def audit() -> None:
    """The tamper-evident audit log."""


@audit.command("verify")
@click.option(
    "--anchor",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File that remembers the last verified tip; detects a cut-off tail.",
)
def audit_verify(anchor: Path | None) -> None:
    """Walk the hash chain; exit 1 and name the first bad entry if it does not hold."""
    from samvard.core import anchors
    from samvard.core import audit as audit_log
    from samvard.core.db import make_engine, make_session_factory

    factory = make_session_factory(make_engine(get_settings().database_url))
    with factory() as session:
        result = audit_log.verify(session)
        problem = result.problem
        if result.ok and anchor is not None:
            problem = anchors.check(session, anchor)
    if problem:
        click.echo(f"FAIL: {problem}", err=True)
        sys.exit(1)
    if anchor is not None:
        anchors.save(anchor, result.tip_seq, result.tip_hash)
    click.echo(f"OK: {result.checked} entries verified, tip {result.tip_seq} {result.tip_hash}")


@audit.command("export")
@click.option("--patient", help="Only entries about this personnummer.")
@click.option("--limit", type=int, default=10_000, show_default=True)
def audit_export(patient: str | None, limit: int) -> None:
    """Write audit entries as FHIR AuditEvent resources, one JSON object a line."""
    from samvard.core.db import make_engine, make_session_factory
    from samvard.fhir.audit_export import iter_audit_events

    factory = make_session_factory(make_engine(get_settings().database_url))
    with factory() as session:
        for resource in iter_audit_events(session, patient_id=patient, limit=limit):
            click.echo(json.dumps(resource, ensure_ascii=False))


def _register() -> None:
    # Imported here so that features stay independent of each other's CLIs.
    from samvard.analytics.cli import analytics_group
    from samvard.demo.cli import command as demo_command
    from samvard.federation.cli import group as federation_group
    from samvard.identity.cli import group as identity_group
    from samvard.triage.cli import triage_group

    main.add_command(identity_group)
    main.add_command(demo_command)
    main.add_command(federation_group)
    main.add_command(triage_group)
    main.add_command(analytics_group)


_register()

if __name__ == "__main__":
    main()
