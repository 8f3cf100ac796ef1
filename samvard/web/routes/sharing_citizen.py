"""The citizen's sharing pages: consents, blocks, and who could see what."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samvard.access.guard import check_own
from samvard.access.schemas import InfoSet
from samvard.core.db import utcnow
from samvard.directory.queries import search_care_givers
from samvard.identity.models import Person
from samvard.records.schemas import KIND_LABELS
from samvard.sharing import actions, inputs
from samvard.sharing import preview as pv
from samvard.sharing.queries import CONSENT_AGE, list_blocks, list_consents
from samvard.web import sharing_views as views
from samvard.web.deps import CitizenLogin, Csrf, Db, Login, PathId
from samvard.web.errors import WebError
from samvard.web.templating import render

router = APIRouter(prefix="/mina-sidor")

HsaId = Annotated[str, Form(max_length=31)]
# Messages after a change, named in the redirect so a reload does not repeat the change.
_DONE = {
    "samtycke": "Ditt samtycke är registrerat och gäller från och med nu.",
    "aterkallat": "Samtycket är återkallat. Det gäller inte längre.",
    "sparr": "Spärren gäller från och med nu.",
    "havd": "Spärren är hävd.",
}
Done = Annotated[str | None, Query(max_length=20)]


def own_sharing(db: Db, login: Login) -> Person:
    """The logged-in citizen, after the policy hook has allowed (and logged) the read."""
    assert login.person is not None
    check_own(db, actor=login.actor, info=InfoSet.SHARING, patient_pk=login.person.id)
    return login.person


def _done(page: str, key: str) -> RedirectResponse:
    return RedirectResponse(f"/mina-sidor/{page}?klart={key}", status_code=303)


@router.get("/samtycken", response_class=HTMLResponse)
def consents_page(
    request: Request,
    db: Db,
    login: CitizenLogin,
    klart: Done = None,
    sok: Annotated[str | None, Query(max_length=100)] = None,
) -> HTMLResponse:
    """My consents, and the form to give a new one."""
    person = own_sharing(db, login)
    context = {"done": _DONE.get(klart or "")}
    return _consents(request, db, person, search=sok, extra=context)


def _consents(
    request: Request,
    db: Db,
    person: Person,
    *,
    search: str | None = None,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    now = utcnow()
    consents = list_consents(db, person)
    accessors = {c.accessor_hsaid for c in consents if c.accessor_hsaid}
    situation = views.load_situation(db, person, now=now, more_names=accessors)
    found = search_care_givers(db, search) if search and len(search.strip()) >= 2 else []
    age = person.age_on(inputs.today_in_sweden())
    context = {
        "consents": [views.consent_row(c, situation.names, now) for c in consents],
        "candidates": sorted(situation.readers, key=lambda r: situation.name(r.care_giver_hsaid)),
        "names": situation.names,
        "found": [g for g in found if g.hsa_id not in situation.names],
        "search": search or "",
        "kinds": KIND_LABELS,
        "child": age is not None and age < CONSENT_AGE,
        "consent_age": CONSENT_AGE,
        "values": {},
        "errors": {},
        **(extra or {}),
    }
    return render(request, "sharing_consents.html", context, status=status)


@router.post("/samtycken", dependencies=[Csrf])
def give_consent(
    request: Request,
    db: Db,
    login: CitizenLogin,
    mottagare: HsaId = "",
    mangd: Annotated[list[str] | None, Form(max_length=20)] = None,
    till: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Give a consent, or show the form again with what to correct."""
    errors = _grant(db, login, mottagare, mangd or [], till)
    if not errors:
        return _done("samtycken", "samtycke")
    person = own_sharing(db, login)
    values = {"mottagare": mottagare, "mangd": mangd or [], "till": till}
    return _consents(request, db, person, extra={"values": values, "errors": errors}, status=400)


def _grant(db: Db, login: Login, accessor: str, kinds: list[str], until: str) -> dict[str, str]:
    assert login.person is not None
    errors = {} if accessor else {"accessor": "Välj vem samtycket ska gälla."}
    parsed = _parse_consent(db, accessor, kinds, until, errors)
    if parsed is None or errors:
        return errors
    try:
        actions.grant_consent(
            db,
            actor=login.actor,
            patient=login.person,
            accessor_hsaid=parsed[0],
            info_sets=parsed[1],
            valid_until=parsed[2],
        )
    except actions.SharingError as error:
        errors[error.field] = error.message
    return errors


