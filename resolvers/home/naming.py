"""How a mutation names a line: by `msisdn` (a phone number) or by `contractNumber` (a home
contract), exactly one of the two."""

from __future__ import annotations

import re
from typing import NamedTuple

from resolvers.errors import BadUserInput
from resolvers.identity.phones import normalise_phone
from resolvers.reach import NumberRow, Reach

_SEPARATORS = re.compile(r"[\s\-]")
# At most 16: a contract number keys its link codes as a phone number does.
_CONTRACT_NUMBER = re.compile(r"^\d{4,16}$")
ONE_OF = "Give exactly one of msisdn and contractNumber."


class LineName(NamedTuple):
    msisdn: str | None
    contract_number: str | None


def normalise_contract_number(raw: str) -> str:
    """`12 3456-789` becomes `123456789`: digits only, as printed on the contract."""
    digits = _SEPARATORS.sub("", raw.strip())
    if not _CONTRACT_NUMBER.match(digits):
        raise BadUserInput(
            "Give the contract number as printed on the contract: 4 to 16 digits.",
            field="contractNumber",
        )
    return digits


def line_name(msisdn: str | None, contract_number: str | None) -> LineName:
    """The name checked and normalised; BAD_USER_INPUT unless exactly one is given."""
    if (msisdn is None) == (contract_number is None):
        field = "msisdn" if msisdn is None else "contractNumber"
        raise BadUserInput(ONE_OF, field=field)
    if msisdn is not None:
        return LineName(normalise_phone(msisdn), None)
    assert contract_number is not None
    return LineName(None, normalise_contract_number(contract_number))


def find_line(reach: Reach, name: LineName) -> NumberRow | None:
    """The line so named in the viewer's reach; None when it does not exist or is out of
    reach (the two look the same to the caller)."""
    if name.contract_number is not None:
        return reach.by_contract_number.get(name.contract_number)
    return reach.by_msisdn.get(name.msisdn or "")


def mobile_only(row: NumberRow, what: str) -> None:
    """Refuses an operation that has no meaning for a home contract."""
    if row.home is not None:
        raise BadUserInput(
            f"{what} is for phone numbers, not home contracts.", field="contractNumber"
        )


def to_line(msisdn: str | None, contract_number: str | None) -> str:
    """The line in the dative, for messages: «номеру +7…» or «договору 123…»."""
    return f"договору {contract_number}" if contract_number is not None else f"номеру {msisdn}"
