"""FHIR at the edge: the public mapping API, plus bundles, errors and JSON output.

Every function is pure (no database, no I/O) and returns a validated fhir.resources R4B
object; R4B is wire-compatible with R4 (4.0.1) for the resources used here. Call
`to_json` at the HTTP boundary.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntrySearch, BundleLink
from fhir.resources.R4B.operationoutcome import OperationOutcome, OperationOutcomeIssue
from fhir.resources.R4B.resource import Resource

from samvard.fhir.audit_event import audit_event_resource
from samvard.fhir.capability import SEARCH_PARAMS, capability_statement
from samvard.fhir.organization import organization_resource, unit_organization_resource
from samvard.fhir.patient import patient_resource
from samvard.fhir.practitioner import practitioner_resource, practitioner_role_resource

__all__ = [
    "SEARCH_PARAMS",
    "audit_event_resource",
    "bundle_searchset",
    "capability_statement",
    "operation_outcome",
    "organization_resource",
    "patient_resource",
    "practitioner_resource",
    "practitioner_role_resource",
    "to_json",
    "unit_organization_resource",
]

SEVERITIES: Final = frozenset({"fatal", "error", "warning", "information"})
# R4 IssueType codes (http://hl7.org/fhir/issue-type).
ISSUE_TYPES: Final = frozenset(
    {
        "invalid",
        "structure",
        "required",
        "value",
        "invariant",
        "security",
        "login",
        "unknown",
        "expired",
        "forbidden",
        "suppressed",
        "processing",
        "not-supported",
        "duplicate",
        "multiple-matches",
        "not-found",
        "deleted",
        "too-long",
        "code-invalid",
        "extension",
        "too-costly",
        "business-rule",
        "conflict",
        "transient",
        "lock-error",
        "no-store",
        "exception",
        "timeout",
        "incomplete",
        "throttled",
        "informational",
    }
)


def bundle_searchset(
    resources: Sequence[Resource],
    *,
    base_url: str,
    total: int | None = None,
    self_url: str | None = None,
) -> Bundle:
    """A searchset Bundle of `resources` (all matches); `total` defaults to their count."""
    base = base_url.rstrip("/")
    return Bundle(
        type="searchset",
        total=len(resources) if total is None else total,
        link=[BundleLink(relation="self", url=self_url)] if self_url else None,
        entry=[_entry(resource, base) for resource in resources] or None,
    )


def _entry(resource: Resource, base: str) -> BundleEntry:
    full_url = f"{base}/{resource.get_resource_type()}/{resource.id}" if resource.id else None
    return BundleEntry(fullUrl=full_url, resource=resource, search=BundleEntrySearch(mode="match"))


def operation_outcome(severity: str, code: str, diagnostics_sv: str) -> OperationOutcome:
    """An OperationOutcome with one issue, explained in Swedish for the reader."""
    if severity not in SEVERITIES:
        raise ValueError(f"unknown issue severity: {severity!r}")
    if code not in ISSUE_TYPES:
        raise ValueError(f"unknown issue type: {code!r}")
    return OperationOutcome(
        issue=[OperationOutcomeIssue(severity=severity, code=code, diagnostics=diagnostics_sv)]
    )


def to_json(resource: Resource) -> dict[str, Any]:
    """FHIR JSON (a dict with `resourceType`, no nulls, FHIR names) ready to serialise."""
    result: dict[str, Any] = resource.model_dump(mode="json", by_alias=True, exclude_none=True)
    return result
