"""The producer: what leaves a node, for any sharing state and any records (Hypothesis).

Properties, on every configured database:
- blocked content never leaves the producer, only the blocked unit's HSA-id;
- out-of-scope records (social care outside elderly and disability care) never leave;
- a revoked consent (a state without it) denies the next request;
- every answer, allowed or denied, appends exactly one audit entry on the producer side;
- the decision agrees with a deliberately simple reference.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samvard.core.audit import AuditEntry
from samvard.demo import personas
from samvard.directory.models import CareGiver, CareGiverKind, Municipality, Region, Unit
from samvard.federation.assertions import Requester
from samvard.federation.producer import (
    InvalidRequester,
    ProducerDenied,
    ProducerQuery,
    UnknownCareGiver,
    answer,
)
from samvard.fhir.records import parse_bundle
from samvard.identity.models import Person
from samvard.records.models import Record, RecordKind
from samvard.records.policy import in_scope
from samvard.sharing.models import ConsentBasis
from samvard.sharing.schemas import BlockView, ConsentView, SharingState
from tests.conftest import Database
from tests.support.federation import home_care_requester

pytestmark = pytest.mark.db

NOW = datetime.now(UTC)
REGION_CG = f"{personas.STOCKHOLM_REGION}-VG"
MUNI_CG = f"{personas.STOCKHOLM_MUNICIPALITY}-VG"
UNITS = (personas.VARDCENTRAL_UNIT, personas.EMERGENCY_UNIT)
PATIENT = personas.ELDER.person_id
MARK = "INNEHÅLL"


@dataclass(frozen=True)
class Seed:
    person_pk: int
    unit_pks: tuple[int, ...]
    region_cg_pk: int


def _seed(session: Session) -> Seed:
    session.add(Region(code="01", name="Region Stockholm", county_name="Stockholms län"))
    session.flush()
    session.add(Municipality(code="0180", name="Stockholm", region_code="01", population=1))
    session.flush()
    region = CareGiver(hsa_id=REGION_CG, name="Region Stockholm", kind=CareGiverKind.REGION,
                       region_code="01")  # fmt: skip
    muni = CareGiver(hsa_id=MUNI_CG, name="Stockholms stad", kind=CareGiverKind.MUNICIPALITY,
                     region_code="01", municipality_code="0180")  # fmt: skip
    session.add_all([region, muni])
    session.flush()
    units = [
        Unit(
            hsa_id=hsa,
            name=f"Enhet {i}",
            care_giver_id=region.id,
            municipality_code="0180",
            kind="vardcentral",
        )
        for i, hsa in enumerate(UNITS)
    ]
    person = Person(person_id=PATIENT, id_kind="personnummer", given_name="Ingrid",
                    family_name="Holm", birth_date=date(1938, 4, 3))  # fmt: skip
    session.add_all([*units, person])
    session.flush()
    return Seed(person.id, tuple(u.id for u in units), region.id)


@pytest.fixture
def seeded(db: Database) -> tuple[Database, Seed]:
    with db.sessions.begin() as session:
        seed = _seed(session)
    return db, seed


DETAILS: dict[RecordKind, dict[str, Any]] = {
    RecordKind.MEDICATION: {"name": MARK, "atc": None, "dosage": "1x1",
                            "started_on": "2026-01-01", "ended_on": None},
    RecordKind.NOTE: {"profession": "Sjuksköterska", "text": MARK},
}  # fmt: skip


def _social(group: str) -> dict[str, Any]:
    return {"intervention": MARK, "law": "SoL", "target_group": group,
            "decided_on": "2026-01-01", "ended_on": None, "scope": ""}  # fmt: skip


record_specs = st.lists(
    st.tuples(
        st.integers(0, len(UNITS) - 1),
        st.sampled_from([RecordKind.MEDICATION, RecordKind.NOTE, RecordKind.SOCIAL_CARE]),
        st.booleans(),
        st.sampled_from(["aldre", "funktionsnedsattning", "missbruk", "individ_och_familj"]),
    ),
    max_size=6,
)
consents = st.builds(
    ConsentView,
    accessor_hsaid=st.sampled_from([None, MUNI_CG, "SE2321000099-VG"]),
    info_sets=st.one_of(
        st.none(),
        st.frozensets(st.sampled_from(["record.medication", "record.note", "record.social_care"])),
    ),
    basis=st.sampled_from(ConsentBasis),
    valid_from=st.just(NOW - timedelta(days=1)),
    valid_until=st.sampled_from([None, NOW + timedelta(days=1), NOW - timedelta(hours=1)]),
)
blocks = st.builds(
    BlockView,
    care_giver_hsaid=st.sampled_from([REGION_CG, MUNI_CG]),
    unit_hsaid=st.sampled_from([None, *UNITS]),
)
states = st.builds(
    SharingState,
    person_id=st.just(PATIENT),
    as_of=st.just(NOW),
    consents=st.lists(consents, max_size=3).map(tuple),
    blocks=st.lists(blocks, max_size=2).map(tuple),
)
REQUESTER = home_care_requester(MUNI_CG)


def _write(session: Session, seed: Seed, specs: list[tuple[int, RecordKind, bool, str]]) -> None:
    for i, (unit, kind, share, group) in enumerate(specs):
        details = _social(group) if kind is RecordKind.SOCIAL_CARE else DETAILS[kind]
        session.add(
            Record(
                person_id=seed.person_pk, unit_id=seed.unit_pks[unit],
                care_giver_id=seed.region_cg_pk, author_id=None, kind=kind,
                recorded_at=NOW, occurred_at=datetime.combine(date(2026, 2, 1), time(12), UTC),
                shareable=in_scope(kind, details, share=share),
                title=f"{MARK}-{UNITS[unit]}-{i}", details=details,
            )
        )  # fmt: skip
    session.flush()


def _audit_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def _ask(
    session: Session, state: SharingState, kind: RecordKind, requester: Requester = REQUESTER
) -> dict[str, Any] | ProducerDenied:
    query = ProducerQuery(requester, PATIENT, kind, REGION_CG)
    try:
        return answer(session, query, sharing=state, node_id="region")
    except ProducerDenied as denied:
        return denied


def _expected_allowed(state: SharingState, kind: RecordKind, relation: bool) -> bool:
    """The rules, naively: relation, no whole-care-giver block, a covering consent."""
    if not relation:
        return False
    if any(b.care_giver_hsaid == REGION_CG and b.unit_hsaid is None for b in state.blocks):
        return False
    return any(
        (c.accessor_hsaid in (None, MUNI_CG))
        and (c.info_sets is None or f"record.{kind.value}" in c.info_sets)
        and (c.valid_until is None or c.valid_until > NOW)
        for c in state.consents
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    specs=record_specs,
    state=states,
    kind=st.sampled_from([RecordKind.MEDICATION, RecordKind.NOTE, RecordKind.SOCIAL_CARE]),
    relation=st.booleans(),
)
def test_what_leaves_the_producer(
    seeded: tuple[Database, Seed],
    specs: list[tuple[int, RecordKind, bool, str]],
    state: SharingState,
    kind: RecordKind,
    relation: bool,
) -> None:
    database, seed = seeded
    with database.sessions() as session, session.begin():
        _write(session, seed, specs)
        before = _audit_count(session)
        result = _ask(session, state, kind, replace(REQUESTER, relation=relation))
        assert _audit_count(session) == before + 1
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert entry is not None and entry.action == "disclose"
        assert entry.source_hsaid == REGION_CG and entry.patient_id == PATIENT
        assert entry.outcome == ("denied" if isinstance(result, ProducerDenied) else "allowed")
        assert (not isinstance(result, ProducerDenied)) == _expected_allowed(state, kind, relation)
        if not isinstance(result, ProducerDenied):
            _check_disclosed(result, specs, state, kind)
        session.rollback()


def _unit_blocked(state: SharingState, unit: str) -> bool:
    return any(b.care_giver_hsaid == REGION_CG and b.unit_hsaid == unit for b in state.blocks)


def _check_disclosed(
    bundle: dict[str, Any],
    specs: list[tuple[int, RecordKind, bool, str]],
    state: SharingState,
    kind: RecordKind,
) -> None:
    parsed = parse_bundle(bundle, kind=kind)
    text = json.dumps(bundle, ensure_ascii=False)
    expected_titles = set()
    for i, (unit, spec_kind, share, group) in enumerate(specs):
        title = f"{MARK}-{UNITS[unit]}-{i}"
        details = _social(group) if spec_kind is RecordKind.SOCIAL_CARE else DETAILS[spec_kind]
        leaves = (
            spec_kind is kind
            and in_scope(spec_kind, details, share=share)
            and not _unit_blocked(state, UNITS[unit])
        )
        if leaves:
            expected_titles.add(title)
        else:
            assert title not in text  # blocked, out of scope or another kind: never sent
    assert {e.title for e in parsed.entries} == expected_titles
    blocked_with_records = {
        UNITS[unit]
        for i, (unit, spec_kind, share, group) in enumerate(specs)
        if spec_kind is kind and _unit_blocked(state, UNITS[unit])
        and in_scope(spec_kind, _social(group) if spec_kind is RecordKind.SOCIAL_CARE
                     else DETAILS[spec_kind], share=share)
    }  # fmt: skip
    assert set(parsed.blocked_units) == blocked_with_records
    for e in parsed.entries:
        if e.kind is RecordKind.SOCIAL_CARE:
            assert e.details["target_group"] in {"aldre", "funktionsnedsattning"}


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(state=states)
def test_a_revoked_consent_denies_the_next_request(
    seeded: tuple[Database, Seed], state: SharingState
) -> None:
    database, seed = seeded
    consent = ConsentView(accessor_hsaid=MUNI_CG, info_sets=None, basis=ConsentBasis.PATIENT,
                          valid_from=NOW - timedelta(days=1), valid_until=None)  # fmt: skip
    given_state = replace(state, consents=(consent,), blocks=())
    with database.sessions() as session, session.begin():
        _write(session, seed, [(0, RecordKind.MEDICATION, True, "aldre")])
        assert not isinstance(_ask(session, given_state, RecordKind.MEDICATION), ProducerDenied)
        revoked = _ask(session, replace(given_state, consents=()), RecordKind.MEDICATION)
        assert isinstance(revoked, ProducerDenied) and revoked.code == "no_consent"
        session.rollback()


def test_a_whole_care_giver_block_is_reported_as_blocked(seeded: tuple[Database, Seed]) -> None:
    database, _ = seeded
    consent = ConsentView(accessor_hsaid=None, info_sets=None, basis=ConsentBasis.PATIENT,
                          valid_from=NOW - timedelta(days=1), valid_until=None)  # fmt: skip
    state = SharingState(person_id=PATIENT, as_of=NOW, consents=(consent,),
                         blocks=(BlockView(care_giver_hsaid=REGION_CG),))  # fmt: skip
    with database.sessions.begin() as session:
        result = _ask(session, state, RecordKind.MEDICATION)
        assert isinstance(result, ProducerDenied) and result.code == "blocked"


def test_unknown_care_giver_and_invalid_requester(seeded: tuple[Database, Seed]) -> None:
    database, _ = seeded
    state = SharingState(person_id=PATIENT, as_of=NOW)
    with database.sessions.begin() as session:
        before = _audit_count(session)
        with pytest.raises(UnknownCareGiver):
            answer(session, ProducerQuery(REQUESTER, PATIENT, RecordKind.NOTE, "SE2321000099-VG"),
                   sharing=state, node_id="region")  # fmt: skip
        bad = replace(REQUESTER, role="superuser")
        with pytest.raises(InvalidRequester):
            answer(session, ProducerQuery(bad, PATIENT, RecordKind.NOTE, REGION_CG),
                   sharing=state, node_id="region")  # fmt: skip
        other = SharingState(person_id=personas.CITIZEN.person_id, as_of=NOW)
        with pytest.raises(ValueError, match="another patient"):
            answer(session, ProducerQuery(REQUESTER, PATIENT, RecordKind.NOTE, REGION_CG),
                   sharing=other, node_id="region")  # fmt: skip
        assert _audit_count(session) == before  # malformed questions are not answers


def test_a_patient_unknown_here_gets_an_empty_answer_that_is_logged(
    seeded: tuple[Database, Seed],
) -> None:
    database, _ = seeded
    stranger = personas.CITIZEN.person_id
    consent = ConsentView(accessor_hsaid=None, info_sets=None, basis=ConsentBasis.PATIENT,
                          valid_from=NOW - timedelta(days=1), valid_until=None)  # fmt: skip
    state = SharingState(person_id=stranger, as_of=NOW, consents=(consent,))
    with database.sessions.begin() as session:
        query = ProducerQuery(REQUESTER, stranger, RecordKind.NOTE, REGION_CG)
        bundle = answer(session, query, sharing=state, node_id="region")
        assert bundle["total"] == 0
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert entry is not None and entry.patient_id == stranger


def test_without_a_statement_the_local_choices_decide(seeded: tuple[Database, Seed]) -> None:
    database, seed = seeded
    with database.sessions.begin() as session:
        _write(session, seed, [(0, RecordKind.NOTE, True, "aldre")])
        query = ProducerQuery(REQUESTER, PATIENT, RecordKind.NOTE, REGION_CG)
        with pytest.raises(ProducerDenied) as denied:
            answer(session, query, sharing=None, node_id="region")
        assert denied.value.code == "no_consent"
