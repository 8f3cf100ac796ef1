"""A producer node that misbehaves on purpose, run as a real process by the tests.

One process serves many producer endpoints, one per path prefix, so that a registry can
point each node at a different fault:

    /ok/…            a Bundle with two records of the asked care giver
    /dupes/…         the same Bundle with every record twice
    /slow-<ms>/…     the Bundle after <ms> milliseconds
    /hang/…          never answers
    /error/…         500
    /malformed/…     200 with a Bundle whose resource lacks everything
    /notjson/…       200 with a body that is not JSON
    /deny/…          403 OperationOutcome, reason no_consent
    /index/…         the index: POST lookup answers from the config file, with a statement
                     signed by the index key in it

Start: python tests/support/fault_producer.py --port N --config FILE
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from samvard.federation.assertions import sign_statement
from samvard.federation.keys import import_private_key
from samvard.federation.schemas import SharedEntry
from samvard.fhir.records import bundle_for, kind_for_search
from samvard.records.models import RecordKind
from samvard.sharing.models import ConsentBasis
from samvard.sharing.schemas import BlockView, ConsentView, SharingState

FHIR = "application/fhir+json"


def entries_for(care_giver: str, kind: RecordKind, person_id: str) -> list[SharedEntry]:
    """Two medication records the asked care giver "holds"."""
    assert kind is RecordKind.MEDICATION, "the fault producer only holds medication lists"
    unit = care_giver.split("-", 1)[0] + "-E0001"
    return [
        SharedEntry(
            source_id=f"{care_giver.lower()}-{n}",
            kind=kind,
            title=name,
            occurred_on=date(2025, n, 1),
            care_giver_hsaid=care_giver,
            unit_hsaid=unit,
            unit_name="Felande enhet",
            details={
                "name": name,
                "atc": atc,
                "dosage": "1 tablett dagligen",
                "started_on": date(2025, n, 1).isoformat(),
            },
        )
        for n, name, atc in ((2, "Metformin 500 mg", "A10BA02"), (5, "Enalapril 10 mg", "C09AA02"))
    ]


@functools.cache
def cached_bundle(care_giver: str, kind: RecordKind, person_id: str) -> str:
    """The Bundle a care giver answers with, built once: a producer here costs only its delay."""
    entries = entries_for(care_giver, kind, person_id)
    return json.dumps(bundle_for(entries, blocked_units=(), person_id=person_id, node_id="fault"))


def bundle(request: Request, *, twice: bool = False) -> Response:
    kind = kind_for_search(request.path_params["resource"], request.query_params.get("category"))
    if kind is None:
        return JSONResponse({"resourceType": "OperationOutcome", "issue": []}, status_code=404)
    person_id = request.query_params["patient"].rsplit("|", 1)[-1]
    body = cached_bundle(request.query_params["care_giver"], kind, person_id)
    if twice:
        data = json.loads(body)
        data["entry"] = data["entry"] + data["entry"]
        body = json.dumps(data)
    return Response(body, media_type=FHIR)


async def search(request: Request) -> Response:
    mode = request.path_params["mode"]
    if mode.startswith("slow-"):
        await asyncio.sleep(int(mode.removeprefix("slow-")) / 1000)
        return bundle(request)
    if mode == "hang":
        await asyncio.Event().wait()
    answers = {
        "ok": lambda: bundle(request),
        "dupes": lambda: bundle(request, twice=True),
        "error": lambda: PlainTextResponse("Internal Server Error", status_code=500),
        "malformed": lambda: JSONResponse(
            {
                "resourceType": "Bundle",
                "type": "searchset",
                "entry": [{"resource": {"resourceType": "MedicationStatement", "id": "x"}}],
            },
        ),
        "notjson": lambda: PlainTextResponse("<html>proxy error</html>", status_code=200),
        "deny": lambda: JSONResponse(
            {
                "resourceType": "OperationOutcome",
                "issue": [
                    {
                        "severity": "error",
                        "code": "forbidden",
                        "details": {
                            "coding": [{"code": "no_consent"}],
                            "text": "Patienten har inte samtyckt.",
                        },
                    }
                ],
            },
            status_code=403,
        ),
    }
    return answers[mode]()


def lookup_route(config: dict[str, Any]) -> Route:
    key = import_private_key(config["index_key"])

    async def lookup(request: Request) -> Response:
        body = await request.json()
        person_id = str(body["patient"]).rsplit("|", 1)[-1]
        now = datetime.now(UTC)
        state = SharingState(
            person_id=person_id,
            as_of=now,
            consents=(
                ConsentView(
                    accessor_hsaid=None,
                    info_sets=None,
                    basis=ConsentBasis.PATIENT,
                    valid_from=now - timedelta(days=1),
                    valid_until=None,
                ),
            ),
            blocks=tuple(BlockView(care_giver_hsaid=cg) for cg in config.get("blocked", [])),
        )
        statement = sign_statement(key, issuer=config["index_id"], state=state)
        return JSONResponse(
            {"producers": config["producers"], "blocked": [], "statement": statement}
        )

    return Route("/index/federation/v1/lookup", lookup, methods=["POST"])


def build_app(config: dict[str, Any]) -> Starlette:
    """The fault producer (and fake index) for `config`."""

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route("/healthz", healthz),
            lookup_route(config),
            Route("/{mode}/federation/v1/fhir/{resource}", search),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--config", type=Path, required=True)
    args = parser.parse_args()
    config = json.loads(args.config.read_text(encoding="utf-8"))
    # /hang/ never answers: on SIGTERM, waiting for it would only hold the test up until
    # the process is killed, so what is still open is cancelled after a moment.
    uvicorn.run(
        build_app(config),
        host=args.host,
        port=args.port,
        log_level="warning",
        timeout_graceful_shutdown=1,
    )


if __name__ == "__main__":
    main()
