"""The managers' follow-up page and its CSV export, as planners and administrators use them."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from samvard.core.audit import AuditEntry
from samvard.core.db import utcnow
from samvard.demo import personas
from samvard.followup.actions import record_event
from samvard.followup.models import EventKind
from samvard.followup.periods import month_of
from tests.conftest import Database
from tests.support.web import client_for, login_staff

# Östergötland has no demo events, so the tests below know every count there.
QUIET_REGION = "05"


def as_staff(database: Database, persona: personas.StaffPersona) -> TestClient:
    client = client_for(database)
    login_staff(client, persona.hsa_id, persona.units[0])
    return client


def table(html: str, caption_id: str) -> list[list[str]]:
    """The body rows of the table with `caption_id`, as cell texts without tags."""
    body = html.split(f'id="{caption_id}"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)
        ]
        for r in rows
    ]


def seed_quiet_region(database: Database) -> None:
    """15 assessments this month: 2 stopped early, 8 self-care, 5 urgent chats (4 answered)."""
    start = utcnow() - timedelta(hours=1)
    with database.sessions.begin() as session:
        for i in range(15):
            steps: list[tuple[EventKind, int, dict[str, str]]] = [(EventKind.STARTED, 0, {})]
            if i >= 2:
                level, disposition = (
                    ("self_care", "self_care") if i < 10 else ("urgent", "care_today")
                )
                outcome = {"urgency": level, "disposition": disposition}
                steps += [
                    (EventKind.COMPLAINT_CHOSEN, 1, {}),
                    (EventKind.OUTCOME, 3, outcome),
                    (EventKind.COMPLETED, 3, outcome),
                ]
            if i >= 10:
                steps.append((EventKind.CHANNEL, 4, {"channel": "nurse_chat"}))
            if i >= 11:
                steps.append((EventKind.FIRST_STAFF_RESPONSE, 4 + 10 * (i - 10), {}))
            for kind, minutes, fields in steps:
                at = start + timedelta(minutes=minutes)
                ref = f"test-{i:02d}"
                record_event(
                    session,
                    assessment_ref=ref,
                    kind=kind,
                    region_code=QUIET_REGION,
                    at=at,
                    **fields,
                )


@pytest.mark.db
def test_planner_sees_the_national_dashboard(world: Database) -> None:
    page = as_staff(world, personas.PLANNER).get("/personal/uppfoljning")
    assert page.status_code == 200
    html = page.text
    assert '<a href="/personal/uppfoljning">Uppföljning</a>' in html
    for heading in ("Brådskandegrad", "Avhopp", "Kanaler", "Per månad", "Per region"):
        assert f"<h2>{heading}</h2>" in html
    assert "Hela landet" in html and "Region Stockholm" in html
    assert len(table(html, "tabell-manad")) == 6
    urgency = {row[0]: row for row in table(html, "tabell-bradska")}
    assert int(urgency["Egenvård"][1]) > 100 and urgency["Egenvård"][2].endswith("%")
    assert "<meter" in html


def test_small_counts_are_withheld_on_the_page(sqlite_world: Database) -> None:
    seed_quiet_region(sqlite_world)
    month = month_of(utcnow() - timedelta(hours=1))
    html = (
        as_staff(sqlite_world, personas.ADMINISTRATOR)
        .get(f"/personal/uppfoljning?region={QUIET_REGION}&fran={month}&till={month}")
        .text
    )
    assert "Per region" not in html
    figures = html.split('class="facts key-figures"', 1)[1].split("</dl>", 1)[0]
    assert "<dd>15</dd>" in figures
    # Eight of 13 outcomes were self-care: both parts are at least five, so the share shows.
    assert "62 %" in figures and "(8)" in figures
    # Four responses: too few for a median.
    assert "(&lt;5 kontakter med svar)" in figures
    steps = {row[0]: row[1:3] for row in table(html, "tabell-avhopp")}
    assert steps["Avbröt innan besväret valdes"] == ["&lt;5", ""]
    assert steps["Avbröt under frågorna"] == ["0", "0 %"]
    assert steps["Fick en bedömning"] == ["•", ""]
    urgency = {row[0]: row[1] for row in table(html, "tabell-bradska")}
    assert urgency["Brådskande (vård i dag)"] == "5" and urgency["Egenvård"] == "8"
    assert urgency["Akut (112 eller akutmottagning nu)"] == "0"


def test_csv_export_has_the_same_protected_figures(sqlite_world: Database) -> None:
    seed_quiet_region(sqlite_world)
    month = month_of(utcnow() - timedelta(hours=1))
    response = as_staff(sqlite_world, personas.PLANNER).get(
        f"/personal/uppfoljning/rapport.csv?region={QUIET_REGION}&fran={month}&till={month}"
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert (
        f"uppfoljning-{QUIET_REGION}-{month}-{month}.csv" in response.headers["content-disposition"]
    )
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Period", "Område", "Mått", "Kategori", "Antal", "Andel (%)", "Median (min)"]
    assert all(row[1] == "Region Östergötland" for row in rows[1:])
    by_measure = {(row[0], row[2], row[3]): row[4:] for row in rows[1:]}
    assert by_measure[(f"{month}–{month}", "Till egenvård", "")] == ["8", "62", ""]
    assert by_measure[(month, "Påbörjade bedömningar", "")][0] == "15"
    counts = [row[4] for row in rows[1:]]
    assert not any(count in {"1", "2", "3", "4"} for count in counts)


def test_reading_the_dashboard_is_not_personal_and_is_not_audited(sqlite_world: Database) -> None:
    client = as_staff(sqlite_world, personas.PLANNER)
    with sqlite_world.sessions() as session:
        before = session.scalar(select(func.count()).select_from(AuditEntry))
    assert client.get("/personal/uppfoljning?region=01").status_code == 200
    with sqlite_world.sessions() as session:
        after = session.scalar(select(func.count()).select_from(AuditEntry))
    assert after == before


def test_other_roles_are_refused_and_see_no_link(sqlite_world: Database) -> None:
    nurse = as_staff(sqlite_world, personas.NURSE)
    assert "/personal/uppfoljning" not in nurse.get("/personal").text
    refused = nurse.get("/personal/uppfoljning")
    assert refused.status_code == 403
    assert "Endast chefer och planerare får se uppföljningen." in refused.text


@pytest.mark.parametrize(
    ("query", "status", "text"),
    [
        ("?fran=2026-05&till=2026-01", 400, "Från-månaden måste vara före till-månaden."),
        ("?fran=2020-01&till=2026-01", 400, "högst 36 månader"),
        ("?fran=2026-13", 400, "Ogiltig månad"),
        ("?region=99", 400, "Det finns ingen region med den koden."),
        ("?fran=maj", 422, ""),
        ("?region=stockholm", 422, ""),
    ],
)
def test_bad_filters_get_swedish_errors(
    sqlite_world: Database, query: str, status: int, text: str
) -> None:
    response = as_staff(sqlite_world, personas.PLANNER).get(f"/personal/uppfoljning{query}")
    assert response.status_code == status
    assert text in response.text


def test_the_filter_is_kept_in_the_form_and_the_export_link(sqlite_world: Database) -> None:
    html = (
        as_staff(sqlite_world, personas.PLANNER)
        .get("/personal/uppfoljning?region=01&fran=2026-01&till=2026-03")
        .text
    )
    assert '<option value="01" selected>' in html
    assert 'value="2026-01"' in html and 'value="2026-03"' in html
    assert "rapport.csv?region=01&amp;fran=2026-01&amp;till=2026-03" in html
