"""The citizen's symptom assessment: pages under /mina-sidor/bedomning and the JSON API.

One question per page, plain forms (no JavaScript needed). Every read passes the policy
hook as `patient.triage` (the citizen's own, or their child's as guardian); the actions
decide and log the writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from samvard.access.schemas import Action
from samvard.assessment import actions, queries, views
from samvard.assessment.models import Assessment, AssessmentStatus
from samvard.assessment.next_step import contact_care, next_step
from samvard.assessment.schemas import (
    AnswerIn,
    AssessmentError,
    AssessmentOut,
    ComplaintIn,
    StartIn,
)
from samvard.contacts.schemas import ContactError
from samvard.core.db import utcnow
from samvard.identity.models import Person
from samvard.identity.queries import get_person
from samvard.routing.schemas import KIND_LABELS
from samvard.triage.lexicon import match
from samvard.web import schemas
from samvard.web.deps import CitizenLogin, Csrf, CsrfHeader, Db, Login
from samvard.web.errors import WebError
from samvard.web.templating import render

router = APIRouter()
BASE = "/mina-sidor/bedomning"
Text = Annotated[str, Form(max_length=64)]
Version = Annotated[int, Form(ge=1, le=2_147_483_647)]
_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": schemas.ErrorResponse} for code in (400, 401, 403, 404, 409, 410, 413, 422)
}


def _today() -> date:
    return utcnow().date()


def _web_error(error: AssessmentError | ContactError) -> WebError:
    return WebError(error.status, error.code, error.message)


@contextmanager
def _refused_as_web_error() -> Iterator[None]:
    """An action's refusal becomes the page's error, with the action's status and text."""
    try:
        yield
    except AssessmentError as error:
        raise _web_error(error) from error


def _load(db: Session, login: Login, ref: str, action: Action = Action.READ) -> Assessment:
    assessment = queries.get_assessment(db, actor=login.actor, ref=ref, action=action)
    if assessment is None:
        raise WebError(404, "unknown_assessment", "Bedömningen finns inte.")
    return assessment


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _subject(db: Session, login: Login, person_pk: int | None) -> Person:
    assert login.person is not None
    person = login.person if person_pk is None else get_person(db, person_pk)
    if person is None:
        raise WebError(
            403, "not_your_child", "Du kan göra en bedömning för dig själv eller för ditt barn."
        )
    return person


@router.get(BASE, response_class=HTMLResponse)
def start_page(request: Request, db: Db, login: CitizenLogin) -> HTMLResponse:
    """Start: for myself or for my child, and the earlier assessments."""
    assert login.person is not None
    subjects = queries.list_subjects(db, login.person, today=_today())
    earlier = queries.list_assessments(db, actor=login.actor, subjects=subjects)
    names = {p.id: p.display_name for p in subjects.everyone}
    context = {"subjects": subjects, "earlier": earlier, "names": names, "now": utcnow()}
    return render(request, "assessment_start.html", context)


@router.post(BASE, dependencies=[Csrf])
def start(db: Db, login: CitizenLogin, person: Annotated[int | None, Form()] = None) -> Response:
    """Start an assessment, then choose what it is about."""
    with _refused_as_web_error():
        assessment = actions.start(
            db, actor=login.actor, subject_person=_subject(db, login, person)
        )
    return _see_other(f"{BASE}/{assessment.ref}/besvar")


