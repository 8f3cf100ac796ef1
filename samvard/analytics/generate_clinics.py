"""The care units of the synthetic reports, and which of them a visit may go to.

Every municipality has one or more health centres; the largest municipalities of a region
have its hospital clinics, asylum health unit and psychiatry. Clinics depend only on the
reference data, never on the seed or the month, so a unit keeps its HSA-id and name across
runs and months, as real units do, and reports from different seeds can be compared unit by
unit. A visit goes to a unit near the person's home: the home municipality's health centre,
and for other kinds of care mostly the home municipality's own unit, else one of the region's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from samvard.analytics.contracts import VERKSAMHET
from samvard.reference.loaders import (
    list_municipalities,
    list_regions,
    population_by_municipality,
)


@dataclass(frozen=True)
class Clinic:
    """A care unit: HSA-id, name, kind of unit (verksamhet) and its municipality."""

    hsaid: str
    name: str
    verksamhet: str
    kommun: str

    def csv(self) -> str:
        """The unit's three contract columns (kommun, vardenhet_hsaid, vardenhet_namn)."""
        return ",".join(_csv_field(v) for v in (self.kommun, self.hsaid, self.name))


_CLINIC_KINDS = {
    "vardcentral": ("VC", "Vårdcentralen {}"),
    "asylhalsa": ("AH", "Asylhälsan {}"),
    "barnpsykiatri": ("BUP", "Barn- och ungdomspsykiatrin {}"),
    "vuxenpsykiatri": ("VPM", "Vuxenpsykiatriska mottagningen {}"),
    "infektion": ("INF", "Infektionskliniken {}"),
    "kvinnoklinik": ("KK", "Kvinnokliniken {}"),
    "akutmottagning": ("AKM", "Akutmottagningen {}"),
    "ovrig_specialist": ("MED", "Medicinmottagningen {}"),
}
_HEALTH_CENTRE_SUFFIXES = ("", " Centrum", " Norra", " Södra", " Östra", " Västra")
_HOSPITAL_KINDS = ("akutmottagning", "kvinnoklinik", "ovrig_specialist", "vuxenpsykiatri")


def _csv_field(text: str) -> str:
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def clinics_by_region() -> dict[str, tuple[Clinic, ...]]:
    """Every region's care units; the same for every seed and month.

    Each municipality has 1–6 health centres by population. The region's largest
    municipality has every kind of unit; the second and third largest (in larger regions)
    have a hospital with emergency, women's, medical and adult psychiatric clinics, and the
    second largest of a big region also child psychiatry and an asylum health unit.
    """
    population = population_by_municipality()
    municipalities = list_municipalities()
    names = {m.code: m.name for m in municipalities}
    result: dict[str, tuple[Clinic, ...]] = {}
    for region in list_regions():
        codes = [m.code for m in municipalities if m.county_code == region.code]
        by_size = sorted(codes, key=lambda c: (-population[c], c))
        region_population = sum(population[c] for c in codes)
        kinds: dict[str, list[str]] = {code: [] for code in codes}
        kinds[by_size[0]] += [k for k in VERKSAMHET if k != "vardcentral"]
        if len(by_size) >= 5:
            kinds[by_size[1]] += list(_HOSPITAL_KINDS)
        if len(by_size) >= 12:
            kinds[by_size[2]] += list(_HOSPITAL_KINDS)
        if region_population >= 1_000_000:
            kinds[by_size[1]] += ["barnpsykiatri", "asylhalsa"]
        serial: dict[str, int] = {}
        clinics = []
        for code in codes:
            centres = min(len(_HEALTH_CENTRE_SUFFIXES), 1 + population[code] // 60_000)
            units = [("vardcentral", suffix) for suffix in _HEALTH_CENTRE_SUFFIXES[:centres]]
            units += [(kind, "") for kind in VERKSAMHET if kind in kinds[code]]
            for kind, suffix in units:
                abbreviation, pattern = _CLINIC_KINDS[kind]
                serial[kind] = serial.get(kind, 0) + 1
                hsaid = f"SE23210000{region.code}-{abbreviation}{serial[kind]:03d}"
                clinics.append(Clinic(hsaid, pattern.format(names[code]) + suffix, kind, code))
        result[region.code] = tuple(clinics)
    return result


def clinic_choices(
    units: Sequence[Clinic], population: dict[str, int]
) -> dict[str, list[tuple[str, ...]]]:
    """Per home municipality and unit kind: the units a visit may go to (uniform pick).

    Health centres are the home municipality's own. Other kinds: the home municipality's
    unit when there is one (four times in five), else the region's, by population.
    """
    kommuner = sorted({unit.kommun for unit in units})
    by_kind = {kind: [u for u in units if u.verksamhet == kind] for kind in VERKSAMHET}
    result: dict[str, list[tuple[str, ...]]] = {}
    for kommun in kommuner:
        per_kind: list[tuple[str, ...]] = []
        for kind in VERKSAMHET:
            local = [u.csv() for u in by_kind[kind] if u.kommun == kommun]
            regional = _weighted_pool(by_kind[kind], population, 20)
            if kind == "vardcentral":
                per_kind.append(tuple(local))
            elif local:
                per_kind.append(tuple(local * max(1, 80 // len(local)) + regional))
            else:
                per_kind.append(tuple(regional))
        result[kommun] = per_kind
    return result


def _weighted_pool(units: Sequence[Clinic], population: dict[str, int], size: int) -> list[str]:
    if not units:
        return []
    total = sum(population[u.kommun] for u in units)
    pool = []
    for unit in units:
        pool += [unit.csv()] * max(1, round(size * population[unit.kommun] / total))
    return pool
