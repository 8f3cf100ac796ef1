"""``samvard identity``: command-line tools for person identifiers."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, TextIO

import click

from samvard.identity.numbers import InvalidPersonId, parse_person_id

group = click.Group(
    "identity",
    help="Person identifiers: personnummer, samordningsnummer and reservnummer.",
)


def _result(line: str, today: date) -> dict[str, Any]:
    # One JSON object per input line; invalid input keeps the same keys so consumers can
    # rely on a fixed shape.
    try:
        person = parse_person_id(line, today=today)
    except InvalidPersonId as error:
        return {
            "input": line,
            "valid": False,
            "kind": None,
            "normalized": None,
            "birth_date": None,
            "sex": None,
            "error": error.reason,
        }
    birth_date = person.birth_date.isoformat() if person.birth_date else None
    return {
        "input": line,
        "valid": True,
        "kind": person.kind.value,
        "normalized": person.normalized,
        "birth_date": birth_date,
        "sex": person.sex,
    }


@group.command("validate")
@click.argument(
    "source",
    # errors="replace": undecodable bytes become U+FFFD and are reported as invalid characters
    # on that line instead of aborting the whole run.
    type=click.File("r", encoding="utf-8", errors="replace"),
    default="-",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date (YYYY-MM-DD) that decides the century of 10-digit input. Default: today.",
)
def validate(source: TextIO, today: datetime | None) -> None:
    """Validate identifiers, one per line, printing one JSON object per line.

    Reads SOURCE, or standard input if SOURCE is omitted or "-". Blank lines are skipped.
    Exits with status 1 if any identifier is invalid, otherwise 0.
    """
    reference_day = today.date() if today else date.today()
    all_valid = True
    for raw in source:
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        result = _result(line, reference_day)
        all_valid = all_valid and bool(result["valid"])
        # click.echo flushes after every line, so output streams to a pipe as it is produced.
        click.echo(json.dumps(result, ensure_ascii=False))
    if not all_valid:
        raise SystemExit(1)
