"""How messages name a line: a phone number by its msisdn, a home contract by its contract
number. A contract has no phone of its own: what is told about it goes to its holder (the
account's owner) and its user, on their own phones and e-mail, as for a number."""

from __future__ import annotations

from typing import NamedTuple


class LineWords(NamedTuple):
    noun: str  # in English refusals and notices: "number" or "contract"
    label: str  # heads an English notice: "+79990000001" or "Contract 7700000001"
    accusative: str  # «(на) номер +7…» or «(на) договор 77…»


def line_words(msisdn: str | None, contract_number: str | None) -> LineWords:
    if contract_number is not None:
        return LineWords("contract", f"Contract {contract_number}", f"договор {contract_number}")
    return LineWords("number", str(msisdn), f"номер {msisdn}")


def noun_of(kind: str) -> str:
    """ "contract" for a line of kind HOME, "number" otherwise."""
    return "contract" if kind == "HOME" else "number"
