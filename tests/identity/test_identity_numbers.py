"""Tests for samvard.identity.numbers.

Every valid personnummer/samordningsnummer used here comes from Skatteverket's official test
lists (checked by ``test_examples_are_official_test_numbers``). Invalid ones are made by
altering an official number; reservnummer are the platform's own format, not personnummer.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from importlib.resources import files

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samvard.identity.numbers import (
    IdKind,
    InvalidPersonId,
    PersonId,
    luhn_check_digit,
    parse_person_id,
)
from samvard.reference import loaders

TODAY = date(2026, 11, 24)

# Official Skatteverket test numbers used as named examples.
PNR_1890_F = "189001019802"
PNR_1925_M = "192501019216"
PNR_1950_F = "195001182046"
PNR_LEAP_DAY_F = "197602292380"
PNR_2000_M = "200001011493"
PNR_2024_F = "202412312387"
SNR_1914_M = "191401682396"
SNR_MONTH_UNKNOWN = "191500722390"
SNR_DAY_UNKNOWN = "191711602399"

OFFICIAL_PNR = loaders.test_personnummer()
OFFICIAL_SNR = loaders.test_samordningsnummer()
OFFICIAL = OFFICIAL_PNR + OFFICIAL_SNR


def _with_check(first_eleven: str) -> str:
    """Complete a 12-digit number with a correct check digit (for invalid-date cases)."""
    return first_eleven + str(luhn_check_digit(first_eleven[2:]))


def _ten_digit(number: str, today: date = TODAY) -> str:
    """Write a 12-digit number in the 10-digit form with the separator Skatteverket uses."""
    separator = "+" if today.year - int(number[:4]) >= 100 else "-"
    return f"{number[2:8]}{separator}{number[8:]}"


def _reserve(birth: str, serial: str) -> str:
    """Build a Samvård reservnummer YYYYMMDDRNNC with its Luhn check over YYYYMMDDNN."""
    payload = birth + serial
    total = 0
    for position, char in enumerate(reversed(payload)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value // 10 + value % 10
    return f"{birth}R{serial}{(10 - total % 10) % 10}"


def _luhn_valid(digits: str) -> bool:
    """Independent textbook Luhn validation of a number including its check digit."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 1 else 1)
        total += value // 10 + value % 10
    return total % 10 == 0


def test_examples_are_official_test_numbers() -> None:
    examples_pnr = [PNR_1890_F, PNR_1925_M, PNR_1950_F, PNR_LEAP_DAY_F, PNR_2000_M, PNR_2024_F]
    examples_snr = [SNR_1914_M, SNR_MONTH_UNKNOWN, SNR_DAY_UNKNOWN]
    assert set(examples_pnr) <= set(OFFICIAL_PNR)
    assert set(examples_snr) <= set(OFFICIAL_SNR)


# --- accepted formats -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        (PNR_1950_F, PNR_1950_F),
        ("19500118-2046", PNR_1950_F),
        ("500118-2046", PNR_1950_F),
        ("5001182046", PNR_1950_F),
        ("  500118-2046\t\n", PNR_1950_F),
        ("000101-1493", PNR_2000_M),
        ("900101+9802", PNR_1890_F),
        ("250101+9216", PNR_1925_M),
    ],
)
def test_accepted_formats(text: str, normalized: str) -> None:
    assert parse_person_id(text, today=TODAY).normalized == normalized


def test_ten_digit_samordningsnummer_uses_same_century_rule() -> None:
    assert parse_person_id("140168+2396", today=TODAY).normalized == SNR_1914_M


def test_plus_separator_means_hundred_years_earlier() -> None:
    plus = parse_person_id("900101+9802", today=TODAY)
    assert plus.birth_date == date(1890, 1, 1)
    # The separator flips in the calendar year the person turns 100, not on the birthday.
    assert parse_person_id("250101+9216", today=date(2025, 1, 1)).birth_date == date(1925, 1, 1)