def _parse_consent(
    db: Db, accessor: str, kinds: list[str], until: str, errors: dict[str, str]
) -> tuple[str | None, list[InfoSet] | None, Any] | None:
    # Every field is checked, so the citizen sees all problems at once.
    parsed: list[Any] = []
    steps = (
        lambda: inputs.resolve_accessor(db, accessor) if accessor else None,
        lambda: inputs.parse_info_sets(kinds),
        lambda: inputs.end_of_day(inputs.parse_end_date(until)),
    )
    for step in steps:
        try:
            parsed.append(step())
        except actions.SharingError as error:
            errors[error.field] = error.message
    return (parsed[0], parsed[1], parsed[2]) if len(parsed) == len(steps) else None


@router.post("/samtycken/{consent_id}/aterkalla", dependencies=[Csrf])
def revoke_consent(db: Db, login: CitizenLogin, consent_id: PathId) -> RedirectResponse:
    """Withdraw a consent at once; withdrawing one already withdrawn changes nothing."""
    assert login.person is not None
    try:
        actions.revoke_consent(db, actor=login.actor, patient=login.person, consent_id=consent_id)
    except actions.SharingError as error:
        raise WebError(404, "unknown_consent", error.message) from error
    return _done("samtycken", "aterkallat")


@router.get("/sparrar", response_class=HTMLResponse)
def blocks_page(request: Request, db: Db, login: CitizenLogin, klart: Done = None) -> HTMLResponse:
    """Who holds information about me, and the blocks I have set."""
    person = own_sharing(db, login)
    blocks = list_blocks(db, person)
    more = {b.care_giver_hsaid for b in blocks} | {b.unit_hsaid for b in blocks if b.unit_hsaid}
    situation = views.load_situation(db, person, now=utcnow(), more_names=more)
    context = {
        "holders": views.holders(situation, blocks),
        "blocks": blocks,
        "names": situation.names,
        "done": _DONE.get(klart or ""),
    }
    return render(request, "sharing_blocks.html", context)


@router.get("/sparrar/ny", response_class=HTMLResponse)
def confirm_block(
    request: Request,
    db: Db,
    login: CitizenLogin,
    vardgivare: Annotated[str, Query(max_length=31)],
    enhet: Annotated[str, Query(max_length=31)] = "",
) -> HTMLResponse:
    """Before a block: what it would change, in words, with a button to confirm."""
    person = own_sharing(db, login)
    giver, unit = _block_target(db, vardgivare, enhet)
    situation = views.load_situation(db, person, now=utcnow(), more_names={giver, unit or ""})
    after = pv.with_block(situation.state, care_giver_hsaid=giver, unit_hsaid=unit)
    context = {
        "giver": giver,
        "unit": unit,
        "names": situation.names,
        "changes": views.change_cards(situation, after),
    }
    return render(request, "sharing_block_confirm.html", context)


def _block_target(db: Db, giver: str, unit: str) -> tuple[str, str | None]:
    try:
        return inputs.resolve_block_target(db, giver, unit or None)
    except actions.SharingError as error:
        raise WebError(400, f"invalid_{error.field}", error.message) from error


@router.post("/sparrar", dependencies=[Csrf])
def set_block(
    db: Db, login: CitizenLogin, vardgivare: HsaId, enhet: HsaId = ""
) -> RedirectResponse:
    """Block a care giver's, or one unit's, information from being shared."""
    assert login.person is not None
    giver, unit = _block_target(db, vardgivare, enhet)
    actions.set_block(
        db, actor=login.actor, patient=login.person, care_giver_hsaid=giver, unit_hsaid=unit
    )
    return _done("sparrar", "sparr")


@router.post("/sparrar/{block_id}/hav", dependencies=[Csrf])
def lift_block(request: Request, db: Db, login: CitizenLogin, block_id: PathId) -> RedirectResponse:
    """Lift a block; lifting one already lifted changes nothing."""
    assert login.person is not None
    try:
        actions.lift_block(db, actor=login.actor, patient=login.person, block_id=block_id)
    except actions.SharingError as error:
        raise WebError(404, "unknown_block", error.message) from error
    return _done("sparrar", "havd")


@router.get("/vem-kan-se", response_class=HTMLResponse)
def who_could_see(request: Request, db: Db, login: CitizenLogin) -> HTMLResponse:
    """For each organisation I have contact with: whose information it could see now."""
    person = own_sharing(db, login)
    situation = views.load_situation(db, person, now=utcnow())
    age = person.age_on(inputs.today_in_sweden())
    context = {
        "cards": views.reader_cards(situation, situation.preview()),
        "child": age is not None and age < CONSENT_AGE,
        "has_holdings": bool(situation.holdings),
    }
    return render(request, "sharing_preview.html", context)
