"""Operations on a number (tariff change, services...), each one recorded in `operations`."""