def test_separator_switches_in_the_year_of_the_hundredth_birthday() -> None:
    assert parse_person_id("000101-1493", today=date(2099, 12, 31)).normalized == PNR_2000_M
    assert parse_person_id("000101+1493", today=date(2100, 1, 1)).normalized == PNR_2000_M


@pytest.mark.parametrize("number", [PNR_1890_F, PNR_1925_M, PNR_1950_F, PNR_2000_M, SNR_1914_M])
def test_ten_and_twelve_digit_forms_are_equivalent(number: str) -> None:
    twelve = parse_person_id(number, today=TODAY)
    assert parse_person_id(f"{number[:8]}-{number[8:]}", today=TODAY) == twelve
    assert parse_person_id(_ten_digit(number), today=TODAY) == twelve


def test_personnummer_fields() -> None:
    person = parse_person_id(PNR_1950_F, today=TODAY)
    assert person == PersonId(
        kind=IdKind.PERSONNUMMER,
        normalized=PNR_1950_F,
        birth_date=date(1950, 1, 18),
        sex="female",
    )


def test_samordningsnummer_fields() -> None:
    person = parse_person_id(SNR_1914_M, today=TODAY)
    assert person.kind is IdKind.SAMORDNINGSNUMMER
    assert person.birth_date == date(1914, 1, 8)
    assert person.sex == "male"


@pytest.mark.parametrize("number", [SNR_MONTH_UNKNOWN, SNR_DAY_UNKNOWN])
def test_samordningsnummer_with_unknown_birth_date(number: str) -> None:
    person = parse_person_id(number, today=TODAY)
    assert person.kind is IdKind.SAMORDNINGSNUMMER
    assert person.birth_date is None
    assert person.age(TODAY) is None


@pytest.mark.parametrize(
    ("number", "sex"),
    [(PNR_1890_F, "female"), (PNR_1925_M, "male"), (PNR_2000_M, "male"), (SNR_1914_M, "male")],
)
def test_sex_from_second_to_last_digit(number: str, sex: str) -> None:
    assert parse_person_id(number, today=TODAY).sex == sex


def _official_sex() -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name in ("skatteverket_testpersonnummer.csv", "skatteverket_testsamordningsnummer.csv"):
        text = files("samvard.reference").joinpath("data", name).read_text(encoding="utf-8")
        rows = csv.reader(io.StringIO(text))
        next(rows)
        pairs.extend((number, "male" if kon == "M" else "female") for number, kon in rows)
    return pairs


def test_all_official_numbers_validate_with_skatteverkets_sex() -> None:
    pairs = _official_sex()
    assert len(pairs) == 41_493 + 2_240
    for number, sex in pairs:
        person = parse_person_id(number, today=TODAY)
        assert person.normalized == number
        assert person.sex == sex, number
    kinds = {parse_person_id(n, today=TODAY).kind for n in OFFICIAL_SNR}
    assert kinds == {IdKind.SAMORDNINGSNUMMER}


# --- age --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (date(1976, 2, 29), 0),
        (date(2024, 2, 28), 47),
        (date(2024, 2, 29), 48),
        (date(2025, 2, 28), 48),
        (date(2025, 3, 1), 49),
        (TODAY, 50),
    ],
)
def test_age_on_fixed_dates_for_leap_day_birth(on: date, age: int) -> None:
    assert parse_person_id(PNR_LEAP_DAY_F, today=TODAY).age(on) == age


def test_age_before_birth_is_an_error() -> None:
    person = parse_person_id(PNR_2000_M, today=TODAY)
    with pytest.raises(ValueError, match="före födelsedatumet"):
        person.age(date(1999, 12, 31))


# --- rejected input ---------------------------------------------------------------------------

