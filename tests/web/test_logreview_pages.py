"""The log reviewer's pages: queue, entry, review form and report, as reviewers use them."""

from __future__ import annotations

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from samvard.core.audit import AuditEntry
from samvard.demo import personas
from samvard.logreview.models import Review
from tests.conftest import Database
from tests.support.web import client_for, csrf, login_staff

REGION = f"{personas.STOCKHOLM_REGION}-VG"
ENTRY_LINK = re.compile(r'href="/personal/granskning/(\d+)"')


def reviewer(database: Database) -> TestClient:
    client = client_for(database)
    login_staff(client, personas.LOG_REVIEWER.hsa_id)
    return client


def first_seq(client: TestClient, query: str = "") -> int:
    page = client.get(f"/personal/granskning{query}")
    assert page.status_code == 200, page.text
    return int(ENTRY_LINK.findall(page.text)[0])


def counts(database: Database) -> tuple[int, int]:
    with database.sessions() as session:
        entries = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        reviews = session.scalar(select(func.count()).select_from(Review)) or 0
    return entries, reviews


@pytest.mark.db
def test_queue_shows_counts_triggers_and_filters(world: Database) -> None:
    client = reviewer(world)
    page = client.get("/personal/granskning")
    assert page.status_code == 200
    for label in ("Nödåtkomst", "Egen journal", "Samma adress som patienten", "Utan vårdrelation"):
        assert label in page.text
    assert "Region Stockholm" in page.text
    own = client.get("/personal/granskning?utlosare=own_record").text
    rows = own.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert rows.count("<tr") >= 1 and rows.count("Egen journal") == rows.count("<tr")


def test_queue_logs_every_patient_it_shows(sqlite_world: Database) -> None:
    client = reviewer(sqlite_world)
    client.get("/personal")
    before, _ = counts(sqlite_world)
    page = client.get("/personal/granskning?utlosare=protected_identity")
    shown = set(re.findall(r"<span>(\d{8}-\d{4})</span>", page.text))
    after, _ = counts(sqlite_world)
    # One entry for the page itself, one per patient named on it.
    assert shown and after - before == 1 + len(shown)
    with sqlite_world.sessions() as session:
        newest = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    assert (newest.resource, newest.purpose) == ("audit.review", "log_review")


@pytest.mark.parametrize(
    ("query", "status", "text"),
    [
        ("?fran=2026-05-10&till=2026-05-01", 400, "Startdatum måste vara före slutdatum."),
        ("?fran=2025-01-01&till=2026-01-01", 400, "högst 92 dagar"),
        ("?fran=2026-02-30", 400, "Ogiltigt datum"),
        ("?fran=igår", 422, ""),
        ("?utlosare=everything", 422, ""),
        ("?sida=0", 422, ""),
    ],
)
def test_queue_refuses_bad_filters_in_swedish(
    sqlite_world: Database, query: str, status: int, text: str
) -> None:
    response = reviewer(sqlite_world).get(f"/personal/granskning{query}")
    assert response.status_code == status
    assert text in response.text


def test_entry_page_answers_who_where_whom_what_why_when(sqlite_world: Database) -> None:
    client = reviewer(sqlite_world)
    seq = first_seq(client, "?utlosare=protected_identity")
    page = client.get(f"/personal/granskning/{seq}").text
    for heading in ("Vem", "Var", "Vems uppgifter", "Vad", "Varför", "När", "Utfall"):
        assert f"<dt>{heading}</dt>" in page
    assert "Skyddad identitet" in page and "Skyddade personuppgifter" in page
    assert 'name="utfall" value="unjustified"' in page


