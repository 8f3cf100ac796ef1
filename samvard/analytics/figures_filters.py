"""The filters of a planning view, as they stand in the URL, checked with Swedish messages.

The URL keys are the stable names: `fran` and `till` (months ÅÅÅÅ-MM), `region` (länskod),
`kommun` (kommunkod), `vardenhet` (a clinic's HSA-id), `aldersgrupp` and `kon`. Parsing
checks each value's form; `check_scope` then checks the filters against what the planner
may see (a national planner has no clinics; a region planner only the own region).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cache

from samvard.analytics.contracts import ALDERSGRUPP
from samvard.analytics.scope import Scope
from samvard.reference.loaders import list_municipalities, list_regions

MAX_MONTHS = 36  # the longest period one view covers; keeps every view's tables small
DEFAULT_MONTHS = 12
SEXES = ("M", "K")

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_HSA_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{2,63}")

# URL key -> Swedish name, used in the messages.
FIELD_NAMES = {
    "fran": "Från månad",
    "till": "Till och med månad",
    "region": "Region",
    "kommun": "Kommun",
    "vardenhet": "Vårdenhet",
    "aldersgrupp": "Åldersgrupp",
    "kon": "Kön",
}


class FilterError(ValueError):
    """A filter that cannot be used; `field` is its URL key, `message` the Swedish reason."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@cache
def region_names() -> dict[str, str]:
    """Länskod -> the region's name."""
    return {region.code: region.region_name for region in list_regions()}


@cache
def municipality_names() -> dict[str, str]:
    """Kommunkod -> the municipality's name."""
    return {m.code: m.name for m in list_municipalities()}


def month_index(period: str) -> int:
    """Months since year 0: consecutive months differ by one."""
    return int(period[:4]) * 12 + int(period[5:7]) - 1


def month_of(index: int) -> str:
    """The 'ÅÅÅÅ-MM' of a month index."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both included."""
    return [month_of(i) for i in range(month_index(first), month_index(last) + 1)]


def _check_span(first: str | None, last: str | None) -> None:
    if first and last:
        if first > last:
            raise FilterError("fran", "Från månad får inte vara senare än till och med månad.")
        if month_index(last) - month_index(first) >= MAX_MONTHS:
            raise FilterError("fran", f"Perioden får vara högst {MAX_MONTHS} månader.")


def _check_place(region: str | None, kommun: str | None) -> None:
    if region is not None and region not in region_names():
        raise FilterError("region", f"Okänd region «{region}»: ange länskoden, två siffror.")
    if kommun is not None:
        if kommun not in municipality_names():
            raise FilterError("kommun", f"Okänd kommun «{kommun}»: ange kommunkoden, fyra siffror.")
        if region is not None and kommun[:2] != region:
            raise FilterError("kommun", f"Kommunen {kommun} ligger inte i region {region}.")


@dataclass(frozen=True)
class Filters:
    """The chosen filters; None where nothing is chosen (all, or the default period)."""

    period_from: str | None = None
    period_to: str | None = None
    region: str | None = None
    kommun: str | None = None
    vardenhet: str | None = None
    aldersgrupp: str | None = None
    kon: str | None = None

    @classmethod
    def parse(cls, values: Mapping[str, str | None]) -> Filters:
        """Filters from URL keys; FilterError names the first bad field, in Swedish."""
        for key in values:
            if key not in FIELD_NAMES:
                raise FilterError(key, f"Okänt filter «{key}».")
        chosen = {key: (values.get(key) or "").strip() or None for key in FIELD_NAMES}
        for key in ("fran", "till"):
            month = chosen[key]
            if month is not None and not _MONTH.fullmatch(month):
                raise FilterError(key, f"{FIELD_NAMES[key]}: ange månaden som ÅÅÅÅ-MM.")
        first, last = chosen["fran"], chosen["till"]
        _check_span(first, last)
        region, kommun = chosen["region"], chosen["kommun"]
        _check_place(region, kommun)
        clinic = chosen["vardenhet"]
        if clinic is not None and not _HSA_ID.fullmatch(clinic):
            raise FilterError("vardenhet", "Vårdenhet: ange vårdenhetens HSA-id.")
        age = chosen["aldersgrupp"]
        if age is not None and age not in ALDERSGRUPP:
            raise FilterError("aldersgrupp", "Okänd åldersgrupp: välj 0-5, 6-17, 18-64 eller 65+.")
        sex = chosen["kon"]
        if sex is not None and sex not in SEXES:
            raise FilterError("kon", "Okänt kön: välj M eller K.")
        return cls(first, last, region, kommun, clinic, age, sex)

    def query(self) -> dict[str, str | None]:
        """The filters under their URL keys (None where nothing is chosen)."""
        values = [getattr(self, f.name) for f in fields(self)]
        return dict(zip(FIELD_NAMES, values, strict=True))

    def check_scope(self, scope: Scope) -> None:
        """Refuse filters outside what the planner may see."""
        region = self.region or (self.kommun[:2] if self.kommun else None)
        if region is not None and not scope.allows_region(region):
            field = "region" if self.region else "kommun"
            raise FilterError(field, "Du kan bara se din egen regions siffror.")
        if self.vardenhet is not None and not scope.clinics:
            raise FilterError(
                "vardenhet", "Vårdenheter visas inte i den nationella uppföljningen, bara kommuner."
            )

    def period(self, latest: str | None, earliest: str | None = None) -> tuple[str, str] | None:
        """The months to show: as chosen, else the last 12 reported months up to `latest`
        (not before `earliest`, the first reported month)."""
        last = self.period_to
        if last is None:
            if self.period_from is not None:
                latest_index = month_index(latest) if latest else month_index(self.period_from)
                end = min(
                    max(latest_index, month_index(self.period_from)),
                    month_index(self.period_from) + MAX_MONTHS - 1,
                )
                last = month_of(end)
            else:
                last = latest
        if last is None:
            return None
        first = self.period_from
        if first is None:
            first = month_of(month_index(last) - DEFAULT_MONTHS + 1)
            if earliest is not None and earliest <= last:
                first = max(first, earliest)
        return first, last
