"""What a visit is: unit kind, contact, acute or planned, profession, diagnoses and KVÅ codes.

The clinical columns of a visit are drawn from a model per age band, sex and mental-health
need. Children see child psychiatry, adults adult psychiatry; women of childbearing age see
the women's clinic, where some visits are births; persons with mental-health needs visit
psychiatry, psychologists and counsellors far more. Diagnoses are ICD-10-SE codes weighted
by what each kind of unit and profession sees among asylum seekers (trauma and stress
disorders, infections screened for on arrival, common primary-care complaints); procedures
are KVÅ codes by profession, and many visits record none, as in real reports.

Drawing that model for every visit would dominate the run, so it is drawn once per seed into
pools of templates, each holding the visit's clinical columns already joined as CSV text,
and a visit picks one of its pool uniformly. Every pool exists twice: with diagnosis codes
as F43.1 and without the dot as F431, because some regions report them that way and the
ingestion must cope with both.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from samvard.analytics.contracts import VERKSAMHET
from samvard.analytics.generate_common import SEXES, seeded_random

_BANDS = ((0, 5), (6, 17), (18, 44), (45, 64), (65, 200))
BAND_OF_AGE = tuple(
    next(b for b, (lo, hi) in enumerate(_BANDS) if lo <= a <= hi) for a in range(121)
)
POOL_SIZE = 1024

_F_ADULT = (("F43.1", 30), ("F32.1", 15), ("F43.2", 12), ("F41.1", 10), ("F51.0", 8),
            ("F32.9", 5), ("F41.9", 5), ("F43.0", 5), ("F33.1", 4), ("F10.2", 2),
            ("F20.9", 1), ("F60.3", 1))  # fmt: skip
_F_CHILD = (("F43.1", 30), ("F43.2", 15), ("F90.0", 12), ("F93.0", 10), ("F32.1", 8),
            ("F51.5", 8), ("F91.3", 5), ("F98.0", 5), ("F84.0", 5), ("F41.1", 2))  # fmt: skip
_INFECTIONS = (("A15.0", 6), ("A16.2", 4), ("B18.1", 14), ("B18.2", 6), ("B20.9", 2),
               ("B86", 16), ("B35.4", 8), ("B80", 5), ("B65.9", 3), ("B54", 2), ("A06.0", 2),
               ("A08.4", 8), ("A09.9", 8), ("B01.9", 4), ("A46", 4), ("A38.9", 2),
               ("B34.9", 6))  # fmt: skip
_GENERAL_ADULT = (("J06.9", 14), ("M54.5", 10), ("R51.9", 8), ("K29.7", 6), ("N39.0", 6),
                  ("R10.4", 6), ("L30.9", 5), ("M79.1", 6), ("D50.9", 5), ("E55.9", 4),
                  ("E11.9", 5), ("I10.9", 5), ("K02.9", 4), ("J02.9", 4), ("H10.9", 2),
                  ("Z76.0", 4), ("Z02.7", 4))  # fmt: skip
_GENERAL_CHILD = (("J06.9", 22), ("H66.9", 12), ("J02.9", 6), ("A08.4", 6), ("B80", 4),
                  ("L20.9", 6), ("R50.9", 10), ("K59.0", 5), ("J45.9", 4), ("D50.9", 4),
                  ("K02.9", 6), ("Z23.8", 5))  # fmt: skip
_GENERAL_OLD = (("I10.9", 14), ("E11.9", 12), ("M54.5", 8), ("J44.9", 6), ("I25.9", 5),
                ("M17.9", 6), ("J06.9", 6), ("N39.0", 6), ("H52.1", 3), ("R42.9", 4))  # fmt: skip
_EMERGENCY = (("S61.0", 6), ("S93.4", 8), ("S00.8", 5), ("T14.1", 5), ("R10.4", 12),
              ("R07.4", 8), ("R55.9", 4), ("J06.9", 6), ("N39.0", 5), ("T78.4", 3),
              ("F43.0", 4), ("A09.9", 4), ("R50.9", 6), ("J18.9", 4))  # fmt: skip
_SPECIALIST = (("E11.9", 12), ("I10.9", 10), ("K29.7", 8), ("M54.5", 8), ("D50.9", 8),
               ("L30.9", 6), ("H66.9", 5), ("J45.9", 8), ("G43.9", 6), ("K21.9", 6),
               ("N18.3", 3), ("I48.9", 3))  # fmt: skip
_WOMEN = (("Z34.9", 30), ("Z34.0", 10), ("O21.0", 6), ("O26.8", 5), ("N92.0", 6),
          ("N76.0", 6), ("N94.6", 5), ("Z30.0", 10), ("Z32.1", 6), ("O99.8", 4))  # fmt: skip
_BIRTHS = (("O80.0", 62), ("O80.9", 6), ("O81.4", 8), ("O82.0", 8), ("O82.1", 10),
           ("O83.8", 2), ("O84.0", 4))  # fmt: skip
_EXAM_FINDINGS = (("Z11.1", 30), ("F43.1", 8), ("D50.9", 5), ("K02.9", 6), ("E55.9", 5),
                  ("B18.1", 2), ("B86", 2), ("Z22.7", 4), ("A15.0", 0.3))  # fmt: skip
# KVÅ: assessment (AU), treatment (DU) and clinical examination (AA, AN) codes.
_KVA_PSYCHOLOGIST = (("AU002", 20), ("AU006", 10), ("AU011", 15), ("AA085", 5), ("DU011", 35),
                     ("DU007", 15))  # fmt: skip
_KVA_COUNSELLOR = (("DU007", 60), ("DU118", 20), ("AU002", 10), ("DU030", 10))
_KVA_PSYCHIATRIST = (("AU118", 30), ("AU006", 20), ("AU011", 20), ("DU007", 10))
_KVA_NURSE = (("DU030", 40), ("DU200", 20), ("DU007", 15))
_KVA_PHYSIO = (("AN031", 50), ("AN032", 50))
_KVA_DOCTOR = (("AA039", 30), ("AN032", 40), ("AN031", 30))

_PROFESSIONS = {
    "vardcentral": (("lakare", 50), ("sjukskoterska", 30), ("fysioterapeut", 6),
                    ("kurator", 5), ("psykolog", 4), ("ovrig", 5)),
    "asylhalsa": (("sjukskoterska", 50), ("lakare", 22), ("psykolog", 10), ("kurator", 12),
                  ("ovrig", 6)),
    "barnpsykiatri": (("psykolog", 32), ("lakare", 20), ("kurator", 20), ("psykoterapeut", 10),
                      ("sjukskoterska", 13), ("ovrig", 5)),
    "vuxenpsykiatri": (("lakare", 26), ("psykolog", 24), ("sjukskoterska", 20), ("kurator", 16),
                       ("psykoterapeut", 8), ("ovrig", 6)),
    "infektion": (("lakare", 60), ("sjukskoterska", 40)),
    "kvinnoklinik": (("barnmorska", 55), ("lakare", 40), ("sjukskoterska", 5)),
    "akutmottagning": (("lakare", 72), ("sjukskoterska", 28)),
    "ovrig_specialist": (("lakare", 75), ("sjukskoterska", 15), ("fysioterapeut", 10)),
}  # fmt: skip
_CONTACTS = {
    "vardcentral": (("besok", 80), ("distans", 20)),
    "asylhalsa": (("besok", 85), ("distans", 15)),
    "barnpsykiatri": (("besok", 76), ("distans", 18), ("inlaggning", 6)),
    "vuxenpsykiatri": (("besok", 72), ("distans", 18), ("inlaggning", 10)),
    "infektion": (("besok", 75), ("inlaggning", 20), ("distans", 5)),
    "kvinnoklinik": (("besok", 72), ("inlaggning", 22), ("distans", 6)),
    "akutmottagning": (("besok", 85), ("inlaggning", 15)),
    "ovrig_specialist": (("besok", 85), ("inlaggning", 8), ("distans", 7)),
}


@dataclass(frozen=True)
class Template:
    """The clinical columns of a visit, pre-joined: verksamhet .. atgarder."""

    unit: int  # index into VERKSAMHET
    text: str  # with diagnosis codes as F43.1
    text_plain: str  # with diagnosis codes as F431 (some regions report without the dot)
    acute: bool


def _pick(rng: random.Random, options: Sequence[tuple[str, float]]) -> str:
    names, cumulative = _prepared(tuple(options))
    return rng.choices(names, cum_weights=cumulative)[0]


@cache
def _prepared(options: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    return [name for name, _ in options], list(accumulate(weight for _, weight in options))


def _unit_weights(band: int, sex: str, mental: bool) -> list[tuple[str, float]]:
    child = band <= 1
    fertile = sex == "K" and band == 2
    weights = {
        "vardcentral": 40.0,
        "asylhalsa": 8.0,
        "barnpsykiatri": (6.0 if child else 0.0) * (6 if mental else 1),
        "vuxenpsykiatri": (0.0 if child else 5.0) * (6 if mental else 1),
        "infektion": 4.0,
        "kvinnoklinik": 14.0 if fertile else 3.0 if sex == "K" and band == 3 else 0.0,
        "akutmottagning": 12.0 if band != 4 else 16.0,
        "ovrig_specialist": 9.0 if band < 3 else 16.0,
    }
    return [(unit, weight) for unit, weight in weights.items() if weight > 0]


def _diagnoses(
    rng: random.Random, unit: str, profession: str, band: int, sex: str, mental: bool
) -> tuple[list[str], bool]:
    """(ICD-10-SE codes, main first; whether the visit is a birth)."""
    child = band <= 1
    f_codes = _F_CHILD if child else _F_ADULT
    general = _GENERAL_CHILD if child else _GENERAL_OLD if band == 4 else _GENERAL_ADULT
    if unit == "kvinnoklinik" and sex == "K" and band == 2 and rng.random() < 0.3:
        return [_pick(rng, _BIRTHS), "Z37.1" if rng.random() < 0.03 else "Z37.0"], True
    options, none_recorded = _main_options(unit, profession, band, mental, f_codes, general)
    codes = [] if rng.random() < none_recorded else [_pick(rng, options)]
    if codes and rng.random() < 0.2:
        extra = _pick(rng, f_codes) if mental and rng.random() < 0.5 else _pick(rng, general)
        if extra not in codes:
            codes.append(extra)
    return codes, False


_MENOPAUSE = (("N95.1", 5), ("N92.0", 3))
_MUSCLES = (("M54.5", 40), ("M79.1", 30), ("M25.5", 30))
Weighted = Sequence[tuple[str, float]]


@cache
def _main_options(
    unit: str, profession: str, band: int, mental: bool, f_codes: Weighted, general: Weighted
) -> tuple[Weighted, float]:
    """Where a visit's main diagnosis is drawn from, and the chance that none is recorded."""
    if unit in ("barnpsykiatri", "vuxenpsykiatri") or profession in (
        "psykolog",
        "psykoterapeut",
        "kurator",
    ):
        return f_codes, 0.5 if profession == "kurator" else 0.0
    by_unit = {
        "infektion": _INFECTIONS,
        "akutmottagning": _EMERGENCY,
        "ovrig_specialist": _SPECIALIST,
        "kvinnoklinik": _WOMEN if band == 2 else _MENOPAUSE,
    }
    fixed = by_unit.get(unit, _MUSCLES if profession == "fysioterapeut" else None)
    if fixed is not None:
        return fixed, 0.0
    # Primary care: mental health (much more for persons with such needs), infections, the rest.
    f_share, infection_share = (0.45 if mental else 0.06), 0.07
    mixture = [(code, w * f_share / _total(f_codes)) for code, w in f_codes]
    mixture += [(code, w * infection_share / _total(_INFECTIONS)) for code, w in _INFECTIONS]
    rest = 1.0 - f_share - infection_share
    mixture += [(code, w * rest / _total(general)) for code, w in general]
    return tuple(mixture), 0.4 if profession == "sjukskoterska" else 0.0  # nurses: often none