def test_recording_a_review_and_the_report(sqlite_world: Database) -> None:
    client = reviewer(sqlite_world)
    seq = first_seq(client, "?utlosare=same_address")
    token = csrf(client, f"/personal/granskning/{seq}")
    note = '=HYPERLINK("x") Samtal med chefen bokat.'
    saved = client.post(
        f"/personal/granskning/{seq}",
        data={"csrf_token": token, "utfall": "follow_up", "anteckning": note},
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"/personal/granskning/{seq}"
    page = client.get(f"/personal/granskning/{seq}").text
    assert "Följs upp" in page and "Granskad av" in page and "Peter Falk" in page
    assert "Samma adress som patienten" in page
    queue = client.get("/personal/granskning?utlosare=same_address").text
    assert f'/personal/granskning/{seq}"' not in queue

    report = client.get("/personal/granskning/rapport.csv")
    assert report.status_code == 200
    assert report.headers["content-type"].startswith("text/csv")
    assert "attachment" in report.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(report.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Granskad", "Granskare", "Loggpost"]
    (row,) = [r for r in rows[1:] if r[2] == str(seq)]
    assert row[9] == "Följs upp" and row[10] == "'" + note
    assert "Samma adress som patienten" in row[8]
    assert not re.search(r"\d{8}-?\d{4}", report.text), "the report names no patient"


def test_second_review_and_bad_input_show_errors_and_write_nothing(
    sqlite_world: Database,
) -> None:
    client = reviewer(sqlite_world)
    seq = first_seq(client, "?utlosare=emergency_access")
    token = csrf(client, f"/personal/granskning/{seq}")
    before = counts(sqlite_world)
    bad = client.post(
        f"/personal/granskning/{seq}",
        data={"csrf_token": token, "utfall": "unjustified", "anteckning": "  "},
    )
    assert bad.status_code == 400
    assert "Skriv vad granskningen visade" in bad.text
    assert 'value="unjustified" checked' in bad.text
    # The page shown again is a read of the entry, logged; no review was written.
    assert counts(sqlite_world) == (before[0] + 1, before[1])

    ok = client.post(
        f"/personal/granskning/{seq}", data={"csrf_token": token, "utfall": "justified"}
    )
    assert ok.status_code == 303
    after_first = counts(sqlite_world)
    again = client.post(
        f"/personal/granskning/{seq}",
        data={"csrf_token": token, "utfall": "unjustified", "anteckning": "Ny bedömning."},
    )
    assert again.status_code == 400 and "Loggposten är redan granskad." in again.text
    assert "Motiverad" in again.text
    assert counts(sqlite_world)[1] == after_first[1]


def test_unknown_and_foreign_entries(sqlite_world: Database) -> None:
    with sqlite_world.sessions() as session:
        foreign = session.scalar(
            select(func.min(AuditEntry.seq)).where(
                AuditEntry.care_giver_hsaid != REGION, AuditEntry.actor_kind == "staff"
            )
        )
    client = reviewer(sqlite_world)
    for seq in (foreign, 2_000_000):
        response = client.get(f"/personal/granskning/{seq}")
        assert response.status_code == 404
        assert "Loggposten finns inte hos din vårdgivare." in response.text
    nurse = client_for(sqlite_world)
    login_staff(nurse, personas.NURSE.hsa_id)
    # Whether an entry exists is not revealed to anyone else.
    assert nurse.get("/personal/granskning/2000000").status_code == 403
    seq = first_seq(client)
    assert nurse.get(f"/personal/granskning/{seq}").status_code == 403
    token = csrf(nurse, "/personal")
    before = counts(sqlite_world)
    refused = nurse.post(
        f"/personal/granskning/{seq}",
        data={"csrf_token": token, "utfall": "justified"},
    )
    assert refused.status_code == 403
    # The refused attempt is logged; no review is written.
    assert counts(sqlite_world) == (before[0] + 1, before[1])


def test_reviewers_find_the_queue_from_their_pages(sqlite_world: Database) -> None:
    client = reviewer(sqlite_world)
    for path in ("/personal", "/personal/logg"):
        assert 'href="/personal/granskning"' in client.get(path).text
    nurse = client_for(sqlite_world)
    login_staff(nurse, personas.NURSE.hsa_id)
    assert 'href="/personal/granskning"' not in nurse.get("/personal").text
