"""Regions, municipalities, care givers and units of the demo world.

Everything here follows from the packaged reference data alone (no randomness), so the
organisation directory is the same for every seed and HSA-ids stay stable for docs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from samvard.demo.names import CARE_HOME_NAMES, UNIT_AREAS
from samvard.directory.models import CareGiver, CareGiverKind, Municipality, Region, Unit
from samvard.identity.numbers import luhn_check_digit
from samvard.reference import loaders

# Roughly one vårdcentral per 55 000 inhabitants, which is close to the national average.
_INHABITANTS_PER_VARDCENTRAL = 55_000
_MIN_VARDCENTRALER, _MAX_VARDCENTRALER = 4, 30
# Municipalities this large run their own hemtjänst / särskilt boende unit in the demo.
_HEMTJANST_FROM, _SARSKILT_BOENDE_FROM = 20_000, 50_000

UNIT_KINDS_HEALTH = ("vardcentral", "akutmottagning", "barnpsykiatri", "vuxenpsykiatri")
UNIT_KINDS_SOCIAL = ("hemtjanst", "sarskilt_boende")
ADMINISTRATION = "administration"


@dataclass(frozen=True)
class PrivateProvider:
    """A fictional private care giver with vårdcentraler in its home region."""

    name: str
    brand: str
    org_base: str  # nine digits; the Luhn check digit is added
    region_code: str
    unit_count: int


PRIVATE_PROVIDERS: tuple[PrivateProvider, ...] = (
    PrivateProvider("Läkargruppen Mälardalen AB", "Läkargruppen", "559900101", "01", 5),
    PrivateProvider("Kustvården i Väst AB", "Kustvården", "559900212", "14", 4),
    PrivateProvider("Skånska Familjeläkare AB", "Familjeläkarna", "559900323", "12", 4),
    PrivateProvider("Norrlandshälsan AB", "Norrlandshälsan", "559900434", "24", 3),
)


@dataclass(frozen=True)
class NationalBody:
    """A fictional national follow-up body: plans and follows up care, gives none."""

    name: str
    org_base: str  # nine digits (2021..: a state authority); the Luhn check digit is added
    municipality_code: str


NATIONAL_BODY = NationalBody("Nationell uppföljning av asylsjukvård", "202100999", "0180")


def org_number(base9: str) -> str:
    """A ten-digit organisation number: `base9` plus its Luhn check digit."""
    return f"{base9}{luhn_check_digit(base9)}"


def region_hsa_prefix(county_code: str) -> str:
    """HSA prefix of a region; 232100-00CC + check digit, the pattern regions really use."""
    return f"SE{org_number('2321000' + county_code)}"


def municipality_hsa_prefix(municipality_code: str) -> str:
    """HSA prefix of a municipality's social-care board (212000-style number)."""
    return f"SE{org_number('21200' + municipality_code)}"


def genitive(name: str) -> str:
    """Swedish genitive of a place name as used in "X kommun": Luleå, Lunds, Falu, Borås."""
    if name == "Falun":
        return "Falu"
    if name[-1].lower() in "sxzaeiouyåäö":
        return name
    return f"{name}s"


