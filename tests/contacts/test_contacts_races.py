"""Concurrent claims, bookings and message retries: exactly one wins, nothing twice.

Each contender runs in its own thread with its own session and transaction, started
together at a barrier, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from samvard.access.schemas import Actor
from samvard.contacts import actions, queries
from samvard.contacts.models import ChatMessage, Contact, ContactStatus, Slot, SlotKind
from samvard.contacts.schemas import ContactError
from samvard.demo import personas
from tests.conftest import Database
from tests.contacts.helpers import open_for
from tests.support.actors import citizen_actor, person_by_id, staff_actor, unit_by_hsaid

pytestmark = pytest.mark.db


@pytest.fixture
def opened(world: Database) -> Iterator[list[str]]:
    """Refs of contacts the test commits; closed afterwards so no queue keeps them."""
    refs: list[str] = []
    yield refs
    with world.sessions.begin() as session:
        session.execute(
            update(Contact).where(Contact.ref.in_(refs)).values(status=ContactStatus.CLOSED)
        )


def _open(world: Database, refs: list[str], count: int = 1) -> list[str]:
    with world.sessions.begin() as session:
        sara = person_by_id(session, personas.CITIZEN.person_id)
        new = [open_for(session, sara).ref for _ in range(count)]
    refs.extend(new)
    return new


def _race(world: Database, steps: list[Callable[[Session], object]]) -> list[object]:
    """Run each step in its own transaction at the same moment; results or exceptions."""
    barrier = threading.Barrier(len(steps))
    results: list[object] = [None] * len(steps)

    def run(index: int) -> None:
        barrier.wait()
        try:
            with world.sessions.begin() as session:
                results[index] = steps[index](session)
        except Exception as exc:  # the test inspects what each contender got
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(steps))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _contact(session: Session, ref: str) -> Contact:
    contact = queries.get_contact(session, ref)
    assert contact is not None
    return contact


def _actor(session: Session, persona: personas.StaffPersona) -> Actor:
    return staff_actor(session, persona, personas.VARDCENTRAL_UNIT)


def test_two_clinicians_claiming_at_once_one_wins(world: Database, opened: list[str]) -> None:
    (ref,) = _open(world, opened)

    def claim_as(persona: personas.StaffPersona) -> Callable[[Session], object]:
        return lambda s: actions.claim(s, actor=_actor(s, persona), contact=_contact(s, ref)).id

    results = _race(world, [claim_as(personas.NURSE), claim_as(personas.DOCTOR)])
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert isinstance(errors[0], ContactError) and errors[0].code == "already_claimed"
    with world.sessions() as session:
        assert _contact(session, ref).status is ContactStatus.CLAIMED


def test_two_bookings_of_one_slot_end_with_exactly_one(world: Database, opened: list[str]) -> None:
    refs = _open(world, opened, count=2)
    with world.sessions.begin() as session:
        unit = unit_by_hsaid(session, personas.VARDCENTRAL_UNIT)
        start = datetime.now(UTC) + timedelta(days=30)
        slot = Slot(unit_id=unit.id, starts_at=start, minutes=30, kind=SlotKind.PHYSICAL)
        session.add(slot)
        for ref, persona in zip(refs, (personas.NURSE, personas.DOCTOR), strict=True):
            actions.claim(session, actor=_actor(session, persona), contact=_contact(session, ref))
        session.flush()
        slot_id = slot.id

    def book(ref: str, persona: personas.StaffPersona) -> Callable[[Session], object]:
        def step(s: Session) -> object:
            chosen = s.get(Slot, slot_id)
            assert chosen is not None
            return actions.book_slot(
                s, actor=_actor(s, persona), contact=_contact(s, ref), slot=chosen
            ).booked_contact_id

        return step

    results = _race(world, [book(refs[0], personas.NURSE), book(refs[1], personas.DOCTOR)])
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert isinstance(errors[0], ContactError) and errors[0].code == "slot_taken"
    with world.sessions() as session:
        booked = session.get(Slot, slot_id)
        assert booked is not None and booked.booked_contact_id in results
        session.delete(booked)
        session.commit()


def test_concurrent_retries_of_one_message_store_it_once(
    world: Database, opened: list[str]
) -> None:
    (ref,) = _open(world, opened)

    def post(s: Session) -> object:
        sara = citizen_actor(person_by_id(s, personas.CITIZEN.person_id))
        contact = _contact(s, ref)
        return actions.post_message(s, actor=sara, contact=contact, body="Hej", client_id="r1").id

    results = _race(world, [post, post, post])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1
    with world.sessions() as session:
        contact = _contact(session, ref)
        stored = session.scalar(
            select(func.count()).where(
                ChatMessage.contact_id == contact.id, ChatMessage.client_id == "r1"
            )
        )
        assert stored == 1
