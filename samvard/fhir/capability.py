"""The server's CapabilityStatement and the search parameters it supports.

Supported interactions, for each resource type: `read` and `search-type`, with only these
search parameters (anything else is an error, never silently ignored):

- `Patient?identifier=system|value`, e.g. `urn:oid:1.2.752.129.2.1.3.1|189001019802`
- `Organization?identifier=system|value` with the HSA-id system (care givers and units)
- `Practitioner?identifier=system|value` with the HSA-id system
- `PractitionerRole?practitioner=Practitioner/{id}`
- `AuditEvent?patient=Patient/{id}`: the access log for one patient
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from fhir.resources.R4B.capabilitystatement import (
    CapabilityStatement,
    CapabilityStatementImplementation,
    CapabilityStatementRest,
    CapabilityStatementRestResource,
    CapabilityStatementRestResourceInteraction,
    CapabilityStatementRestResourceSearchParam,
    CapabilityStatementSoftware,
)

FHIR_VERSION: Final = "4.0.1"
# Fixed so the statement only changes when the capabilities do; bump it with them.
STATEMENT_DATE: Final = date(2026, 11, 24)
_SPEC: Final = "http://hl7.org/fhir/SearchParameter"


@dataclass(frozen=True)
class SearchParam:
    """One supported search parameter of one resource type."""

    name: str
    type: str
    documentation: str

    def definition(self, resource_type: str) -> str:
        """The canonical URL of the base FHIR SearchParameter this one implements."""
        return f"{_SPEC}/{resource_type}-{self.name}"


_IDENTIFIER_HSA = SearchParam(
    "identifier", "token", "system|value with the HSA-id system urn:oid:1.2.752.29.4.19"
)

SEARCH_PARAMS: Final[dict[str, tuple[SearchParam, ...]]] = {
    "Patient": (
        SearchParam(
            "identifier",
            "token",
            "system|value: personnummer urn:oid:1.2.752.129.2.1.3.1, samordningsnummer "
            "urn:oid:1.2.752.129.2.1.3.3 or the local reservnummer system",
        ),
    ),
    "Organization": (_IDENTIFIER_HSA,),
    "Practitioner": (_IDENTIFIER_HSA,),
    "PractitionerRole": (
        SearchParam("practitioner", "reference", "Practitioner/{id}: the staff member's roles"),
    ),
    "AuditEvent": (
        SearchParam("patient", "reference", "Patient/{id}: who accessed this patient's data"),
    ),
}


def capability_statement(base_url: str, *, software_version: str) -> CapabilityStatement:
    """What this server does: read and search for the five resource types above."""
    base = base_url.rstrip("/")
    return CapabilityStatement(
        id="samvard",
        url=f"{base}/metadata",
        name="SamvardCapabilityStatement",
        title="Samvård FHIR-gränssnitt",
        status="active",
        date=STATEMENT_DATE,
        publisher="Samvård",
        kind="instance",
        software=CapabilityStatementSoftware(name="Samvård", version=software_version),
        implementation=CapabilityStatementImplementation(description="Samvård", url=base),
        fhirVersion=FHIR_VERSION,
        format=["json"],
        rest=[CapabilityStatementRest(mode="server", resource=_resources())],
    )


def _resources() -> list[CapabilityStatementRestResource]:
    return [_resource(name, params) for name, params in SEARCH_PARAMS.items()]


def _resource(
    resource_type: str, params: tuple[SearchParam, ...]
) -> CapabilityStatementRestResource:
    return CapabilityStatementRestResource(
        type=resource_type,
        interaction=[
            CapabilityStatementRestResourceInteraction(code="read"),
            CapabilityStatementRestResourceInteraction(code="search-type"),
        ],
        searchParam=[
            CapabilityStatementRestResourceSearchParam(
                name=param.name,
                type=param.type,
                definition=param.definition(resource_type),
                documentation=param.documentation,
            )
            for param in params
        ],
    )
