"""Well-known people of the demo world, for login pages, documentation and tests.

Every citizen persona's number is an official Skatteverket test number, and `build_demo`
creates each persona exactly as described here (names, units, relations, history), whatever
the seed, so the constants stay valid for every demo database.
"""

from __future__ import annotations

from dataclasses import dataclass

from samvard.directory.models import Profession, Role

# Region Stockholm (county 01) and its seat, Stockholm municipality (0180).
STOCKHOLM_REGION = "SE2321000016"
STOCKHOLM_MUNICIPALITY = "SE2120001801"

# The national follow-up body (Nationell uppföljning av asylsjukvård), seated in Stockholm.
NATIONAL_BODY = "SE2021009994"

ADMINISTRATION_UNIT = f"{STOCKHOLM_REGION}-E0001"
"""Hälso- och sjukvårdsförvaltningen, Region Stockholm."""
EMERGENCY_UNIT = f"{STOCKHOLM_REGION}-E0002"
"""Akutmottagningen, Sjukhuset i Stockholm."""
CHILD_PSYCHIATRY_UNIT = f"{STOCKHOLM_REGION}-E0003"
"""Barn- och ungdomspsykiatrin Stockholm."""
VARDCENTRAL_UNIT = f"{STOCKHOLM_REGION}-E0005"
"""Vårdcentralen Stockholm Centrum, the demo's main vårdcentral."""
HOME_CARE_UNIT = f"{STOCKHOLM_MUNICIPALITY}-E0001"
"""Hemtjänsten Stockholm (Socialnämnden i Stockholms kommun)."""
NATIONAL_UNIT = f"{NATIONAL_BODY}-E0001"
"""Analysenheten, Nationell uppföljning av asylsjukvård."""

ENDED_ON_ISO = "2025-06-30"
"""The day the ended assignments of the demo stopped being valid."""


@dataclass(frozen=True, kw_only=True)
class CitizenPersona:
    """A demo citizen with a fixed identity and known relations."""

    key: str
    person_id: str
    given_name: str
    family_name: str
    municipality_code: str | None
    description: str
    relation_units: tuple[str, ...] = ()
    protected_identity: bool = False


@dataclass(frozen=True, kw_only=True)
class StaffPersona:
    """A demo staff member with a fixed HSA-id and assignments."""

    key: str
    hsa_id: str
    given_name: str
    family_name: str
    profession: Profession
    role: Role
    units: tuple[str, ...]
    description: str
    ended: bool = False


CITIZEN = CitizenPersona(
    key="citizen",
    person_id="198503022389",
    given_name="Sara",
    family_name="Lindqvist",
    municipality_code="0180",
    relation_units=(VARDCENTRAL_UNIT, EMERGENCY_UNIT),
    description="Invånare med flera vårdrelationer och en logg med både tillåtna och nekade "
    "åtkomster.",
)
PROTECTED_CITIZEN = CitizenPersona(
    key="protected_citizen",
    person_id="199207022386",
    given_name="Linnéa",
    family_name="Ström",
    municipality_code="0180",
    relation_units=(VARDCENTRAL_UNIT,),
    protected_identity=True,
    description="Invånare med skyddade personuppgifter; adressen saknas i demovärlden.",
)
CHILD = CitizenPersona(
    key="child",
    person_id="201905032395",
    given_name="Elias",
    family_name="Nyberg",
    municipality_code="0180",
    relation_units=(VARDCENTRAL_UNIT, CHILD_PSYCHIATRY_UNIT),
    description="Barn under 13 år (född 2019) med kontakt med barn- och ungdomspsykiatrin.",
)
GUARDIANSHIPS = ((CITIZEN.person_id, CHILD.person_id),)
"""(guardian, child): Sara Lindqvist is vårdnadshavare for Elias Nyberg."""

ELDER = CitizenPersona(
    key="elder",
    person_id="193804037483",
    given_name="Ingrid",
    family_name="Holm",
    municipality_code="0180",
    relation_units=(VARDCENTRAL_UNIT, HOME_CARE_UNIT),
    description="Äldre invånare med både vårdrelation och hemtjänst (omsorgsrelation).",
)
COORDINATION_NUMBER_HOLDER = CitizenPersona(
    key="coordination_number",
    person_id="198402642394",
    given_name="Tomas",
    family_name="Novák",
    municipality_code=None,
    relation_units=(EMERGENCY_UNIT,),
    description="Person med samordningsnummer (inte folkbokförd i Sverige, ingen adress).",
)