def _total(options: Weighted) -> float:
    return sum(weight for _, weight in options)


def _procedures(rng: random.Random, unit: str, profession: str, birth: bool) -> list[str]:
    if birth:
        return []
    psychiatric = unit in ("barnpsykiatri", "vuxenpsykiatri")
    chance, options = {
        "psykolog": (0.9, _KVA_PSYCHOLOGIST),
        "psykoterapeut": (0.9, (("DU011", 80), ("AU002", 20))),
        "kurator": (0.8, _KVA_COUNSELLOR),
        "fysioterapeut": (0.7, _KVA_PHYSIO),
        "sjukskoterska": (0.3, _KVA_NURSE),
        "lakare": (0.6, _KVA_PSYCHIATRIST) if psychiatric else (0.25, _KVA_DOCTOR),
    }.get(profession, (0.0, ()))
    if rng.random() >= chance:
        return []
    codes = [_pick(rng, options)]
    if rng.random() < 0.15:
        extra = _pick(rng, options)
        if extra not in codes:
            codes.append(extra)
    return codes


def _template(
    unit: str,
    contact: str,
    acute: bool,
    profession: str,
    examination: bool,
    diagnoses: list[str],
    procedures: list[str],
) -> Template:
    head = f"{unit},{contact},{'akut' if acute else 'planerad'},{profession},{int(examination)}"
    dotted = "|".join(diagnoses)
    kva = "|".join(procedures)
    return Template(
        VERKSAMHET.index(unit),
        f"{head},{dotted},{kva}",
        f"{head},{dotted.replace('.', '')},{kva}",
        acute,
    )