@dataclass
class Directory:
    """The organisation part of the demo world, with lookups the later stages need."""

    regions: dict[str, Region]
    municipalities: dict[str, Municipality]
    population: dict[str, int]
    care_givers: list[CareGiver] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    region_givers: dict[str, CareGiver] = field(default_factory=dict)
    _by_region_kind: dict[tuple[str, str], list[Unit]] = field(default_factory=dict)
    _by_municipality_kind: dict[tuple[str, str], list[Unit]] = field(default_factory=dict)

    def region_of(self, unit: Unit) -> str:
        """County code of the municipality the unit lies in."""
        return self.municipalities[unit.municipality_code].region_code

    def by_region(self, region_code: str, kind: str) -> list[Unit]:
        """Units of `kind` in a region, whoever runs them, in creation order."""
        return self._by_region_kind.get((region_code, kind), [])

    def by_municipality(self, municipality_code: str, kind: str) -> list[Unit]:
        """Units of `kind` in a municipality, in creation order."""
        return self._by_municipality_kind.get((municipality_code, kind), [])

    def unit(self, hsa_id: str) -> Unit:
        """The unit with this HSA-id (KeyError if the demo has none)."""
        for unit in self.units:
            if unit.hsa_id == hsa_id:
                return unit
        raise KeyError(hsa_id)

    def largest_municipalities(self, region_code: str) -> list[Municipality]:
        """The region's municipalities, most populous first (code breaks ties)."""
        found = [m for m in self.municipalities.values() if m.region_code == region_code]
        return sorted(found, key=lambda m: (-self.population.get(m.code, 0), m.code))

    def index(self) -> None:
        """Rebuild the kind lookups after units were added."""
        by_region: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        by_municipality: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        for unit in self.units:
            by_region[(self.region_of(unit), unit.kind)].append(unit)
            by_municipality[(unit.municipality_code, unit.kind)].append(unit)
        self._by_region_kind = dict(by_region)
        self._by_municipality_kind = dict(by_municipality)


def load_geography(session: Session) -> Directory:
    """Add the 21 regions and 290 municipalities that are not yet in the database.

    Rows that already exist (say, loaded by a reference-data command) are kept; only a
    missing population figure is filled in.
    """
    population = loaders.population_by_municipality()
    regions = {r.code: r for r in session.scalars(select(Region))}
    for ref in loaders.list_regions():
        if ref.code not in regions:
            regions[ref.code] = Region(
                code=ref.code, name=ref.region_name, county_name=ref.county_name
            )
            session.add(regions[ref.code])
    municipalities = {m.code: m for m in session.scalars(select(Municipality))}
    for muni in loaders.list_municipalities():
        row = municipalities.get(muni.code)
        if row is None:
            row = Municipality(code=muni.code, name=muni.name, region_code=muni.county_code)
            municipalities[muni.code] = row
            session.add(row)
        if row.population is None:
            row.population = population.get(muni.code)
    session.flush()
    return Directory(regions=regions, municipalities=municipalities, population=population)


class _UnitNumbers:
    """Hands out unit HSA-ids under each care giver's prefix: E0001, E0002, ..."""

    def __init__(self) -> None:
        self._next: dict[str, int] = defaultdict(lambda: 1)

    def next(self, giver: CareGiver) -> str:
        """The next unit HSA-id under `giver`'s organisation number."""
        prefix = giver.hsa_id.split("-", 1)[0]
        number = self._next[prefix]
        self._next[prefix] = number + 1
        return f"{prefix}-E{number:04d}"


def build_organisations(session: Session, directory: Directory) -> None:
    """Create every care giver and unit of the demo world and flush them (ids assigned)."""
    builder = _Builder(directory)
    for region in sorted(directory.regions.values(), key=lambda r: r.code):
        builder.add_region(region)
    for muni in sorted(directory.municipalities.values(), key=lambda m: m.code):
        builder.add_municipality(muni)
    for provider in PRIVATE_PROVIDERS:
        builder.add_private(provider)
    builder.add_national(NATIONAL_BODY)
    session.add_all(directory.care_givers)
    session.add_all(directory.units)
    session.flush()
    directory.index()


