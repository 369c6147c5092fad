"""Rated usage of a home contract from the network (POST /internal/usage): internet
sessions and TV package charges named by the contract number land with their charges; a
kind a contract does not use, or a TV charge on a phone, is rejected by index."""

from __future__ import annotations

from models import Balance, HomeContract, LedgerEntry, UsageRecord
from resolvers.money.ledger import verify
from tests.schema.money.test_charges_and_fees import internal_http, post_usage, record
from tests.support import family

__all__ = ["internal_http"]  # the fixture, used by name


def by_contract(rid: str, contract_number: str, **extra: str) -> dict:
    sent = record(rid, "", **extra)
    del sent["msisdn"]
    return {**sent, "contract_number": contract_number}


async def _contract_and_phone():
    owner = await family.subscriber()
    account = await family.account(owner)
    contract = await family.home_contract(account, balance=100000)
    phone = await family.number(account)
    return contract, (await HomeContract.get(line_id=contract.id)).contract_number, phone


async def test_sessions_and_tv_charges_of_a_contract_land_with_their_charges(internal_http):
    contract, contract_number, _ = await _contract_and_phone()
    batch = [
        by_contract("h1", contract_number, type="data", bytes="734003200", cost="0"),
        by_contract("h2", contract_number, type="tv", duration="", counterpart="Кино", cost="299"),
    ]
    first = await post_usage(internal_http, batch)
    assert first.json() == {"accepted": 2, "duplicates": 0, "rejected": []}
    again = await post_usage(internal_http, batch)
    assert again.json() == {"accepted": 0, "duplicates": 2, "rejected": []}
    kinds = (
        await UsageRecord.filter(number_id=contract.id)
        .order_by("id")
        .values_list("kind", "counterpart", "cost")
    )
    assert [(str(k), c, cost) for k, c, cost in kinds] == [
        ("DATA", "+79161234567", 0),
        ("TV", "Кино", 29900),
    ]
    assert (await Balance.get(number_id=contract.id)).amount == 100000 - 29900
    assert await LedgerEntry.filter(number_id=contract.id, kind="CHARGE").count() == 1
    assert (await verify())[1] == []


async def test_kinds_a_line_does_not_use_and_unknown_names_are_rejected_by_index(internal_http):
    _, contract_number, phone = await _contract_and_phone()
    batch = [
        by_contract("ok", contract_number, type="data", bytes="1", cost="0"),
        by_contract("x1", contract_number),  # a call
        record("x2", phone.msisdn, type="tv", counterpart="Кино"),
        by_contract("x3", "99999999"),
        {**record("x4", phone.msisdn), "contract_number": contract_number},
        by_contract("x5", ""),
    ]
    body = (await post_usage(internal_http, batch)).json()
    assert body["accepted"] == 1
    assert {r["index"]: r["reason"] for r in body["rejected"]} == {
        1: "type CALL is not used on a home contract",
        2: "type TV is not used on a phone number",
        3: "unknown contract_number 99999999",
        4: "give msisdn or contract_number, not both",
        5: "msisdn (or contract_number for a home contract) is required",
    }
    assert await UsageRecord.filter(number_id=phone.id).count() == 0