NURSE = StaffPersona(
    key="nurse",
    hsa_id=f"{STOCKHOLM_REGION}-P0001",
    given_name="Karin",
    family_name="Sjöberg",
    profession=Profession.SJUKSKOTERSKA,
    role=Role.CLINICIAN,
    units=(VARDCENTRAL_UNIT,),
    description="Sjuksköterska på Vårdcentralen Stockholm Centrum, Region Stockholm.",
)
DOCTOR = StaffPersona(
    key="doctor",
    hsa_id=f"{STOCKHOLM_REGION}-P0002",
    given_name="Johan",
    family_name="Ekström",
    profession=Profession.LAKARE,
    role=Role.CLINICIAN,
    units=(VARDCENTRAL_UNIT, EMERGENCY_UNIT),
    description="Läkare med uppdrag på både vårdcentralen och akutmottagningen.",
)
ADMINISTRATOR = StaffPersona(
    key="administrator",
    hsa_id=f"{STOCKHOLM_REGION}-P0003",
    given_name="Maria",
    family_name="Lund",
    profession=Profession.ADMINISTRATOR,
    role=Role.ADMINISTRATOR,
    units=(ADMINISTRATION_UNIT,),
    description="Administratör för Region Stockholm.",
)
LOG_REVIEWER = StaffPersona(
    key="log_reviewer",
    hsa_id=f"{STOCKHOLM_REGION}-P0004",
    given_name="Peter",
    family_name="Falk",
    profession=Profession.ADMINISTRATOR,
    role=Role.LOG_REVIEWER,
    units=(ADMINISTRATION_UNIT,),
    description="Loggranskare för Region Stockholm.",
)
ENDED_STAFF = StaffPersona(
    key="ended_staff",
    hsa_id=f"{STOCKHOLM_REGION}-P0005",
    given_name="Erik",
    family_name="Blom",
    profession=Profession.LAKARE,
    role=Role.CLINICIAN,
    units=(VARDCENTRAL_UNIT,),
    ended=True,
    description=f"Läkare vars uppdrag på vårdcentralen upphörde {ENDED_ON_ISO}.",
)
PLANNER = StaffPersona(
    key="planner",
    hsa_id=f"{STOCKHOLM_REGION}-P0006",
    given_name="Lena",
    family_name="Berg",
    profession=Profession.SJUKSKOTERSKA,
    role=Role.PLANNER,
    units=(VARDCENTRAL_UNIT,),
    description="Samordnande sjuksköterska (planerare) på vårdcentralen.",
)
NATIONAL_PLANNER = StaffPersona(
    key="national_planner",
    hsa_id=f"{NATIONAL_BODY}-P0001",
    given_name="Henrik",
    family_name="Dahl",
    profession=Profession.ADMINISTRATOR,
    role=Role.PLANNER,
    units=(NATIONAL_UNIT,),
    description="Planerare vid Nationell uppföljning av asylsjukvård: ser hela riket "
    "sammanställt per region och kommun.",
)
CARE_STAFF = StaffPersona(
    key="care_staff",
    hsa_id=f"{STOCKHOLM_MUNICIPALITY}-P0001",
    given_name="Amira",
    family_name="Hassan",
    profession=Profession.UNDERSKOTERSKA,
    role=Role.CARE_STAFF,
    units=(HOME_CARE_UNIT,),
    description="Undersköterska i hemtjänsten, Socialnämnden i Stockholms kommun.",
)

CITIZENS: tuple[CitizenPersona, ...] = (
    CITIZEN,
    PROTECTED_CITIZEN,
    CHILD,
    ELDER,
    COORDINATION_NUMBER_HOLDER,
)
STAFF: tuple[StaffPersona, ...] = (
    NURSE,
    DOCTOR,
    ADMINISTRATOR,
    LOG_REVIEWER,
    ENDED_STAFF,
    PLANNER,
    NATIONAL_PLANNER,
    CARE_STAFF,
)