def _visit_template(rng: random.Random, band: int, sex: str, mental: bool) -> Template:
    unit = _pick(rng, _unit_weights(band, sex, mental))
    professions = list(_PROFESSIONS[unit])
    if mental and unit in ("vardcentral", "asylhalsa"):
        professions = [(p, w * 4 if p in ("psykolog", "kurator") else w) for p, w in professions]
    if band <= 1:  # children do not see midwives or physiotherapists here
        professions = [(p, w) for p, w in professions if p not in ("barnmorska", "fysioterapeut")]
    profession = _pick(rng, professions)
    contact = _pick(rng, _CONTACTS[unit])
    diagnoses, birth = _diagnoses(rng, unit, profession, band, sex, mental)
    if birth:
        contact = "inlaggning"
        profession = "barnmorska" if rng.random() < 0.7 else "lakare"
        acute = diagnoses[0] != "O82.0"  # a planned caesarean is planned care
    elif unit == "akutmottagning":
        acute = True
    elif contact == "inlaggning":
        acute = rng.random() < 0.7
    else:
        acute = rng.random() < (0.2 if unit == "vardcentral" else 0.1)
    procedures = _procedures(rng, unit, profession, birth)
    return _template(unit, contact, acute, profession, False, diagnoses, procedures)


def _exam_template(rng: random.Random, band: int) -> Template:
    unit = "asylhalsa" if rng.random() < 0.55 else "vardcentral"
    profession = "sjukskoterska" if rng.random() < 0.7 else "lakare"
    diagnoses = ["Z00.1" if band <= 1 else "Z00.0"]
    for code, weight in _EXAM_FINDINGS:
        if rng.random() * 100 < weight:
            diagnoses.append(code)
    procedures = ["DU030"] if rng.random() < 0.5 else []
    return _template(unit, "besok", False, profession, True, diagnoses, procedures)