class _Builder:
    """Adds care givers and their units to a directory, numbering the units."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self.numbers = _UnitNumbers()

    def giver(self, **values: object) -> CareGiver:
        giver = CareGiver(**values)
        self.directory.care_givers.append(giver)
        return giver

    def unit(self, giver: CareGiver, muni: Municipality, kind: str, name: str) -> None:
        unit = Unit(
            hsa_id=self.numbers.next(giver),
            name=name,
            care_giver=giver,
            municipality_code=muni.code,
            kind=kind,
        )
        self.directory.units.append(unit)

    def add_region(self, region: Region) -> None:
        """The region as care giver: administration, hospital, psychiatry, vårdcentraler."""
        giver = self.giver(
            hsa_id=f"{region_hsa_prefix(region.code)}-VG",
            name=region.name,
            kind=CareGiverKind.REGION,
            region_code=region.code,
            municipality_code=None,
        )
        self.directory.region_givers[region.code] = giver
        towns = self.directory.largest_municipalities(region.code)
        seat = towns[0]
        # Hospital and psychiatry sit in the largest town; the order fixes their HSA-ids.
        self.unit(giver, seat, ADMINISTRATION, f"Hälso- och sjukvårdsförvaltningen, {region.name}")
        self.unit(giver, seat, "akutmottagning", f"Akutmottagningen, Sjukhuset i {seat.name}")
        self.unit(giver, seat, "barnpsykiatri", f"Barn- och ungdomspsykiatrin {seat.name}")
        self.unit(giver, seat, "vuxenpsykiatri", f"Vuxenpsykiatrin {seat.name}")
        for muni, count in _vardcentral_quota(self.directory, towns):
            for area in range(count):
                suffix = f" {UNIT_AREAS[area % len(UNIT_AREAS)]}" if count > 1 else ""
                self.unit(giver, muni, "vardcentral", f"Vårdcentralen {muni.name}{suffix}")

    def add_municipality(self, muni: Municipality) -> None:
        """The social-care board, with home care and a care home in larger towns."""
        giver = self.giver(
            hsa_id=f"{municipality_hsa_prefix(muni.code)}-VG",
            name=f"Socialnämnden i {genitive(muni.name)} kommun",
            kind=CareGiverKind.MUNICIPALITY,
            region_code=muni.region_code,
            municipality_code=muni.code,
        )
        people = self.directory.population.get(muni.code, 0)
        if people >= _HEMTJANST_FROM:
            self.unit(giver, muni, "hemtjanst", f"Hemtjänsten {muni.name}")
        if people >= _SARSKILT_BOENDE_FROM:
            home = CARE_HOME_NAMES[int(muni.code) % len(CARE_HOME_NAMES)]
            self.unit(giver, muni, "sarskilt_boende", f"{home}, särskilt boende i {muni.name}")

    def add_private(self, provider: PrivateProvider) -> None:
        """A private provider with vårdcentraler in its region's largest towns."""
        giver = self.giver(
            hsa_id=f"SE{org_number(provider.org_base)}-VG",
            name=provider.name,
            kind=CareGiverKind.PRIVATE,
            region_code=provider.region_code,
            municipality_code=None,
        )
        towns = self.directory.largest_municipalities(provider.region_code)
        for muni in towns[: provider.unit_count]:
            self.unit(giver, muni, "vardcentral", f"{provider.brand} Vårdcentral {muni.name}")

    def add_national(self, body: NationalBody) -> None:
        """The national follow-up body with one administration unit at its seat."""
        seat = self.directory.municipalities[body.municipality_code]
        giver = self.giver(
            hsa_id=f"SE{org_number(body.org_base)}-VG",
            name=body.name,
            kind=CareGiverKind.NATIONAL,
            # Every care giver sits in a region; the national body's scope is still the nation.
            region_code=seat.region_code,
            municipality_code=None,
        )
        self.unit(giver, seat, ADMINISTRATION, f"Analysenheten, {body.name}")


def _vardcentral_quota(
    directory: Directory, towns: list[Municipality]
) -> list[tuple[Municipality, int]]:
    """Split the region's vårdcentraler over its towns by population (largest remainder)."""
    people = [directory.population.get(m.code, 0) for m in towns]
    total = sum(people) or 1
    wanted = round(total / _INHABITANTS_PER_VARDCENTRAL)
    count = max(_MIN_VARDCENTRALER, min(_MAX_VARDCENTRALER, wanted))
    shares = [count * p / total for p in people]
    quota = [int(s) for s in shares]
    # Towns are sorted largest first and the sort is stable, so ties favour larger towns.
    by_remainder = sorted(range(len(towns)), key=lambda i: -(shares[i] - quota[i]))
    for i in by_remainder[: count - sum(quota)]:
        quota[i] += 1
    return [(m, q) for m, q in zip(towns, quota, strict=True) if q > 0]
