"""The IIN rules (registrar/people/iin.py): 12 digits YYMMDD, century/sex digit, serial, check."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registrar.people import iin
from registrar.people.iin import InvalidIIN

# Known-good IINs worked out by hand from the algorithm in iin.py's docstring, so that the
# expected check digit does not come from the code under test:
#
# 900515300018 — born 1990-05-15, male (7th digit 3: 1900s, odd), serial 0001.
#   digits 9 0 0 5 1 5 3 0 0 0 1, weights 1..11:
#   9*1 + 0*2 + 0*3 + 5*4 + 1*5 + 5*6 + 3*7 + 0*8 + 0*9 + 0*10 + 1*11
#   = 9 + 20 + 5 + 30 + 21 + 11 = 96; 96 = 8*11 + 8 -> check digit 8.
#
# 050314600015 — born 2005-03-14, female (7th digit 6: 2000s, even), serial 0001.
#   digits 0 5 0 3 1 4 6 0 0 0 1:
#   0*1 + 5*2 + 0*3 + 3*4 + 1*5 + 4*6 + 6*7 + 0 + 0 + 0 + 1*11
#   = 10 + 12 + 5 + 24 + 42 + 11 = 104; 104 = 9*11 + 5 -> check digit 5.
#
# 900515300908 — born 1990-05-15, male, serial 0090: the first sum gives 10, so the second
#   weights 3..11,1,2 are used. digits 9 0 0 5 1 5 3 0 0 9 0:
#   first:  9*1 + 5*4 + 1*5 + 5*6 + 3*7 + 9*10 = 9 + 20 + 5 + 30 + 21 + 90 = 175;
#           175 = 15*11 + 10 -> 10, try again;
#   second: 9*3 + 5*6 + 1*7 + 5*8 + 3*9 + 9*1 = 27 + 30 + 7 + 40 + 27 + 9 = 140;
#           140 = 12*11 + 8 -> check digit 8.
#
# 9005153 0091 (serial 0091) has no check digit: first sum 175 + 1*11 = 186 = 16*11 + 10,
#   second sum 140 + 1*2 = 142 = 12*11 + 10 -> such a number is never issued.
KNOWN_GOOD = [
    ("900515300018", dt.date(1990, 5, 15), "male"),
    ("050314600015", dt.date(2005, 3, 14), "female"),
    ("900515300908", dt.date(1990, 5, 15), "male"),
]


@pytest.mark.parametrize(("number", "born", "sex"), KNOWN_GOOD)
def test_known_good_iins_are_valid(number: str, born: dt.date, sex: str) -> None:
    assert iin.validate(number) == number
    assert iin.birth_date_of(number) == born
    assert iin.sex_of(number) == sex


@pytest.mark.parametrize(("number", "born", "sex", "serial"), [
    ("900515300018", dt.date(1990, 5, 15), "male", 1),
    ("050314600015", dt.date(2005, 3, 14), "female", 1),
    ("900515300908", dt.date(1990, 5, 15), "male", 90),
])
def test_make_builds_the_hand_computed_iin(number: str, born: dt.date, sex: str,
                                           serial: int) -> None:
    assert iin.make(born, sex, serial) == number


def test_make_gives_none_when_no_check_digit_exists() -> None:
    assert iin.check_digit("90051530091") is None
    assert iin.make(dt.date(1990, 5, 15), "male", 91) is None


@pytest.mark.parametrize(("number", "reason"), [
    ("", "12 digits"),
    ("90051530001", "12 digits"),  # 11 digits
    ("9005153000188", "12 digits"),  # 13 digits
    ("90051530001A", "12 digits"),  # a letter
    (" 900515300018", "12 digits"),
    ("901315300018", "birth date"),  # month 13
    ("900532300018", "birth date"),  # 32 May
    ("010229500018", "birth date"),  # 29 February 2001
    ("900515000018", "7th digit"),  # century/sex digit 0
    ("900515700018", "7th digit"),
    ("900515800018", "7th digit"),
    ("900515900018", "7th digit"),
    ("900515300019", "check digit"),  # the right one is 8 (see above)
    ("050314600014", "check digit"),  # the right one is 5
    ("900515300911", "check digit"),  # a serial that has no check digit at all
])
def test_invalid_iins_are_rejected_with_the_reason(number: str, reason: str) -> None:
    with pytest.raises(InvalidIIN, match=reason):
        iin.validate(number)


@given(
    born=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2029, 12, 31)),
    sex=st.sampled_from(["male", "female"]),
    serial=st.integers(min_value=0, max_value=9999),
)
def test_make_round_trips(born: dt.date, sex: str, serial: int) -> None:
    made = iin.make(born, sex, serial)
    if made is None:  # allowed only when these 11 digits have no check digit
        century_sex = (3 if born.year < 2000 else 5) + (sex == "female")
        assert iin.check_digit(f"{born:%y%m%d}{century_sex}{serial:04d}") is None
        return
    assert len(made) == 12 and made.isdigit()
    assert iin.validate(made) == made
    assert iin.birth_date_of(made) == born
    assert iin.sex_of(made) == sex
    assert made[7:11] == f"{serial:04d}"


@pytest.mark.parametrize("text", ["90051530001²", "٩٠٠٥١٥٣٠٠٠١٨"])
def test_non_ascii_digits_are_not_an_iin(text):
    with pytest.raises(iin.InvalidIIN):
        iin.validate(text)
