"""A small, fully known analytics warehouse for the planning page, API and browser tests.

Region Stockholm (01) reports three clinics with many visits and one with only two (a
count that must never be shown); Region Uppsala (03) reports one clinic. Migrationsverket's
figures cover municipalities in both regions, with some values hidden at the source (..).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from samvard.analytics.contracts import ReportKind, column_names
from samvard.analytics.ingest import Rejection, ingest
from samvard.analytics.store import Receipt, Warehouse

PERIODS = ("2025-01", "2025-02", "2025-03")
STOCKHOLM = "01"
UPPSALA = "03"


@dataclass(frozen=True)
class Clinic:
    """A clinic in the test data and how many visits it reports each month."""

    region: str
    kommun: str
    hsa_id: str
    name: str
    verksamhet: str
    visits: int


CENTRUM = Clinic("01", "0180", "SE2321000016-E0005", "Vårdcentral Centrum", "vardcentral", 30)
SOLNA = Clinic("01", "0184", "SE2321000016-E0101", "Asylhälsan Solna", "asylhalsa", 24)
SODERTALJE = Clinic(
    "01", "0181", "SE2321000016-E0102", "Vuxenpsykiatrin Södertälje", "vuxenpsykiatri", 18
)
HUDDINGE = Clinic("01", "0126", "SE2321000016-E0103", "Infektionskliniken Huddinge", "infektion", 2)
UPPSALA_CLINIC = Clinic(
    "03", "0380", "SE2321000024-E0001", "Asylmottagningen Uppsala", "asylhalsa", 20
)
CLINICS = (CENTRUM, SOLNA, SODERTALJE, HUDDINGE, UPPSALA_CLINIC)

_AGES = (4, 9, 15, 22, 31, 40, 52, 60, 70)
_DIAGNOSES = ("F32.1", "J069", "A09", "O80", "Z00.0", "F43.1", "")


def visit_rows(clinic: Clinic, period: str, *, extra: int = 0) -> Iterator[list[str]]:
    """The clinic's visits in the month, in contract order; ``extra`` adds more of them."""
    for number in range(clinic.visits + extra):
        day = 1 + number % 28
        age = _AGES[number % len(_AGES)]
        diagnosis = _DIAGNOSES[number % len(_DIAGNOSES)]
        yield [
            clinic.region,
            period,
            f"{clinic.hsa_id}-{period}-{number}",
            f"pat-{clinic.region}-{clinic.kommun}-{number % 11}",
            f"{period}-{day:02d}",
            str(age),
            "K" if number % 2 else "M",
            clinic.kommun,
            clinic.hsa_id,
            clinic.name,
            clinic.verksamhet,
            "besok",
            "akut" if number % 3 == 0 else "planerad",
            "psykolog" if diagnosis.startswith("F") else "lakare",
            "1" if number % 4 == 0 else "0",
            diagnosis,
            "",
        ]


def besok_csv(region: str, period: str, *, extra: int = 0, delimiter: str = ",") -> str:
    """A region's monthly visit report as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(column_names(ReportKind.BESOK))
    for clinic in CLINICS:
        if clinic.region == region:
            writer.writerows(visit_rows(clinic, period, extra=extra))
    return out.getvalue()


# (kommun, inskrivna, nyinskrivna) per age group and sex; ".." is hidden at the source.
_ASYL = {
    "0180": ("120", "30"),
    "0184": ("60", "12"),
    "0181": ("45", ".."),
    "0126": ("..", "3"),
    "0380": ("80", "16"),
}


def asyl_csv(period: str, *, scale: int = 1) -> str:
    """Migrationsverket's monthly figures as CSV text; ``scale`` multiplies the known ones."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(column_names(ReportKind.ASYLSOKANDE))
    for kommun, (inskrivna, nyinskrivna) in _ASYL.items():
        for group in ("0-5", "6-17", "18-64", "65+"):
            for sex in ("K", "M"):
                writer.writerow(
                    [
                        period,
                        kommun,
                        group,
                        sex,
                        _scaled(inskrivna, scale),
                        _scaled(nyinskrivna, scale),
                    ]
                )
    return out.getvalue()


def _scaled(text: str, scale: int) -> str:
    return text if text == ".." else str(int(text) * scale)


def load(warehouse: Warehouse, kind: ReportKind, path: Path, text: str) -> Receipt:
    """Write ``text`` to ``path`` and ingest it; the test data is always accepted."""
    path.write_text(text, encoding="utf-8")
    result = ingest(warehouse, kind, path)
    assert not isinstance(result, Rejection), result.as_dict()
    return result


def build_warehouse(path: Path, periods: tuple[str, ...] = PERIODS) -> Warehouse:
    """The warehouse at ``path`` with both regions' visits and the asylum figures."""
    warehouse = Warehouse(path)
    files = path.parent / "planning-files"
    files.mkdir(parents=True, exist_ok=True)
    for period in periods:
        load(warehouse, ReportKind.ASYLSOKANDE, files / f"asyl-{period}.csv", asyl_csv(period))
        for region in (STOCKHOLM, UPPSALA):
            name = f"besok-{region}-{period}.csv"
            load(warehouse, ReportKind.BESOK, files / name, besok_csv(region, period))
    return warehouse
