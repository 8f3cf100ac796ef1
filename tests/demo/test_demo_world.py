"""The demo world: complete, valid, deterministic, with personas and a verifiable audit log."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

import samvard.access.models
import samvard.core.audit
import samvard.directory.models
import samvard.identity.models
from samvard.access.models import CareRelation
from samvard.core.audit import AuditEntry, verify
from samvard.core.db import Base, make_engine, make_session_factory, transaction
from samvard.demo import personas
from samvard.demo.cli import command
from samvard.demo.organisations import genitive
from samvard.demo.people import CitizenCountError
from samvard.demo.world import DemoSummary, build_demo
from samvard.directory.hsaid import is_valid_hsa_id
from samvard.directory.models import (
    Assignment,
    CareGiver,
    CareGiverKind,
    Municipality,
    Role,
    Staff,
    Unit,
)
from samvard.identity.models import Person
from samvard.identity.numbers import parse_person_id
from samvard.reference import loaders

CITIZENS = 300
UNITS = 455  # follows from the reference data alone, whatever the seed or citizen count
# Every model module must be imported before `create_all` sees its table.
_MODELS = (
    samvard.access.models,
    samvard.core.audit,
    samvard.directory.models,
    samvard.identity.models,
)


@dataclass
class World:
    """A built demo world on its own SQLite file."""

    engine: Engine
    sessions: sessionmaker[Session]
    summary: DemoSummary


def _empty_database(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    return engine


def _build(path: Path, *, seed: int = 2026, citizens: int = CITIZENS) -> World:
    engine = _empty_database(path)
    sessions = make_session_factory(engine)
    with transaction(sessions) as session:
        summary = build_demo(session, citizens=citizens, seed=seed)
    return World(engine, sessions, summary)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = _build(tmp_path_factory.mktemp("demo") / "demo.db")
    yield built
    built.engine.dispose()


@pytest.fixture
def session(world: World) -> Iterator[Session]:
    with world.sessions() as session:
        yield session


def _snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Everything but audit timestamps and ids, as comparable tuples."""
    unit_hsa = dict(session.execute(select(Unit.id, Unit.hsa_id)).all())
    staff_hsa = dict(session.execute(select(Staff.id, Staff.hsa_id)).all())
    person_ids = dict(session.execute(select(Person.id, Person.person_id)).all())
    return {
        "persons": sorted(
            (
                p.person_id,
                p.given_name,
                p.family_name,
                p.birth_date,
                p.sex,
                p.protected_identity,
                p.street_address,
                p.postal_code,
                p.city,
                p.municipality_code,
            )
            for p in session.scalars(select(Person))
        ),
        "units": sorted(
            (u.hsa_id, u.name, u.kind, u.municipality_code, u.care_giver.hsa_id)
            for u in session.scalars(select(Unit))
        ),
        "staff": sorted(
            (s.hsa_id, s.given_name, s.family_name, s.profession)
            for s in session.scalars(select(Staff))
        ),
        "assignments": sorted(
            (staff_hsa[a.staff_id], unit_hsa[a.unit_id], a.role, a.valid_from, a.valid_to)
            for a in session.scalars(select(Assignment))
        ),
        "relations": sorted(
            (person_ids[r.person_id], unit_hsa[r.unit_id], r.kind, r.started_at, r.ended_at)
            for r in session.scalars(select(CareRelation))
        ),
        "audit": [
            (e.actor_id, e.unit_hsaid, e.patient_id, e.resource, e.outcome, e.reason)
            for e in session.scalars(select(AuditEntry).order_by(AuditEntry.seq))
        ],
    }


def test_counts_cover_the_country(world: World) -> None:
    summary = world.summary
    assert (summary.regions, summary.municipalities) == (21, 290)
    assert summary.care_givers == 21 + 290 + 4 + 1  # regions, municipalities, private, national
    assert summary.units == UNITS
    assert summary.staff >= 1000
    assert summary.assignments > summary.staff
    assert summary.persons == CITIZENS + 50
    assert summary.care_relations > CITIZENS
    assert summary.audit_entries >= 100