Entry = tuple[int, str, bool]  # (index into VERKSAMHET, clinical columns, acute)
Pool = tuple[Entry, ...]


@dataclass(frozen=True)
class Templates:
    """Pools of visit templates: ``visits[plain][band][male][mental]``, ``exams[plain][band]``.

    ``plain`` pools write diagnosis codes without the dot (F431), as some regions report.
    """

    visits: tuple[tuple[tuple[tuple[Pool, ...], ...], ...], ...]
    exams: tuple[tuple[Pool, ...], ...]


def build_templates(seed: int) -> Templates:
    """Draw the template pools; visits pick from them uniformly, which is fast."""
    rng = seeded_random(seed, "mallar")
    bands = range(len(_BANDS))
    drawn = [
        [
            [
                [_visit_template(rng, band, sex, mental) for _ in range(POOL_SIZE)]
                for mental in (False, True)
            ]
            for sex in SEXES
        ]
        for band in bands
    ]
    exams = [[_exam_template(rng, band) for _ in range(POOL_SIZE // 4)] for band in bands]

    def pool(templates: list[Template], plain: bool) -> Pool:
        return tuple((t.unit, t.text_plain if plain else t.text, t.acute) for t in templates)

    return Templates(
        visits=tuple(
            tuple(
                tuple(tuple(pool(m, plain) for m in by_sex) for by_sex in by_band)
                for by_band in drawn
            )
            for plain in (False, True)
        ),
        exams=tuple(tuple(pool(e, plain) for e in exams) for plain in (False, True)),
    )
