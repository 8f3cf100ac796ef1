"""The staff journal: this care giver's own records about a patient, and new ones.

One information set at a time (a tab each), so every view is one logged access to one
information set. New records are documented at the staff member's own unit only.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samvard.access.guard import check
from samvard.access.policy import decide
from samvard.access.schemas import AccessRequest, Action, Facts, InfoSet
from samvard.core.db import utcnow
from samvard.identity.models import Person
from samvard.records.actions import RecordError, write
from samvard.records.models import RecordKind
from samvard.records.queries import list_records
from samvard.records.schemas import KIND_LABELS
from samvard.sharing.policy import is_blocked
from samvard.sharing.queries import get_sharing_state
from samvard.web.deps import Csrf, Db, Login, PathId, StaffAtUnit, settings_of
from samvard.web.errors import WebError
from samvard.web.patient_access import get_patient, open_patient, posted_form
from samvard.web.record_forms import (
    COMMON_FIELDS,
    FIELDS,
    LABELS,
    SHARE_FIELD,
    describe,
    parse_form,
    target_group_label,
)
from samvard.web.routes.staff import care_purpose
from samvard.web.templating import render

router = APIRouter(prefix="/personal/patient/{person_pk}")

# The order of the tabs: what a carer needs first (alerts, diagnoses, medicines) leads.
TABS = (
    RecordKind.ALERT,
    RecordKind.DIAGNOSIS,
    RecordKind.MEDICATION,
    RecordKind.CONTACT,
    RecordKind.NOTE,
    RecordKind.LAB,
    RecordKind.FUNCTIONAL,
    RecordKind.SOCIAL_CARE,
)
Kind = Annotated[RecordKind, Query()]
_DONE = {"sparad": "Uppgiften är dokumenterad."}
# A new form: shared, and a diagnosis is the main one, unless the writer says otherwise.
_DEFAULTS = {"share": "ja", "main": "ja"}


def may_write(login: Login, kind: RecordKind) -> bool:
    """Whether the role may document `kind` at all (the policy's rule, asked without I/O).

    Only decides whether to offer the form; the write itself passes the hook as usual.
    """
    request = AccessRequest(
        actor=login.actor,
        info=InfoSet.for_record(kind),
        purpose=care_purpose(login),
        action=Action.WRITE,
    )
    able = Facts(assignment_active=True, relation_at_unit=True, relation_at_care_giver=True)
    return decide(request, able).allowed


@router.get("/journal", response_class=HTMLResponse)
def journal(
    request: Request,
    db: Db,
    login: StaffAtUnit,
    person_pk: PathId,
    mangd: Kind = RecordKind.NOTE,
    klart: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    """The care giver's own records of one information set, and the form for a new one."""
    person, shown = open_patient(db, login, person_pk)
    done = _DONE.get(klart or "")
    return _journal(request, db, login, person, mangd, shown, done=done)


@router.post("/journal", dependencies=[Csrf])
def document(
    request: Request,
    db: Db,
    login: StaffAtUnit,
    person_pk: PathId,
    form: Annotated[dict[str, str], Depends(posted_form)],
) -> Response:
    """Document a record at the staff member's own unit, or show the problems in Swedish."""
    kind = _kind(form.get("mangd", ""))
    person = get_patient(db, login, person_pk)
    new, errors = parse_form(kind, form, today=utcnow().date())
    if new is not None:
        assert login.assignment is not None
        try:
            write(
                db,
                actor=login.actor,
                purpose=care_purpose(login),
                patient=person,
                unit=login.assignment.unit,
                new=new,
                node_id=settings_of(request).node_id,
            )
        except RecordError as error:
            errors = error.errors
        else:
            url = f"/personal/patient/{person.id}/journal?mangd={kind.value}&klart=sparad"
            return RedirectResponse(url, status_code=303)
    person, shown = open_patient(db, login, person_pk)
    return _journal(request, db, login, person, kind, shown, values=form, errors=errors, status=400)


def _kind(value: str) -> RecordKind:
    try:
        return RecordKind(value)
    except ValueError as error:
        raise WebError(400, "unknown_kind", "Okänd informationsmängd.") from error


def _journal(
    request: Request,
    db: Db,
    login: Login,
    person: Person,
    kind: RecordKind,
    shown: bool,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    done: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    actor = login.actor
    check(
        db,
        AccessRequest(
            actor=actor,
            info=InfoSet.for_record(kind),
            purpose=care_purpose(login),
            patient_pk=person.id,
            unit_id=actor.unit_id,
            source_hsaid=actor.care_giver_hsaid,
        ),
    )
    rows, blocked = _own_rows(db, login, person, kind)
    context = {
        "person": person,
        "show_protected": shown,
        "kind": kind,
        "tabs": [(k, KIND_LABELS[k]) for k in TABS],
        "kind_label": KIND_LABELS[kind],
        "rows": rows,
        "blocked_units": blocked,
        "may_write": may_write(login, kind),
        "common_fields": COMMON_FIELDS,
        "fields": FIELDS[kind],
        "share_field": SHARE_FIELD,
        "labels": LABELS,
        "values": values or _DEFAULTS | {"occurred_on": utcnow().date().isoformat()},
        "errors": errors or {},
        "done": done,
        "target_group_label": target_group_label,
    }
    return render(request, "staff_journal.html", context, status=status)


def _own_rows(
    db: Db, login: Login, person: Person, kind: RecordKind
) -> tuple[list[dict[str, object]], list[str]]:
    """The care giver's records of `kind`, leaving out units a block keeps from this unit.

    A unit block (inre spärr) keeps records inside that unit, also from its own care
    giver's other units: they see only that blocked information exists there.
    """
    actor = login.actor
    own = actor.care_giver_hsaid or ""
    state = get_sharing_state(db, person, now=utcnow())
    rows, blocked = [], []
    for record, unit in list_records(
        db, person_pk=person.id, kinds=[kind], care_giver_id=actor.care_giver_id
    ):
        hidden = is_blocked(
            state,
            source_care_giver=own,
            source_unit=unit.hsa_id,
            reader_care_giver=own,
            reader_unit=actor.unit_hsaid,
        )
        if hidden:
            blocked.append(unit.name)
            continue
        details = describe(record.kind, record.details)
        rows.append({"record": record, "unit": unit, "details": details})
    return rows, sorted(set(blocked))