BAD_CHECK = PNR_1890_F[:-1] + "3"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "Tomt värde"),
        ("   \t", "Tomt värde"),
        (BAD_CHECK, "Kontrollsiffran stämmer inte (väntad 2, angiven 3)"),
        ("900101+9803", "Kontrollsiffran stämmer inte (väntad 2, angiven 3)"),
        (_with_check("19900230980"), "Ogiltigt datum: 1990-02-30"),
        (_with_check("19901301980"), "Ogiltigt datum: 1990-13-01"),
        (_with_check("19900001980"), "Ogiltigt datum: 1990-00-01"),
        (_with_check("19900100980"), "Ogiltigt datum: 1990-01-00"),
        (_with_check("19900132980"), "Ogiltigt datum: 1990-01-32"),
        (_with_check("19900292980"), "Ogiltigt datum: 1990-02-32"),
        (_with_check("19901362980"), "Ogiltigt datum: 1990-13-02"),
        (_with_check("19910289980"), "Ogiltigt datum: 1991-02-29"),
        (_with_check("00000101980"), "Ogiltigt datum: 0000-01-01"),
        ("19000101-98O2", "Otillåtna tecken"),
        ("abcdefghijkl", "Otillåtna tecken"),
        ("900101 9802", "Otillåtna tecken"),
        ("900101–9802", "Otillåtna tecken"),  # en dash
        ("１８９００１０１９８０２", "Otillåtna tecken"),  # full-width digits
        ("٨٩٠٠١٠١٩٨٠٢", "Otillåtna tecken"),  # Arabic-Indic digits
        ("89001019", "Fel antal siffror: 8, väntat 10 eller 12"),
        ("890101980", "Fel antal siffror: 9, väntat 10 eller 12"),
        ("89001019802", "Fel antal siffror: 11, väntat 10 eller 12"),
        ("1890010198021", "Fel antal siffror: 13, väntat 10 eller 12"),
        ("18900-1019802", "Skiljetecknet står på fel plats (ska stå före de fyra sista)"),
        ("900101--9802", "Skiljetecknet står på fel plats (ska stå före de fyra sista)"),
        ("18900101+9802", "Plustecken används bara med tio siffror (ÅÅMMDD+NNNN)"),
    ],
)
def test_rejected_input_has_swedish_reason(text: str, reason: str) -> None:
    with pytest.raises(InvalidPersonId) as caught:
        parse_person_id(text, today=TODAY)
    assert caught.value.reason == reason
    assert str(caught.value) == reason


@pytest.mark.parametrize(
    ("text", "today"),
    [
        (PNR_2024_F, date(2024, 12, 30)),
        ("241231-2387", date(2024, 12, 30)),
        (SNR_MONTH_UNKNOWN, date(1914, 12, 31)),
        (SNR_DAY_UNKNOWN, date(1917, 10, 31)),
    ],
)
def test_birth_date_in_future_is_rejected(text: str, today: date) -> None:
    with pytest.raises(InvalidPersonId, match="Födelsedatum i framtiden"):
        parse_person_id(text, today=today)


def test_unknown_parts_only_need_the_earliest_possible_date_passed() -> None:
    assert parse_person_id(SNR_MONTH_UNKNOWN, today=date(1915, 1, 12)).birth_date is None
    assert parse_person_id(SNR_DAY_UNKNOWN, today=date(1917, 11, 1)).birth_date is None


def test_invalid_person_id_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="Tomt värde"):
        parse_person_id("")


def test_repr_does_not_reveal_the_number() -> None:
    person = parse_person_id(PNR_1950_F, today=TODAY)
    assert "2046" not in repr(person)
    assert "1950" not in repr(person)
    assert "personnummer" in repr(person)


def test_default_today_is_the_current_date() -> None:
    assert parse_person_id(PNR_1950_F).birth_date == date(1950, 1, 18)


# --- luhn_check_digit -------------------------------------------------------------------------


@pytest.mark.parametrize("number", [PNR_1890_F, PNR_1950_F, PNR_2000_M, SNR_1914_M])
def test_luhn_check_digit_of_official_numbers(number: str) -> None:
    assert luhn_check_digit(number[2:11]) == int(number[11])


@pytest.mark.parametrize("bad", ["", "12345678", "1234567890", "12345678a", "１２３４５６７８９"])
def test_luhn_check_digit_requires_nine_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="nio siffror"):
        luhn_check_digit(bad)


