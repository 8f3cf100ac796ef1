"""Asking a producer on another node over HTTP, and reading what it answers.

Every way an answer can go wrong becomes a status with a code and a Swedish text: the
HTTP status, a body that is not FHIR, a refusal with the producer's reason. The body is
read up to a limit, so a producer cannot exhaust the consumer's memory.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from samvard.federation.fanout import Fetch, SourceFailure
from samvard.federation.schemas import SharedEntry, SourceAnswer, SourceStatus

MAX_BODY_BYTES = 5_000_000
FHIR_PATH = "/federation/v1/fhir"

Parse = Callable[[dict[str, Any]], tuple[tuple[SharedEntry, ...], tuple[str, ...]]]
"""Reads a FHIR Bundle into (entries, blocked unit HSA-ids); raises ValueError if malformed."""


def malformed() -> SourceFailure:
    """The failure for an answer that is not the FHIR we asked for."""
    return SourceFailure("malformed_fhir", "Källan skickade ett svar som inte kunde tolkas.")


def too_large() -> SourceFailure:
    """The failure for an answer over the size limit."""
    return SourceFailure("too_large", "Källans svar var för stort för att visas.")


_DENIED_TEXT = "Källan lämnade inte ut uppgifterna."
_BLOCKED_TEXT = "Det finns uppgifter hos källan som patienten har spärrat."


@dataclass(frozen=True, kw_only=True)
class RemoteQuery:
    """One search at one producer, with the credentials the producer checks."""

    base_url: str
    resource_type: str
    # Observation searches name their category (laboratory or survey).
    category: str | None
    patient: str
    care_giver_hsaid: str
    care_giver_name: str
    node_id: str
    headers: Mapping[str, str]


def http_fetch(query: RemoteQuery, parse: Parse) -> Fetch:
    """A fan-out source that runs `query` over the shared client and reads the answer."""

    async def fetch(client: httpx.AsyncClient) -> SourceAnswer:
        url = f"{query.base_url}{FHIR_PATH}/{query.resource_type}"
        params = {"patient": query.patient, "care_giver": query.care_giver_hsaid}
        if query.category:
            params["category"] = query.category
        async with client.stream("GET", url, params=params, headers=dict(query.headers)) as reply:
            body = await read_limited(reply)
        return answer_from(query, reply.status_code, body, parse)

    return fetch


async def read_limited(reply: httpx.Response, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body, refusing one over `limit` bytes (declared or streamed)."""
    declared = reply.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large()
    chunks, size = [], 0
    async for chunk in reply.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def answer_from(query: RemoteQuery, status: int, body: bytes, parse: Parse) -> SourceAnswer:
    """What one HTTP answer means for the clinician."""
    if status == 200:
        try:
            entries, blocked_units = parse(_json(body))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise malformed() from None
        return _answer(query, SourceStatus.ANSWERED, entries=entries, blocked_units=blocked_units)
    if status == 403:
        code, text = refusal(body)
        if code == "blocked":
            return _answer(query, SourceStatus.BLOCKED, code=code, text=text or _BLOCKED_TEXT)
        return _answer(query, SourceStatus.DENIED, code=code, text=text or _DENIED_TEXT)
    raise _status_failure(status)


def _answer(query: RemoteQuery, status: SourceStatus, **values: Any) -> SourceAnswer:
    return SourceAnswer(
        care_giver_hsaid=query.care_giver_hsaid,
        care_giver_name=query.care_giver_name,
        node_id=query.node_id,
        status=status,
        **values,
    )


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError:
        raise malformed() from None
    if not isinstance(data, dict):
        raise malformed()
    return data


def refusal(body: bytes) -> tuple[str, str | None]:
    """The reason code and Swedish text of a refusal (an OperationOutcome), if readable.

    The code is in `issue[0].details.coding[0].code`, the text in `details.text` or
    `diagnostics`; anything unreadable is a plain refusal (`denied`).
    """
    try:
        issue = json.loads(body)["issue"][0]
        details = issue.get("details") or {}
        code = (details.get("coding") or [{}])[0].get("code") or "denied"
        text = details.get("text") or issue.get("diagnostics")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return "denied", None
    return str(code)[:64], str(text)[:300] if text else None


def _status_failure(status: int) -> SourceFailure:
    if status == 401:
        return SourceFailure("unauthorized", "Källan godtog inte vår nods intyg.")
    if status == 404:
        return SourceFailure("not_found", "Källan saknar tjänsten för den här sortens uppgift.")
    if status >= 500:
        return SourceFailure(f"http_{status}", f"Källan svarade med ett serverfel ({status}).")
    return SourceFailure(f"http_{status}", f"Källan svarade oväntat ({status}).")