def test_every_hsa_id_is_valid_and_under_its_care_givers_prefix(session: Session) -> None:
    for giver in session.scalars(select(CareGiver)):
        assert is_valid_hsa_id(giver.hsa_id), giver.hsa_id
    for unit in session.scalars(select(Unit)):
        assert is_valid_hsa_id(unit.hsa_id), unit.hsa_id
        assert unit.hsa_id.split("-")[0] == unit.care_giver.hsa_id.split("-")[0]
    for member in session.scalars(select(Staff)):
        assert is_valid_hsa_id(member.hsa_id), member.hsa_id


def test_units_follow_the_organisation(session: Session) -> None:
    kinds = Counter(session.scalars(select(Unit.kind)))
    assert kinds["akutmottagning"] == kinds["barnpsykiatri"] == kinds["vuxenpsykiatri"] == 21
    assert kinds["vardcentral"] >= 21 * 4
    assert kinds["hemtjanst"] > 0
    assert kinds["sarskilt_boende"] > 0
    lulea = session.scalars(select(CareGiver).where(CareGiver.municipality_code == "2580")).one()
    assert lulea.name == "Socialnämnden i Luleå kommun"
    assert lulea.kind == CareGiverKind.MUNICIPALITY


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Luleå", "Luleå"),
        ("Lund", "Lunds"),
        ("Borås", "Borås"),
        ("Falun", "Falu"),
        ("Gotland", "Gotlands"),
        ("Upplands Väsby", "Upplands Väsby"),
    ],
)
def test_genitive_of_municipality_names(name: str, expected: str) -> None:
    assert genitive(name) == expected


def test_people_hold_official_test_numbers_only(session: Session) -> None:
    official = set(loaders.test_personnummer())
    coordination = set(loaders.test_samordningsnummer())
    kinds: Counter[str] = Counter()
    for person in session.scalars(select(Person)):
        parsed = parse_person_id(person.person_id)
        assert person.person_id in (official | coordination)
        assert (person.birth_date, person.sex, person.id_kind) == (
            parsed.birth_date,
            parsed.sex,
            parsed.kind.value,
        )
        if person.protected_identity or person.id_kind == "samordningsnummer":
            assert person.street_address is None
            assert person.postal_code is None
        else:
            assert person.street_address
            assert person.postal_code
            assert person.city
        kinds[person.id_kind] += 1
    assert kinds == {"personnummer": CITIZENS, "samordningsnummer": 50}


def test_same_seed_gives_the_same_world(world: World, tmp_path: Path) -> None:
    again = _build(tmp_path / "again.db")
    other = _build(tmp_path / "other.db", seed=7)
    try:
        with world.sessions() as first, again.sessions() as second, other.sessions() as third:
            original = _snapshot(first)
            assert _snapshot(second) == original
            different = _snapshot(third)
        assert different["units"] == original["units"]
        assert different["persons"] != original["persons"]
    finally:
        again.engine.dispose()
        other.engine.dispose()


def _active_units(session: Session, hsa_id: str) -> dict[str, Assignment]:
    staff = session.scalars(select(Staff).where(Staff.hsa_id == hsa_id)).one()
    rows = session.scalars(select(Assignment).where(Assignment.staff_id == staff.id))
    return {a.unit.hsa_id: a for a in rows}


def test_staff_personas_exist_as_described(session: Session) -> None:
    today = date.today()
    for persona in personas.STAFF:
        assert is_valid_hsa_id(persona.hsa_id)
        member = session.scalars(select(Staff).where(Staff.hsa_id == persona.hsa_id)).one()
        assert (member.given_name, member.family_name) == (persona.given_name, persona.family_name)
        assert member.profession == persona.profession
        assignments = _active_units(session, persona.hsa_id)
        assert set(assignments) == set(persona.units)
        for assignment in assignments.values():
            assert assignment.role == persona.role
            assert assignment.active_on(today) is not persona.ended
    nurse_unit = session.scalars(select(Unit).where(Unit.hsa_id == personas.NURSE.units[0])).one()
    assert nurse_unit.kind == "vardcentral"
    assert session.get(Municipality, nurse_unit.municipality_code).region_code == "01"  # type: ignore[union-attr]
    home_care = session.scalars(select(Unit).where(Unit.hsa_id == personas.HOME_CARE_UNIT)).one()
    assert home_care.care_giver.kind == CareGiverKind.MUNICIPALITY
    national = session.scalars(select(Unit).where(Unit.hsa_id == personas.NATIONAL_UNIT)).one()
    assert national.care_giver.kind == CareGiverKind.NATIONAL
    assert national.care_giver.name == "Nationell uppföljning av asylsjukvård"
    assert national.kind == "administration"


