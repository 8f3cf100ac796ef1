"""Demo records, written the way staff write them: through `samvard.records.actions.write`.

Every record passes the policy hook and is logged and indexed like a real one, so the demo
shows coordinated care end to end: the ELDER persona's vårdcentral and home care document
about her, she consents to the municipality reading the region's records, and a few other
patients with both a vårdcentral and municipal care get records of their own.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from samvard.access.schemas import Actor, ActorKind, Purpose
from samvard.demo import personas
from samvard.demo.organisations import Directory
from samvard.demo.people import Resident
from samvard.demo.record_story import (
    ELDER_HEALTH_CENTRE,
    ELDER_HOME_CARE,
    OTHER_DIAGNOSES,
    OTHER_INTERVENTIONS,
    OTHER_MEDICATIONS,
    Entry,
)
from samvard.demo.relations import Relation
from samvard.demo.staff import Post
from samvard.directory.models import Role, Unit
from samvard.identity.models import Person
from samvard.records.actions import write
from samvard.records.models import RecordKind
from samvard.records.schemas import NewRecord
from samvard.sharing.actions import grant_consent

OTHER_SHARED_PATIENTS = 4
# The first of the other shared patients consent to everyone; the rest have not consented,
# so the demo also shows a source answering "nekad: inget samtycke".
_CONSENTING_OTHERS = 2
_SOCIAL_KINDS = ("hemtjanst", "sarskilt_boende")
_PURPOSE = {Role.CLINICIAN: Purpose.CARE, Role.CARE_STAFF: Purpose.SOCIAL_CARE}

Progress = Callable[[int, int], None]


@dataclass
class RecordCounts:
    """How many records and consents the stage wrote."""

    records: int = 0
    consents: int = 0


class _Writer:
    """Writes entries as one post (a staff member at a unit) about one patient."""

    def __init__(self, session: Session, directory: Directory, node_id: str) -> None:
        self.session = session
        self.units = {unit.id: unit for unit in directory.units}
        self.node_id = node_id
        self.counts = RecordCounts()

    def write(self, post: Post, patient: Person, entries: Iterable[Entry]) -> None:
        actor = post.actor
        assert actor.role is not None
        for entry in entries:
            new = NewRecord(
                kind=entry.kind,
                title=entry.title,
                occurred_on=entry.occurred_on,
                details=entry.details,
            )
            write(
                self.session,
                actor=actor,
                purpose=_PURPOSE[actor.role],
                patient=patient,
                unit=self.units[post.unit_id],
                new=new,
                node_id=self.node_id,
            )
            self.counts.records += 1

    def consent(self, patient: Person, accessor_hsaid: str | None) -> None:
        """The patient's own consent, given on their pages."""
        actor = Actor(kind=ActorKind.CITIZEN, id=patient.person_id, person_pk=patient.id)
        grant_consent(self.session, actor=actor, patient=patient, accessor_hsaid=accessor_hsaid)
        self.counts.consents += 1


def build_records(
    session: Session,
    directory: Directory,
    posts: list[Post],
    residents: list[Resident],
    relations: list[Relation],
    *,
    rng: random.Random,
    node_id: str,
    progress: Progress,
) -> RecordCounts:
    """Write the personas' records and consents, then a few other shared patients'."""
    writer = _Writer(session, directory, node_id)
    by_hsa = {(p.actor.id, p.actor.unit_hsaid): p for p in posts if p.active}
    care_posts = _care_posts(posts)
    others = _shared_patients(directory, residents, relations, care_posts, rng)
    total = 2 + len(others)
    _elder(writer, by_hsa, _person(session, residents, personas.ELDER.person_id))
    progress(1, total)
    _citizen(writer, by_hsa, _person(session, residents, personas.CITIZEN.person_id))
    progress(2, total)
    for done, (index, (pk, health, social)) in enumerate(enumerate(others), start=3):
        patient = session.get(Person, pk)
        assert patient is not None
        _other(writer, rng, patient, care_posts[health], care_posts[social])
        if index < _CONSENTING_OTHERS:
            writer.consent(patient, None)
        progress(done, total)
    return writer.counts


def _elder(writer: _Writer, by_hsa: dict[tuple[str, str | None], Post], elder: Person) -> None:
    doctor = by_hsa[(personas.DOCTOR.hsa_id, personas.VARDCENTRAL_UNIT)]
    nurse = by_hsa[(personas.NURSE.hsa_id, personas.VARDCENTRAL_UNIT)]
    home_care = by_hsa[(personas.CARE_STAFF.hsa_id, personas.HOME_CARE_UNIT)]
    # The nurse keeps alerts and contacts, the doctor the rest; home care writes its own.
    nursing = {RecordKind.ALERT, RecordKind.CONTACT}
    writer.write(doctor, elder, [e for e in ELDER_HEALTH_CENTRE if e.kind not in nursing])
    writer.write(nurse, elder, [e for e in ELDER_HEALTH_CENTRE if e.kind in nursing])
    writer.write(home_care, elder, ELDER_HOME_CARE)
    # Ingrid lets the municipality (her home care) read what the region has documented.
    writer.consent(elder, home_care.actor.care_giver_hsaid)


