"""The coordinated view for staff (sammanhållen dokumentation, like NPÖ).

Every source that holds the information set about the patient is asked, each with its
own policy decision, and the page shows a status line for every source before the
merged entries. What it shows is fetched for the page and never stored: a window, not a
copy. When a source refuses for lack of consent, staff may register the consent the
patient gives now, or (health-care clinicians only) open emergency access.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samvard.access.schemas import InfoSet
from samvard.core.db import utcnow
from samvard.directory.models import Role
from samvard.directory.queries import names_by_hsa_id
from samvard.federation.consumer import fetch
from samvard.identity.models import Person
from samvard.records.models import RecordKind
from samvard.records.schemas import KIND_LABELS
from samvard.sharing.actions import SharingError, grant_consent, open_emergency_access
from samvard.sharing.models import ConsentBasis
from samvard.sharing.queries import get_sharing_state
from samvard.sharing.schemas import EmergencyView
from samvard.web import coordinated_views as views
from samvard.web.deps import Csrf, Db, Login, PathId, StaffAtUnit, settings_of
from samvard.web.errors import WebError
from samvard.web.patient_access import get_patient, open_patient, posted_form
from samvard.web.record_forms import target_group_label
from samvard.web.routes.records_staff import TABS
from samvard.web.routes.staff import care_purpose
from samvard.web.templating import render

router = APIRouter(prefix="/personal/patient/{person_pk}/sammanhallen")

Kind = Annotated[RecordKind, Query()]
Form = Annotated[dict[str, str], Depends(posted_form)]
_DONE = {
    "samtycke": "Samtycket är registrerat. Uppgifterna nedan är hämtade med stöd av det.",
    "nodatkomst": "Nödåtkomst är öppnad. Varje läsning loggas och följs upp av loggranskare.",
}
_BASIS = {"patient": ConsentBasis.PATIENT, "antaget": ConsentBasis.PRESUMED}


@router.get("", response_class=HTMLResponse)
def coordinated(
    request: Request,
    db: Db,
    login: StaffAtUnit,
    person_pk: PathId,
    mangd: Kind = RecordKind.MEDICATION,
    kalla: Annotated[str | None, Query(max_length=31, pattern=r"^[A-Za-z0-9-]+$")] = None,
    klart: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    """Every source's records of one information set, each source with its status."""
    person, shown = open_patient(db, login, person_pk)
    answer = fetch(
        db,
        actor=login.actor,
        purpose=care_purpose(login),
        patient=person,
        kind=mangd,
        only_source=kalla,
        settings=settings_of(request),
    )
    names = names_by_hsa_id(db, views.blocked_unit_ids(answer))
    offer = views.denied_for_consent(answer)
    context = {
        **_page(person, shown, mangd),
        "answer": answer,
        "lines": views.source_lines(answer, names),
        "entries": views.merged_entries(answer),
        "only_source": kalla,
        "offer_consent": offer,
        "offer_emergency": offer and may_open_emergency(login),
        "emergency": _open_emergency(db, login, person),
        "done": _DONE.get(klart or ""),
        "values": {},
        "errors": {},
    }
    if kalla and request.headers.get("HX-Request") == "true":
        return render(request, "_coordinated_retry.html", context)
    return render(request, "staff_coordinated.html", context)


def _page(person: Person, shown: bool, kind: RecordKind) -> dict[str, object]:
    return {
        "person": person,
        "show_protected": shown,
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "tabs": [(k, KIND_LABELS[k]) for k in TABS],
        "target_group_label": target_group_label,
    }


def may_open_emergency(login: Login) -> bool:
    """Emergency access is for health-care clinicians; social-care staff never see it."""
    actor = login.actor
    health_care = actor.care_giver_kind is not None and actor.care_giver_kind.is_health_care
    return actor.role is Role.CLINICIAN and health_care


def _open_emergency(db: Db, login: Login, person: Person) -> EmergencyView | None:
    """The actor's own open emergency access to this patient, if any (to show its expiry)."""
    state = get_sharing_state(db, person, now=utcnow())
    mine = [e for e in state.emergencies if e.staff_hsaid == login.actor.id]
    return max(mine, key=lambda e: e.expires_at) if mine else None


@router.post("/samtycke", dependencies=[Csrf])
def register_consent(
    request: Request, db: Db, login: StaffAtUnit, person_pk: PathId, form: Form
) -> Response:
    """Register the consent the patient gives now, to this care giver; or a presumed one.

    A presumed consent (the patient cannot express a will) needs the reason.
    """
    kind = _kind(form.get("mangd", ""))
    person = get_patient(db, login, person_pk)
    basis = _BASIS.get(form.get("grund", ""))
    only_kind = form.get("omfattning") == "mangd"
    try:
        if basis is None:
            raise SharingError("grund", "Välj hur patienten har tagit ställning.")
        grant_consent(
            db,
            actor=login.actor,
            patient=person,
            accessor_hsaid=login.actor.care_giver_hsaid,
            info_sets=[InfoSet.for_record(kind)] if only_kind else None,
            basis=basis,
            reason=form.get("skal") or None,
            purpose=care_purpose(login),
        )
    except SharingError as error:
        return _action_page(request, db, login, person_pk, kind, "samtycke", form, error)
    return _back(person, kind, "samtycke")


@router.post("/nodatkomst", dependencies=[Csrf])
def open_emergency(
    request: Request, db: Db, login: StaffAtUnit, person_pk: PathId, form: Form
) -> Response:
    """Open emergency access with a stated reason; the policy refuses social-care staff."""
    kind = _kind(form.get("mangd", ""))
    person = get_patient(db, login, person_pk)
    try:
        open_emergency_access(db, actor=login.actor, patient=person, reason=form.get("skal", ""))
    except SharingError as error:
        return _action_page(request, db, login, person_pk, kind, "nodatkomst", form, error)
    return _back(person, kind, "nodatkomst")


def _kind(value: str) -> RecordKind:
    try:
        return RecordKind(value)
    except ValueError as error:
        raise WebError(400, "unknown_kind", "Okänd informationsmängd.") from error


def _back(person: Person, kind: RecordKind, done: str) -> RedirectResponse:
    url = f"/personal/patient/{person.id}/sammanhallen?mangd={kind.value}&klart={done}"
    return RedirectResponse(url, status_code=303)


def _action_page(
    request: Request,
    db: Db,
    login: Login,
    person_pk: int,
    kind: RecordKind,
    action: str,
    form: dict[str, str],
    error: SharingError,
) -> HTMLResponse:
    """The form again, with the input kept and the problem in Swedish; nothing was written."""
    person, shown = open_patient(db, login, person_pk)
    field = {"reason": "skal", "basis": "grund"}.get(error.field, error.field)
    context = {
        **_page(person, shown, kind),
        "action": action,
        "values": form,
        "errors": {field: error.message},
        "offer_emergency": may_open_emergency(login),
    }
    return render(request, "staff_coordinated_action.html", context, status=400)
