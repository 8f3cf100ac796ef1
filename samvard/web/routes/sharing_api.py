"""The citizen's consents and blocks in the JSON API (writes need the X-CSRF-Token header)."""

from __future__ import annotations

from fastapi import APIRouter

from samvard.core.db import utcnow
from samvard.directory.queries import names_by_hsa_id
from samvard.sharing import actions, inputs
from samvard.sharing.models import Block, Consent
from samvard.sharing.queries import list_blocks, list_consents
from samvard.web import schemas
from samvard.web import sharing_schemas as io
from samvard.web.deps import CitizenLogin, CsrfHeader, Db, PathId
from samvard.web.errors import WebError
from samvard.web.routes.sharing_citizen import own_sharing
from samvard.web.sharing_views import consent_row, kinds_of

_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": schemas.ErrorResponse} for code in (400, 401, 403, 404, 413, 422)
}
router = APIRouter(prefix="/api/v1/me", responses=_ERRORS)


def _invalid(error: actions.SharingError) -> WebError:
    return WebError(400, f"invalid_{error.field}", error.message)


def _consent_out(consent: Consent, names: dict[str, str]) -> io.ConsentOut:
    kinds = kinds_of(consent)
    accessor = consent.accessor_hsaid
    return io.ConsentOut(
        id=consent.id,
        accessor_hsa_id=accessor,
        accessor_name=names.get(accessor) if accessor else None,
        info_sets=[k.value for k in kinds] if kinds is not None else None,
        basis=consent.basis.value,
        valid_from=consent.valid_from,
        valid_until=consent.valid_until,
        revoked_at=consent.revoked_at,
        status=consent_row(consent, names, utcnow()).status.value,
    )


def _block_out(block: Block, names: dict[str, str]) -> io.BlockOut:
    unit = block.unit_hsaid
    return io.BlockOut(
        id=block.id,
        care_giver_hsa_id=block.care_giver_hsaid,
        care_giver_name=names.get(block.care_giver_hsaid),
        unit_hsa_id=unit,
        unit_name=names.get(unit) if unit else None,
        created_at=block.created_at,
        lifted_at=block.lifted_at,
        in_force=block.lifted_at is None,
    )


def _names(db: Db, *hsa_ids: str | None) -> dict[str, str]:
    return names_by_hsa_id(db, {h for h in hsa_ids if h})


@router.get("/consents", response_model=list[io.ConsentOut])
def my_consents(db: Db, login: CitizenLogin) -> list[io.ConsentOut]:
    """Every consent I have given, newest first, with its status."""
    consents = list_consents(db, own_sharing(db, login))
    names = _names(db, *(c.accessor_hsaid for c in consents))
    return [_consent_out(c, names) for c in consents]


@router.post("/consents", response_model=io.ConsentOut, status_code=201, dependencies=[CsrfHeader])
def give_consent(db: Db, login: CitizenLogin, body: io.ConsentIn) -> io.ConsentOut:
    """Consent that one care giver, or all, may read what others documented about me."""
    assert login.person is not None
    try:
        consent = actions.grant_consent(
            db,
            actor=login.actor,
            patient=login.person,
            accessor_hsaid=inputs.resolve_accessor(db, body.accessor_hsa_id),
            info_sets=inputs.parse_info_sets(body.info_sets),
            valid_until=inputs.end_of_day(body.valid_until),
        )
    except actions.SharingError as error:
        raise _invalid(error) from error
    return _consent_out(consent, _names(db, consent.accessor_hsaid))


@router.delete("/consents/{consent_id}", response_model=io.ConsentOut, dependencies=[CsrfHeader])
def revoke_consent(db: Db, login: CitizenLogin, consent_id: PathId) -> io.ConsentOut:
    """Revoke a consent at once; revoking it again changes nothing."""
    assert login.person is not None
    try:
        consent = actions.revoke_consent(
            db, actor=login.actor, patient=login.person, consent_id=consent_id
        )
    except actions.SharingError as error:
        raise WebError(404, "unknown_consent", error.message) from error
    return _consent_out(consent, _names(db, consent.accessor_hsaid))


@router.get("/blocks", response_model=list[io.BlockOut])
def my_blocks(db: Db, login: CitizenLogin) -> list[io.BlockOut]:
    """Every block I have set, newest first, lifted ones included."""
    blocks = list_blocks(db, own_sharing(db, login))
    names = _names(db, *(b.care_giver_hsaid for b in blocks), *(b.unit_hsaid for b in blocks))
    return [_block_out(b, names) for b in blocks]


@router.post("/blocks", response_model=io.BlockOut, status_code=201, dependencies=[CsrfHeader])
def set_block(db: Db, login: CitizenLogin, body: io.BlockIn) -> io.BlockOut:
    """Block a care giver's (or one unit's) records from everyone outside it; idempotent."""
    assert login.person is not None
    try:
        giver, unit = inputs.resolve_block_target(db, body.care_giver_hsa_id, body.unit_hsa_id)
    except actions.SharingError as error:
        raise _invalid(error) from error
    block = actions.set_block(
        db, actor=login.actor, patient=login.person, care_giver_hsaid=giver, unit_hsaid=unit
    )
    return _block_out(block, _names(db, giver, unit))


@router.delete("/blocks/{block_id}", response_model=io.BlockOut, dependencies=[CsrfHeader])
def lift_block(db: Db, login: CitizenLogin, block_id: PathId) -> io.BlockOut:
    """Lift a block at once; lifting it again changes nothing."""
    assert login.person is not None
    try:
        block = actions.lift_block(db, actor=login.actor, patient=login.person, block_id=block_id)
    except actions.SharingError as error:
        raise WebError(404, "unknown_block", error.message) from error
    return _block_out(block, _names(db, block.care_giver_hsaid, block.unit_hsaid))
