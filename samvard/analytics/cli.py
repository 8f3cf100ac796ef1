"""`samvard analytics`: ingest the monthly reports and list their receipts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from samvard.analytics.contracts import ReportKind

if TYPE_CHECKING:  # DuckDB is imported only when an analytics command runs: `samvard` starts fast
    from samvard.analytics.ingest import Rejection
    from samvard.analytics.store import Receipt, Warehouse

_FORMAT = click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Text for people, JSON for scripts.",
)
_WAREHOUSE = click.option(
    "--warehouse",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The DuckDB file (default: the SAMVARD_ANALYTICS_PATH setting).",
)


@click.group("analytics")
def analytics_group() -> None:
    """Production planning: the monthly reports (visits and asylum seekers)."""


def _warehouse(path: Path | None) -> Warehouse:
    from samvard.analytics.store import Warehouse

    if path is None:
        from samvard.cli import get_settings

        path = get_settings().analytics_path
    return Warehouse(path)


class _ProgressLine:
    """Progress on stderr: one line redrawn on a terminal, a line per step and tenth otherwise."""

    def __init__(self) -> None:
        self.terminal = sys.stderr.isatty()
        self.shown: tuple[str, int] | None = None

    def __call__(self, step: str, fraction: float) -> None:
        percent = round(fraction * 100)
        key = (step, percent if self.terminal else percent // 10)
        if key == self.shown:
            return
        self.shown = key
        if self.terminal:
            click.echo(f"\r{step}: {percent:3d} %\033[K", err=True, nl=False)
        else:
            click.echo(f"{step}: {percent} %", err=True)

    def done(self) -> None:
        if self.terminal and self.shown is not None:
            click.echo("", err=True)


@analytics_group.command("ingest")
@click.argument("kind", type=click.Choice([kind.value for kind in ReportKind]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_FORMAT
@_WAREHOUSE
def ingest_command(kind: str, file: Path, output: str, warehouse: Path | None) -> None:
    """Validate FILE (CSV or XLSX) and replace its month; exit 1 with the errors if rejected."""
    from samvard.analytics.ingest import Rejection, ingest

    progress = _ProgressLine()
    result = ingest(_warehouse(warehouse), ReportKind(kind), file, progress=progress)
    progress.done()
    if isinstance(result, Rejection):
        if output == "json":
            click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        else:
            _echo_rejection(result)
        sys.exit(1)
    if output == "json":
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(_receipt_text(result))


def _echo_rejection(rejection: Rejection) -> None:
    click.echo(
        f"Filen {rejection.file_name} avvisades: {rejection.total} fel. Inget ändrades.", err=True
    )
    for problem in rejection.problems:
        where = f"rad {problem.row}" if problem.row else "filen"
        column = f", kolumn {problem.column}" if problem.column else ""
        value = f", värde «{problem.value}»" if problem.value else ""
        click.echo(f"  {where}{column}{value}: {problem.message_sv}", err=True)
    for (column, rule), count in sorted(rejection.totals.items()):
        listed = sum(1 for p in rejection.problems if (p.column, p.rule) == (column, rule))
        if count > listed:
            where = f" i kolumn {column}" if column else ""
            click.echo(f"  … och {count - listed} fel till av samma slag{where}.", err=True)


def _receipt_text(receipt: Receipt) -> str:
    diff = receipt.diff
    where = f"region {receipt.region}, " if receipt.region else ""
    lines = [
        f"Kvitto {receipt.id}: {receipt.kind} {where}period {receipt.period}, "
        f"version {receipt.version}",
        f"  fil {receipt.file_name}, sha256 {receipt.sha256}",
        f"  {receipt.row_count} rader, {receipt.unknown_count} okända värden (..)",
        f"  mot förra versionen: {diff['rows_added']} nya, {diff['rows_removed']} borttagna, "
        f"{diff['rows_changed']} ändrade rader",
    ]
    for name, figure in diff["totals"].items():
        lines.append(f"  {name}: {_shown(figure['before'])} → {_shown(figure['after'])}")
    return "\n".join(lines)


def _shown(value: int | None) -> str:
    return "–" if value is None else str(value)


@analytics_group.command("receipts")
@_FORMAT
@_WAREHOUSE
def receipts_command(output: str, warehouse: Path | None) -> None:
    """List the receipts of accepted files, newest first."""
    receipts = _warehouse(warehouse).list_receipts()
    if output == "json":
        click.echo(json.dumps([r.as_dict() for r in receipts], ensure_ascii=False, indent=2))
        return
    if not receipts:
        click.echo("Inga kvitton ännu.")
    for receipt in receipts:
        region = receipt.region or "–"
        click.echo(
            f"{receipt.id}\t{receipt.accepted_at:%Y-%m-%d %H:%M}\t{receipt.kind}\t{region}\t"
            f"{receipt.period}\tv{receipt.version}\t{receipt.row_count} rader\t{receipt.file_name}"
        )


def _register() -> None:
    # The generator and the report live beside what they use; both load DuckDB only when run.
    from samvard.analytics.generate import generate_command
    from samvard.analytics.report import report_command

    analytics_group.add_command(generate_command)
    analytics_group.add_command(report_command)


_register()
