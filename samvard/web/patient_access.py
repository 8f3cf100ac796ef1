"""Helpers the staff patient pages share: opening a patient through the policy hook, and
reading a posted form whose fields depend on what is documented."""

from __future__ import annotations

from fastapi import Request

from samvard.identity.models import Person
from samvard.identity.queries import get_person
from samvard.web.deps import Db, Login
from samvard.web.errors import WebError
from samvard.web.routes.staff import check_demographics, check_lookup


def get_patient(db: Db, login: Login, person_pk: int) -> Person:
    """The patient with this id; an unknown id answers like the patient page does.

    Roles without a care duty get the same 403 for an unknown id as for a real patient,
    so the answer never reveals who exists.
    """
    person = get_person(db, person_pk)
    if person is None:
        check_lookup(db, login, None)
        raise WebError(404, "unknown_patient", "Patienten finns inte.")
    return person


def open_patient(db: Db, login: Login, person_pk: int) -> tuple[Person, bool]:
    """The patient, once the policy allowed (and logged) reading who it is.

    Also returns whether name and address may be shown (protected identity).
    """
    person = get_patient(db, login, person_pk)
    return person, check_demographics(db, login, person)


async def posted_form(request: Request) -> dict[str, str]:
    """The posted form's text fields (the request body is already bounded in size)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}
