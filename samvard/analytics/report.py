"""`samvard analytics report VIEW`: a planning view as JSON, CSV or XLSX, for scripts.

The same `figures.build` as the pages and the JSON API, so the figures and their disclosure
control are the same everywhere. The JSON keys are stable and documented in
docs/analytics-method.md: view, title, filters, tables (key, caption, label_columns,
columns, rows with labels, cells and drill, chart, note) and provenance.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from samvard.analytics.figures_filters import FilterError

if TYPE_CHECKING:  # DuckDB and the views load only when the command runs
    from samvard.analytics.assumptions import Assumptions
    from samvard.analytics.results import Column, ViewResult
    from samvard.analytics.scope import Scope

VIEW_NAMES = ("oversikt", "halsoundersokningar", "psykisk-halsa", "ovrig-vard")


def _column(column: Column) -> dict[str, Any]:
    return {"key": column.key, "label": column.label, "numeric": column.numeric}


def view_json(result: ViewResult) -> dict[str, Any]:
    """The view with its stable keys; a cell is a number, "suppressed" or "unknown"."""
    provenance = result.provenance
    return {
        "view": result.view,
        "title": result.title,
        "filters": dict(result.filters),
        "tables": [
            {
                "key": table.key,
                "caption": table.caption,
                "label_columns": [_column(c) for c in table.label_columns],
                "columns": [_column(c) for c in table.columns],
                "rows": [
                    {
                        "labels": list(row.labels),
                        "cells": [cell.as_json() for cell in row.cells],
                        "drill": row.drill,
                    }
                    for row in table.rows
                ],
                "chart": table.chart,
                "note": table.note,
            }
            for table in result.tables
        ],
        "provenance": {
            "sources": list(provenance.sources),
            "periods": list(provenance.periods),
            "rule_version": provenance.rule_version,
            "assumptions": provenance.assumptions,
            "disclosure": provenance.disclosure,
        },
    }


def _scope(text: str) -> Scope:
    from samvard.analytics.scope import Scope

    if text == "national":
        return Scope.nation()
    try:
        return Scope.of_region(text)
    except ValueError:
        raise click.BadParameter(
            "ange national eller en länskod med två siffror", param_hint="--scope"
        ) from None


def _assumptions(path: Path | None) -> Assumptions:
    from samvard.analytics.assumptions import (
        Assumptions,
        InvalidAssumptionsError,
        parse_assumptions,
    )

    if path is None:
        return Assumptions()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        message = f"kan inte läsa JSON: {error}"
        raise click.BadParameter(message, param_hint="--assumptions") from None
    if not isinstance(data, dict):
        raise click.BadParameter("ange antagandena som ett JSON-objekt", param_hint="--assumptions")
    try:
        return parse_assumptions(data)
    except InvalidAssumptionsError as error:
        lines = "; ".join(f"{p.field}: {p.message}" for p in error.problems)
        raise click.BadParameter(lines, param_hint="--assumptions") from None


@click.command("report")
@click.argument("view", type=click.Choice(VIEW_NAMES))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "csv", "xlsx"]),
    default="json",
    show_default=True,
)
@click.option("--period-from", "fran", default=None, help="First month, ÅÅÅÅ-MM.")
@click.option("--period-to", "till", default=None, help="Last month, ÅÅÅÅ-MM.")
@click.option("--region", default=None, help="Länskod (two digits).")
@click.option("--kommun", default=None, help="Kommunkod (four digits).")
@click.option("--vardenhet", default=None, help="A clinic's HSA-id (region scope only).")
@click.option("--aldersgrupp", default=None, help="0-5, 6-17, 18-64 or 65+.")
@click.option("--kon", default=None, help="M or K.")
@click.option(
    "--scope",
    "scope_text",
    default="national",
    show_default=True,
    help="Whose figures: national (down to municipalities) or a länskod (down to clinics).",
)
@click.option(
    "--assumptions",
    "assumptions_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A JSON file of assumptions (a scenario); the defaults otherwise.",
)
@click.option(
    "--warehouse",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The DuckDB file (default: the SAMVARD_ANALYTICS_PATH setting).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)
def report_command(
    view: str,
    output_format: str,
    fran: str | None,
    till: str | None,
    region: str | None,
    kommun: str | None,
    vardenhet: str | None,
    aldersgrupp: str | None,
    kon: str | None,
    scope_text: str,
    assumptions_path: Path | None,
    warehouse: Path | None,
    output: Path | None,
) -> None:
    """Print one planning view (disclosure-controlled, with provenance)."""
    from samvard.analytics import exports
    from samvard.analytics.figures import Filters, build
    from samvard.analytics.store import Warehouse

    scope = _scope(scope_text)
    assumptions = _assumptions(assumptions_path)
    chosen = {
        "fran": fran,
        "till": till,
        "region": region,
        "kommun": kommun,
        "vardenhet": vardenhet,
        "aldersgrupp": aldersgrupp,
        "kon": kon,
    }
    if warehouse is None:
        from samvard.cli import get_settings

        warehouse = get_settings().analytics_path
    try:
        filters = Filters.parse({key: value for key, value in chosen.items() if value})
        with Warehouse(warehouse).reading() as connection:
            result = build(view, connection, scope, filters, assumptions)
    except FilterError as error:
        option = {"fran": "period-from", "till": "period-to"}.get(error.field, error.field)
        raise click.BadParameter(error.message, param_hint=f"--{option}") from None
    if output_format == "xlsx":
        body = exports.to_xlsx(result)
    elif output_format == "csv":
        body = exports.to_csv(result).encode("utf-8")
    else:
        text = json.dumps(view_json(result), ensure_ascii=False, indent=2) + "\n"
        body = text.encode("utf-8")
    if output is not None:
        output.write_bytes(body)
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