@router.get(BASE + "/{ref}/besvar", response_class=HTMLResponse)
def complaint_page(
    request: Request,
    db: Db,
    login: CitizenLogin,
    ref: str,
    sok: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    """What is it about: free-text search with suggestions, and every complaint by topic."""
    assessment = _load(db, login, ref)
    return _complaint_page(request, db, assessment, sok)


def _complaint_page(
    request: Request, db: Session, assessment: Assessment, text: str, error: str | None = None
) -> HTMLResponse:
    content = queries.content_for(db, assessment)
    found = match(text, content, age_days=assessment.age_days) if text.strip() else []
    context = {
        "a": assessment,
        "subject": get_person(db, assessment.person_id),
        "text": text,
        "found": found,
        "groups": views.complaint_groups(content, assessment.age_days),
        "error": error,
    }
    return render(request, "assessment_complaint.html", context, status=422 if error else 200)


@router.post(BASE + "/{ref}/besvar", dependencies=[Csrf])
def choose(
    request: Request, db: Db, login: CitizenLogin, ref: str, complaint: Text, version: Version
) -> Response:
    """Choose the complaint; the first question follows."""
    assessment = _load(db, login, ref)
    try:
        actions.choose_complaint(
            db,
            actor=login.actor,
            assessment=assessment,
            complaint_id=complaint,
            expected_version=version,
        )
    except AssessmentError as error:
        if error.code in ("expired", "already_completed"):
            raise _web_error(error) from error
        return _complaint_page(request, db, assessment, "", error.message)
    return _see_other(f"{BASE}/{assessment.ref}/fraga")


@router.get(BASE + "/{ref}/fraga", response_class=HTMLResponse)
def question_page(request: Request, db: Db, login: CitizenLogin, ref: str) -> Response:
    """The next question, one per page, with the answers so far."""
    assessment = _load(db, login, ref)
    return _question_page(request, db, assessment)


def _question_page(
    request: Request, db: Session, assessment: Assessment, error: AssessmentError | None = None
) -> Response:
    if assessment.complaint_id is None:
        return _see_other(f"{BASE}/{assessment.ref}/besvar")
    if assessment.is_expired(utcnow()):
        raise _web_error(actions.expired_error())
    content = queries.content_for(db, assessment)
    result = queries.current(db, assessment)
    if result is None or result.question is None:
        return _see_other(f"{BASE}/{assessment.ref}/resultat")
    context = {
        "a": assessment,
        "subject": get_person(db, assessment.person_id),
        "complaint": content.complaints[assessment.complaint_id],
        "q": result.question,
        "rows": views.summary(content, assessment),
        "units": views.DURATION_UNITS,
        "error": error.message if error else None,
    }
    status = error.status if error else 200
    return render(request, "assessment_question.html", context, status=status)


@router.post(BASE + "/{ref}/fraga", dependencies=[Csrf])
async def post_answer(request: Request, db: Db, login: CitizenLogin, ref: str) -> Response:
    """Answer the question shown; the next question or the outcome follows."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    assessment = _load(db, login, ref)
    try:
        question_id, version = _posted_question(form)
        content = queries.content_for(db, assessment)
        question = views.question_for(content, assessment, question_id)
        actions.answer(
            db,
            actor=login.actor,
            assessment=assessment,
            question_id=question_id,
            value=views.form_value(question, form) if question else form.get("svar"),
            expected_version=version,
        )
    except AssessmentError as error:
        if error.code in ("expired", "already_completed", "no_complaint"):
            raise _web_error(error) from error
        return _question_page(request, db, assessment, error)
    if assessment.status is AssessmentStatus.COMPLETED:
        return _see_other(f"{BASE}/{assessment.ref}/resultat")
    return _see_other(f"{BASE}/{assessment.ref}/fraga")


def _posted_question(form: dict[str, str]) -> tuple[str, int]:
    question_id = form.get("fraga", "")
    version = form.get("version", "")
    if not question_id or len(question_id) > 64 or not version.isdigit() or len(version) > 9:
        raise AssessmentError("bad_form", "Formuläret var ofullständigt. Svara på frågan igen.")
    return question_id, int(version)


@router.post(BASE + "/{ref}/andra", dependencies=[Csrf])
def change(
    request: Request, db: Db, login: CitizenLogin, ref: str, question: Text, version: Version
) -> Response:
    """Go back: answer this question again (later answers are removed)."""
    assessment = _load(db, login, ref)
    try:
        actions.change_answer(
            db,
            actor=login.actor,
            assessment=assessment,
            question_id=question,
            expected_version=version,
        )
    except AssessmentError as error:
        if error.code == "expired":
            raise _web_error(error) from error
        return _question_page(request, db, assessment, error)
    return _see_other(f"{BASE}/{assessment.ref}/fraga")


@router.get(BASE + "/{ref}/resultat", response_class=HTMLResponse)
def result_page(request: Request, db: Db, login: CitizenLogin, ref: str) -> Response:
    """The outcome: how urgent, what to do, why, and the next step in the region."""
    assessment = _load(db, login, ref)
    if assessment.status is not AssessmentStatus.COMPLETED:
        return _see_other(f"{BASE}/{assessment.ref}/fraga")
    content = queries.content_for(db, assessment)
    outcome = queries.reproduce(db, assessment)
    context: dict[str, Any] = {
        "a": assessment,
        "subject": get_person(db, assessment.person_id),
        "complaint": content.complaints.get(assessment.complaint_id or ""),
        "outcome": outcome,
        "rows": views.summary(content, assessment),
        "step": next_step(db, assessment, now=utcnow()),
        "kinds": KIND_LABELS,
    }
    return render(request, "assessment_result.html", context)


@router.post(BASE + "/{ref}/kontakta", dependencies=[Csrf])
def contact(
    db: Db, login: CitizenLogin, ref: str, anda: Annotated[str | None, Form()] = None
) -> Response:
    """Contact care as the routing says; `anda` asks for it despite self-care advice."""
    assessment = _load(db, login, ref)
    try:
        opened = contact_care(db, actor=login.actor, assessment=assessment, escalate=bool(anda))
    except (AssessmentError, ContactError) as error:
        raise _web_error(error) from error
    return _see_other(f"/mina-sidor/kontakter/{opened.ref}")


API = "/api/v1/me/assessments"


def _out(db: Session, assessment: Assessment) -> AssessmentOut:
    return views.assessment_out(assessment, queries.current(db, assessment))


@router.post(
    API + "",
    responses=_ERRORS,
    response_model=AssessmentOut,
    status_code=201,
    dependencies=[CsrfHeader],
)
def api_start(db: Db, login: CitizenLogin, body: StartIn) -> AssessmentOut:
    """Start an assessment of myself, or of a child of mine (`person_pk`)."""
    with _refused_as_web_error():
        assessment = actions.start(
            db, actor=login.actor, subject_person=_subject(db, login, body.person_pk)
        )
    return _out(db, assessment)


@router.get(API + "/{ref}", responses=_ERRORS, response_model=AssessmentOut)
def api_get(db: Db, login: CitizenLogin, ref: str) -> AssessmentOut:
    """The assessment: its answers, and the next question or the outcome."""
    return _out(db, _load(db, login, ref))


@router.post(
    API + "/{ref}/complaint",
    responses=_ERRORS,
    response_model=AssessmentOut,
    dependencies=[CsrfHeader],
)
def api_complaint(db: Db, login: CitizenLogin, ref: str, body: ComplaintIn) -> AssessmentOut:
    """Choose the complaint (kontaktorsak)."""
    assessment = _load(db, login, ref)
    with _refused_as_web_error():
        actions.choose_complaint(
            db,
            actor=login.actor,
            assessment=assessment,
            complaint_id=body.complaint_id,
            expected_version=body.version,
        )
    return _out(db, assessment)


@router.post(
    API + "/{ref}/answers",
    responses=_ERRORS,
    response_model=AssessmentOut,
    dependencies=[CsrfHeader],
)
def api_answer(db: Db, login: CitizenLogin, ref: str, body: AnswerIn) -> AssessmentOut:
    """Answer the question asked at `version`; a replayed answer returns the current state."""
    assessment = _load(db, login, ref)
    with _refused_as_web_error():
        actions.answer(
            db,
            actor=login.actor,
            assessment=assessment,
            question_id=body.question_id,
            value=body.value,
            expected_version=body.version,
        )
    return _out(db, assessment)