def _citizen(writer: _Writer, by_hsa: dict[tuple[str, str | None], Post], me: Person) -> None:
    nurse = by_hsa[(personas.NURSE.hsa_id, personas.VARDCENTRAL_UNIT)]
    emergency = by_hsa[(personas.DOCTOR.hsa_id, personas.EMERGENCY_UNIT)]
    writer.write(
        nurse,
        me,
        [
            Entry(
                RecordKind.CONTACT,
                "Telefonrådgivning",
                date(2026, 3, 9),
                {"contact_type": "telefon", "reason": "Halsont och feber sedan tre dagar"},
            ),
        ],
    )
    writer.write(
        emergency,
        me,
        [
            Entry(
                RecordKind.DIAGNOSIS,
                "Distorsion av fotled",
                date(2026, 5, 23),
                {"code": "S93.4", "text": "Distorsion av fotled", "main": True},
            ),
            Entry(
                RecordKind.NOTE,
                "Akutbesök",
                date(2026, 5, 23),
                {
                    "profession": "Läkare",
                    "text": "Stukade vänster fot vid löpning. Röntgen utan fraktur. "
                    "Avlastning och högläge; åter vid försämring.",
                },
            ),
        ],
    )


def _other(
    writer: _Writer, rng: random.Random, patient: Person, health: list[Post], social: list[Post]
) -> None:
    code, text = rng.choice(OTHER_DIAGNOSES)
    name, atc, dosage = rng.choice(OTHER_MEDICATIONS)
    intervention, scope = rng.choice(OTHER_INTERVENTIONS)
    started = date(2025, rng.randint(1, 12), rng.randint(1, 28))
    health_entries = [
        Entry(RecordKind.DIAGNOSIS, text, started, {"code": code, "text": text, "main": True}),
        Entry(
            RecordKind.MEDICATION,
            name,
            started,
            {"name": name, "atc": atc, "dosage": dosage, "started_on": started.isoformat()},
        ),
    ]
    social_entry = Entry(
        RecordKind.SOCIAL_CARE,
        intervention,
        started,
        {
            "intervention": intervention,
            "law": "SoL",
            "target_group": "aldre",
            "decided_on": started.isoformat(),
            "scope": scope,
        },
    )
    writer.write(rng.choice(health), patient, health_entries)
    writer.write(rng.choice(social), patient, [social_entry])


def _care_posts(posts: list[Post]) -> dict[int, list[Post]]:
    found: dict[int, list[Post]] = defaultdict(list)
    for post in posts:
        if post.active and post.actor.role in _PURPOSE:
            found[post.unit_id].append(post)
    return found


def _shared_patients(
    directory: Directory,
    residents: list[Resident],
    relations: list[Relation],
    care_posts: dict[int, list[Post]],
    rng: random.Random,
) -> list[tuple[int, int, int]]:
    """(person, vårdcentral, municipal care unit) for a few non-persona patients with both."""
    units: dict[int, Unit] = {unit.id: unit for unit in directory.units}
    persona_pks = {r.pk for r in residents if r.person_id in _PERSONA_NUMBERS}
    health: dict[int, int] = {}
    social: dict[int, int] = {}
    for relation in relations:
        staffed = care_posts.get(relation.unit_id)
        if not relation.active or relation.person_pk in persona_pks or not staffed:
            continue
        unit = units[relation.unit_id]
        if unit.kind == "vardcentral":
            health.setdefault(relation.person_pk, relation.unit_id)
        elif unit.kind in _SOCIAL_KINDS and not unit.care_giver.kind.is_health_care:
            # Only a municipality's own units hold social-care relations (see relations.py).
            social.setdefault(relation.person_pk, relation.unit_id)
    both = sorted(set(health) & set(social))
    chosen = sorted(rng.sample(both, min(OTHER_SHARED_PATIENTS, len(both))))
    return [(pk, health[pk], social[pk]) for pk in chosen]


_PERSONA_NUMBERS = {p.person_id for p in personas.CITIZENS}


def _person(session: Session, residents: list[Resident], person_id: str) -> Person:
    pk = next(r.pk for r in residents if r.person_id == person_id)
    person = session.get(Person, pk)
    assert person is not None
    return person