# --- reservnummer -----------------------------------------------------------------------------

RESERVE = _reserve("19700101", "00")


def test_reserve_example_from_docstring() -> None:
    assert RESERVE == "19700101R009"


@pytest.mark.parametrize("text", [RESERVE, RESERVE.lower(), "19700101-R009", " 19700101r009 "])
def test_reservnummer_accepted(text: str) -> None:
    person = parse_person_id(text, today=TODAY)
    assert person == PersonId(
        kind=IdKind.RESERVNUMMER,
        normalized="19700101R009",
        birth_date=date(1970, 1, 1),
        sex=None,
    )
    assert person.age(TODAY) == 56


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("19700101R001", "Kontrollsiffran stämmer inte (väntad 9, angiven 1)"),
        ("19700101R00", "Reservnummer ska ha formen ÅÅÅÅMMDDRNNC"),
        ("19700101R0009", "Reservnummer ska ha formen ÅÅÅÅMMDDRNNC"),
        ("19700101RA09", "Reservnummer ska ha formen ÅÅÅÅMMDDRNNC"),
        ("19700101--R009", "Otillåtna tecken"),
        ("19700101K009", "Otillåtna tecken"),
        (_reserve("19700231", "00"), "Ogiltigt datum: 1970-02-31"),
        (_reserve("20261125", "00"), "Födelsedatum i framtiden"),
    ],
)
def test_reservnummer_rejected(text: str, reason: str) -> None:
    with pytest.raises(InvalidPersonId) as caught:
        parse_person_id(text, today=TODAY)
    assert caught.value.reason == reason


# --- properties -------------------------------------------------------------------------------

official_numbers = st.sampled_from(OFFICIAL)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_appending_the_check_digit_gives_a_luhn_valid_string(digits9: str) -> None:
    # Plain digit strings, checked with an independent Luhn implementation; never parsed as ids.
    assert _luhn_valid(digits9 + str(luhn_check_digit(digits9)))


@given(official_numbers)
def test_check_digit_recomputed_from_date_and_serial(number: str) -> None:
    assert luhn_check_digit(number[2:11]) == int(number[11])
    assert parse_person_id(number[:11] + str(luhn_check_digit(number[2:11])), today=TODAY)


@given(official_numbers)
def test_every_written_form_parses_the_same(number: str) -> None:
    twelve = parse_person_id(number, today=TODAY)
    assert parse_person_id(f"{number[:8]}-{number[8:]}", today=TODAY) == twelve
    assert parse_person_id(_ten_digit(number), today=TODAY) == twelve


@given(official_numbers, st.integers(min_value=2, max_value=11), st.integers(0, 9))
def test_changing_one_digit_of_the_ten_digit_part_makes_it_invalid(
    number: str, position: int, digit: int
) -> None:
    # Luhn detects every single-digit substitution; the century (positions 0-1) is not covered
    # by the check digit, which is why only positions 2-11 are mutated.
    if int(number[position]) == digit:
        digit = (digit + 1) % 10
    mutated = number[:position] + str(digit) + number[position + 1 :]
    with pytest.raises(InvalidPersonId):
        parse_person_id(mutated, today=TODAY)


@given(st.dates(min_value=date(1800, 1, 1), max_value=TODAY), st.integers(0, 99))
def test_any_date_and_serial_gives_a_valid_reservnummer(born: date, serial: int) -> None:
    text = _reserve(born.strftime("%Y%m%d"), f"{serial:02d}")
    person = parse_person_id(text, today=TODAY)
    assert person.kind is IdKind.RESERVNUMMER
    assert person.birth_date == born
    assert person.normalized == text


@settings(max_examples=300)
@given(st.text(max_size=20))
def test_arbitrary_text_only_ever_raises_invalid_person_id(text: str) -> None:
    person: PersonId | None = None
    try:
        person = parse_person_id(text, today=TODAY)
    except InvalidPersonId as caught:
        reason = caught.reason
    if person is None:
        assert reason
    else:
        assert len(person.normalized) == 12
