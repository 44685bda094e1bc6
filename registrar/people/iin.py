"""Kazakhstan's individual identification number (IIN, ЖСН/ИИН): 12 digits.

Digits 1-6 are the birth date YYMMDD, digit 7 gives the century and sex
(1/2: 1800s male/female, 3/4: 1900s, 5/6: 2000s), 8-11 a serial and 12 a check
digit: the sum of the first 11 digits weighted 1..11, modulo 11; if that is 10,
weights 3..11,1,2 are used instead; if it is 10 again the number is never issued.
Pure functions, no database. Reasons are marked for translation and translated where shown.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_noop as N_

_WEIGHTS_FIRST = tuple(range(1, 12))
_WEIGHTS_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


class InvalidIIN(ValueError):
    pass


def check_digit(first_eleven: str) -> int | None:
    """The 12th digit for 11 leading digits, or None when no valid IIN can have them."""
    digits = [int(c) for c in first_eleven]
    total = sum(d * w for d, w in zip(digits, _WEIGHTS_FIRST, strict=True)) % 11
    if total == 10:
        total = sum(d * w for d, w in zip(digits, _WEIGHTS_SECOND, strict=True)) % 11
        if total == 10:
            return None
    return total


def birth_date_of(iin: str) -> dt.date:
    century = _CENTURY.get(int(iin[6]))
    if century is None:
        raise InvalidIIN(N_("the 7th digit must be 1-6 (century and sex)"))
    try:
        return dt.date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError as exc:
        raise InvalidIIN(N_("the first six digits are not a valid birth date (YYMMDD)")) from exc


def sex_of(iin: str) -> str:
    """'male' for an odd 7th digit, 'female' for an even one."""
    return "male" if int(iin[6]) % 2 else "female"


def validate(iin: str) -> str:
    """Return the IIN if valid; raise InvalidIIN with the reason otherwise."""
    if len(iin) != 12 or not (iin.isascii() and iin.isdigit()):
        raise InvalidIIN(N_("an IIN is exactly 12 digits"))
    birth_date_of(iin)
    expected = check_digit(iin[:11])
    if expected is None or expected != int(iin[11]):
        raise InvalidIIN(N_("the check digit does not match"))
    return iin


def make(birth_date: dt.date, sex: str, serial: int) -> str | None:
    """Build a valid IIN (for demo data and tests); None if this serial gives no check digit."""
    century_digit = {1800: 1, 1900: 3, 2000: 5}[birth_date.year // 100 * 100]
    if sex == "female":
        century_digit += 1
    first = f"{birth_date:%y%m%d}{century_digit}{serial % 10000:04d}"
    digit = check_digit(first)
    return None if digit is None else f"{first}{digit}"
