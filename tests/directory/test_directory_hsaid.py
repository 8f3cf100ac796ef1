"""Tests for samvard.directory.hsaid."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samvard.directory.hsaid import InvalidHsaId, is_valid_hsa_id, parse_hsa_id
from samvard.identity.numbers import luhn_check_digit

# Organisation numbers of regions (publicly listed): Stockholm, Uppsala, Sörmland, Östergötland,
# Jönköpings län, Kronoberg, Västra Götalandsregionen.
NO_ORG_NUMBER = "Ska ha tio siffror organisationsnummer efter SE, följt av bindestreck"
REGION_ORG_NUMBERS = [
    "2321000016",
    "2321000024",
    "2321000032",
    "2321000040",
    "2321000057",
    "2321000065",
    "2321000131",
]


@pytest.mark.parametrize("number", REGION_ORG_NUMBERS)
def test_region_organisation_numbers_pass_luhn(number: str) -> None:
    # The reason the validator may enforce the check digit at all.
    assert luhn_check_digit(number[:9]) == int(number[9])


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("SE2321000131-E000000000001", "SE2321000131-E000000000001"),
        ("SE2321000016-7P8K", "SE2321000016-7P8K"),
        ("se2321000016-7p8k", "SE2321000016-7P8K"),
        ("  SE2321000016-7P8K\n", "SE2321000016-7P8K"),
        ("SE2321000016-A", "SE2321000016-A"),
        ("SE2321000016-" + "9" * 18, "SE2321000016-" + "9" * 18),
    ],
)
def test_valid_hsa_ids(text: str, normalized: str) -> None:
    assert parse_hsa_id(text) == normalized
    assert is_valid_hsa_id(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "Tomt värde"),
        ("   ", "Tomt värde"),
        ("SE2321000016-" + "9" * 19, "För långt: 32 tecken, högst 31 tillåts"),
        ("DK2321000016-7P8K", "Ska börja med landskoden SE"),
        ("2321000016-7P8K", "Ska börja med landskoden SE"),
        ("SE232100001-7P8K", NO_ORG_NUMBER),
        ("SE232100-0016-7P8K", NO_ORG_NUMBER),
        ("SE23210000167P8K", NO_ORG_NUMBER),
        ("SE2321000016", NO_ORG_NUMBER),
        ("SE2321000016-", "Minst ett tecken krävs efter bindestrecket"),
        ("SE2321000016-7P-8K", "Otillåtna tecken efter bindestrecket (endast A–Z och 0–9)"),
        ("SE2321000016-7P 8K", "Otillåtna tecken efter bindestrecket (endast A–Z och 0–9)"),
        ("SE2321000016-AB@C", "Otillåtna tecken efter bindestrecket (endast A–Z och 0–9)"),
        ("SE2321000016-ÅÄÖ", "Otillåtna tecken (endast A–Z, 0–9 och bindestreck)"),
        ("SE2321000016-ß", "Otillåtna tecken (endast A–Z, 0–9 och bindestreck)"),
        (
            "SE2321000017-7P8K",
            "Organisationsnumrets kontrollsiffra stämmer inte (väntad 6, angiven 7)",
        ),
    ],
)
def test_invalid_hsa_ids(text: str, reason: str) -> None:
    with pytest.raises(InvalidHsaId) as caught:
        parse_hsa_id(text)
    assert caught.value.reason == reason
    assert isinstance(caught.value, ValueError)
    assert not is_valid_hsa_id(text)


@given(
    st.sampled_from(REGION_ORG_NUMBERS),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", min_size=1),
)
def test_suffix_length_decides_validity(org: str, suffix: str) -> None:
    text = f"SE{org}-{suffix}"
    assert is_valid_hsa_id(text) == (len(text) <= 31)
    if len(text) <= 31:
        assert parse_hsa_id(text) == text.upper()


@given(st.text(max_size=40))
def test_arbitrary_text_only_ever_raises_invalid_hsa_id(text: str) -> None:
    try:
        normalized = parse_hsa_id(text)
    except InvalidHsaId as caught:
        reason = caught.reason
        normalized = None
    if normalized is None:
        assert reason
    else:
        assert normalized == normalized.upper()
        assert len(normalized) <= 31
