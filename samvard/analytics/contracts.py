"""The data contracts of the monthly reports (docs/analytics-contracts.md).

Column names are part of the contract. Each column says what it accepts, so the reader,
the validator, the generator and the documentation all follow one definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ReportKind(StrEnum):
    """The two monthly reports: visits from each region, asylum flow from Migrationsverket."""

    BESOK = "besok"
    ASYLSOKANDE = "asylsokande"


class ColumnType(StrEnum):
    """How a column's text is checked and stored."""

    REGION = "region"  # länskod, two digits, one of the 21 regions
    PERIOD = "period"  # YYYY-MM
    TEXT = "text"
    PSEUDONYM = "pseudonym"  # never a personnummer or samordningsnummer
    DATE_IN_PERIOD = "date_in_period"  # YYYY-MM-DD inside the row's period
    AGE = "age"  # whole years 0-120
    SEX = "sex"  # M, K (blank allowed where the column says so)
    MUNICIPALITY = "municipality"  # kommunkod, one of the 290
    HSAID = "hsaid"
    ENUM = "enum"
    FLAG = "flag"  # 1 or 0
    ICD10_LIST = "icd10_list"  # ICD-10-SE codes separated by |, main diagnosis first
    KVA_LIST = "kva_list"  # KVÅ codes separated by |
    AGE_GROUP = "age_group"
    COUNT = "count"  # a whole number >= 0, or ".." (suppressed: unknown, never zero)


@dataclass(frozen=True)
class Column:
    """One column of a report: its name, type, allowed values and Swedish description."""

    name: str
    type: ColumnType
    description: str
    required: bool = True
    values: tuple[str, ...] = ()


VERKSAMHET = (
    "vardcentral",
    "asylhalsa",
    "barnpsykiatri",
    "vuxenpsykiatri",
    "infektion",
    "kvinnoklinik",
    "akutmottagning",
    "ovrig_specialist",
)
KONTAKTTYP = ("besok", "inlaggning", "distans")
VARDTYP = ("akut", "planerad")
YRKESKATEGORI = (
    "lakare",
    "sjukskoterska",
    "barnmorska",
    "psykolog",
    "psykoterapeut",
    "kurator",
    "fysioterapeut",
    "ovrig",
)
ALDERSGRUPP = ("0-5", "6-17", "18-64", "65+")
SUPPRESSED = ".."

BESOK = (
    Column("region", ColumnType.REGION, "Länskod för regionen som rapporterar, två siffror."),
    Column("period", ColumnType.PERIOD, "Rapportmånaden, ÅÅÅÅ-MM."),
    Column("besoks_id", ColumnType.TEXT, "Besökets id, unikt inom regionen."),
    Column(
        "patient_id",
        ColumnType.PSEUDONYM,
        "Pseudonym för patienten, stabil inom regionen. Får aldrig vara ett personnummer.",
    ),
    Column("besoksdatum", ColumnType.DATE_IN_PERIOD, "Besöksdatum, ÅÅÅÅ-MM-DD inom perioden."),
    Column("alder", ColumnType.AGE, "Ålder i hela år vid besöket, 0–120."),
    Column("kon", ColumnType.SEX, "M, K eller tomt.", required=False),
    Column("kommun", ColumnType.MUNICIPALITY, "Kommunkod för vårdenhetens kommun."),
    Column("vardenhet_hsaid", ColumnType.HSAID, "Vårdenhetens HSA-id."),
    Column("vardenhet_namn", ColumnType.TEXT, "Vårdenhetens namn."),
    Column("verksamhet", ColumnType.ENUM, "Typ av verksamhet.", values=VERKSAMHET),
    Column(
        "kontakttyp", ColumnType.ENUM, "Besök, inläggning eller distanskontakt.", values=KONTAKTTYP
    ),
    Column("vardtyp", ColumnType.ENUM, "Akut eller planerad vård.", values=VARDTYP),
    Column("yrkeskategori", ColumnType.ENUM, "Vårdgivarens yrkeskategori.", values=YRKESKATEGORI),
    Column(
        "halsoundersokning", ColumnType.FLAG, "1 om besöket var en hälsoundersökning, annars 0."
    ),
    Column(
        "diagnoser",
        ColumnType.ICD10_LIST,
        "ICD-10-SE-koder åtskilda med |, huvuddiagnosen först.",
        required=False,
    ),
    Column("atgarder", ColumnType.KVA_LIST, "KVÅ-koder åtskilda med |.", required=False),
)

ASYLSOKANDE = (
    Column("period", ColumnType.PERIOD, "Månaden, ÅÅÅÅ-MM."),
    Column("kommun", ColumnType.MUNICIPALITY, "Kommunkod."),
    Column("aldersgrupp", ColumnType.AGE_GROUP, "Åldersgrupp.", values=ALDERSGRUPP),
    Column("kon", ColumnType.SEX, "M eller K."),
    Column(
        "inskrivna",
        ColumnType.COUNT,
        "Inskrivna i mottagningssystemet vid månadens slut; .. betyder okänt (skyddat litet tal).",
    ),
    Column(
        "nyinskrivna",
        ColumnType.COUNT,
        "Nyinskrivna under månaden; .. betyder okänt (skyddat litet tal).",
    ),
)

CONTRACTS: dict[ReportKind, tuple[Column, ...]] = {
    ReportKind.BESOK: BESOK,
    ReportKind.ASYLSOKANDE: ASYLSOKANDE,
}


def column_names(kind: ReportKind) -> tuple[str, ...]:
    """The contract's column names, in order."""
    return tuple(c.name for c in CONTRACTS[kind])
