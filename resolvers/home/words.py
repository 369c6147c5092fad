"""How messages name a line: a phone number by its msisdn, a home contract by its contract
number. A contract has no phone of its own: what is told about it goes to its holder (the
account's owner) and its user, on their own phones and e-mail, as for a number."""

from __future__ import annotations

from typing import NamedTuple


class LineWords(NamedTuple):
    noun: str  # in English refusals and notices: "number" or "contract"
    label: str  # heads an English notice: "+79990000001" or "Contract 7700000001"
    genitive: str  # «номера +7…» or «договора 77…»
    accusative: str  # «номер +7…» or «договор 77…»
    is_home: bool


def line_words(msisdn: str | None, contract_number: str | None) -> LineWords:
    if contract_number is not None:
        return LineWords(
            "contract",
            f"Contract {contract_number}",
            f"договора {contract_number}",
            f"договор {contract_number}",
            is_home=True,
        )
    return LineWords("number", str(msisdn), f"номера {msisdn}", f"номер {msisdn}", is_home=False)


def noun_of(kind: str) -> str:
    """ "contract" for a line of kind HOME, "number" otherwise."""
    return "contract" if kind == "HOME" else "number"