def test_citizen_personas_exist_as_described(session: Session) -> None:
    official = set(loaders.test_personnummer()) | set(loaders.test_samordningsnummer())
    for persona in personas.CITIZENS:
        assert persona.person_id in official
        person = session.scalars(select(Person).where(Person.person_id == persona.person_id)).one()
        assert (person.given_name, person.family_name) == (persona.given_name, persona.family_name)
        assert person.protected_identity is persona.protected_identity
        related = session.scalars(
            select(Unit.hsa_id)
            .join(CareRelation, CareRelation.unit_id == Unit.id)
            .where(CareRelation.person_id == person.id, CareRelation.ended_at.is_(None))
        )
        assert set(related) == set(persona.relation_units)
    protected = _person(session, personas.PROTECTED_CITIZEN.person_id)
    assert protected.street_address is None
    assert protected.municipality_code is None
    child_age = parse_person_id(personas.CHILD.person_id).age(date.today())
    assert child_age is not None
    assert child_age < 13


def _person(session: Session, person_id: str) -> Person:
    return session.scalars(select(Person).where(Person.person_id == person_id)).one()


def test_every_region_has_an_administrator_and_a_log_reviewer(session: Session) -> None:
    today = date.today()
    active = [a for a in session.scalars(select(Assignment)) if a.active_on(today)]
    for role in (Role.ADMINISTRATOR, Role.LOG_REVIEWER):
        regions = {a.unit.care_giver.region_code for a in active if a.role == role}
        assert len(regions) == 21
    assert any(a.role == Role.PLANNER for a in active)
    per_staff = Counter(a.staff_id for a in active)
    assert any(count >= 2 for count in per_staff.values())
    ended = [a for a in session.scalars(select(Assignment)) if not a.active_on(today)]
    assert len(ended) > 1


def test_audit_chain_verifies_with_allowed_and_denied_entries(session: Session) -> None:
    result = verify(session)
    assert result.ok, result.problem
    entries = list(session.scalars(select(AuditEntry)))
    assert result.checked == len(entries)
    reasons = Counter((e.outcome, e.reason) for e in entries)
    assert reasons[("denied", "no_care_relation")] > 0
    assert reasons[("denied", "no_active_assignment")] > 0
    assert reasons[("allowed", "care_relation")] > reasons[("denied", "no_care_relation")]
    mine = [e for e in entries if e.patient_id == personas.CITIZEN.person_id]
    assert {e.outcome for e in mine} == {"allowed", "denied"}
    assert any(e.actor_id == personas.NURSE.hsa_id for e in mine)


def test_too_many_citizens_is_refused(tmp_path: Path) -> None:
    engine = _empty_database(tmp_path / "x.db")
    with pytest.raises(CitizenCountError), transaction(make_session_factory(engine)) as s:
        build_demo(s, citizens=len(loaders.test_personnummer()) + 1)
    engine.dispose()


def test_cli_loads_an_empty_database_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    _empty_database(tmp_path / "cli.db").dispose()
    runner = CliRunner()
    first = runner.invoke(command, ["--citizens", "20", "--database-url", url])
    assert first.exit_code == 0, first.output
    assert re.search(r"persons +70\n", first.stdout)
    assert personas.CITIZEN.person_id not in first.output  # counts only, no personal data
    second = runner.invoke(command, ["--citizens", "20", "--database-url", url])
    assert second.exit_code == 1
    assert "tom databas" in second.output
    assert "empty database" in second.output


def test_cli_refuses_a_missing_schema_and_bad_counts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'none.db'}"
    missing = CliRunner().invoke(command, ["--database-url", url])
    assert missing.exit_code == 1
    assert "samvard migrate" in missing.output
    bad = CliRunner().invoke(command, ["--citizens", "1", "--database-url", url])
    assert bad.exit_code == 2
    assert "--citizens" in bad.output


def test_progress_line_draws_a_bar() -> None:
    from samvard.demo.cli import progress_line

    assert progress_line("Invånare", 5, 10, width=10) == "  [#####-----]  50%  Invånare: 5/10"
    assert progress_line("Klart", 0, 0, width=4) == "  [####] 100%  Klart: 0/0"
