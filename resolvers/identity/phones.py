"""Phone numbers in, E.164 out."""

from __future__ import annotations

import re

from resolvers.errors import BadUserInput

_SEPARATORS = re.compile(r"[\s()\-.]")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")


def normalise_phone(raw: str) -> str:
    """`+7 (999) 000-00-01`, `89990000001` and `79990000001` all become `+79990000001`."""
    digits = _SEPARATORS.sub("", raw.strip())
    if digits.startswith("8") and len(digits) == 11 and digits.isdigit():
        digits = "+7" + digits[1:]  # the Russian trunk prefix
    elif digits.isdigit():
        digits = "+" + digits
    if not _E164.match(digits):
        raise BadUserInput(
            "Give the phone number in international form, e.g. +79161234567.", field="phone"
        )
    return digits
