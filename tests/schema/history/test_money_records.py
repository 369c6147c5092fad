"""Top-ups, trust payments and autopay runs write their records in their own transaction:
a failure injected right after the write leaves neither the effect nor a COMPLETED record."""

import pytest

from models import (
    AccessGrant,
    Balance,
    LedgerEntry,
    Operation,
    OperationStatus,
    Payment,
    PaymentStatus,
    TrustPayment,
)
from resolvers.access import common as access_common
from resolvers.money import payments, trust
from resolvers.money.autopay import run_due
from resolvers.money.ledger import verify
from tests.schema.money.test_trust_and_autopay import TAKE, autopay_for, low_balance_number
from tests.support import family
from tests.support.queries import count_queries

TOP_UP = """
mutation($m: String!, $t: String!) { topUp(input: {msisdn: $m, amount: "150.00",
  idempotencyKey: "k-1", cardToken: $t}) { payment { status } } }
"""
HISTORY = """
query($m: String!) { number(msisdn: $m) { requests {
  edges { node { kind status actorRole summary failureReason amount { amount } } } } } }
"""
GRANT = """
mutation($m: String!, $p: String!) { grantAccess(input: {msisdn: $m, level: FULL,
  granteePhone: $p}) { id } }
"""


class Injected(Exception):
    pass


def fail_after(real):
    """`real`, then a failure: its write happened inside the transaction, and must go."""

    async def write_then_fail(*args, **kwargs):
        await real(*args, **kwargs)
        raise Injected

    return write_then_fail


@pytest.fixture
async def owned(viewers):
    owner = await family.subscriber("Owner")
    number = await family.number(await family.account(owner), user=owner, balance=5000)
    return number, await viewers.token_for(owner)


async def history(gql, number, token):
    data = (await gql(HISTORY, {"m": number.msisdn}, token=token)).ok()
    return [edge["node"] for edge in data["number"]["requests"]["edges"]]


async def test_top_up_as_owner_is_recorded_completed_with_its_amount(gql, owned):
    number, token = owned
    (await gql(TOP_UP, {"m": number.msisdn, "t": "tok_visa"}, token=token)).ok()
    assert await history(gql, number, token) == [
        {
            "kind": "TOPUP",
            "status": "COMPLETED",
            "actorRole": "OWNER",
            "summary": "Пополнение 150,00 ₽",
            "failureReason": None,
            "amount": {"amount": "150.00"},
        }
    ]
    entry = await LedgerEntry.get(number_id=number.id, kind="TOPUP")
    record = await Operation.get(number_id=number.id)
    assert record.ledger_entry_id == entry.id
    # Finished when the payment was settled, by the same clock.
    assert record.finished_at == (await Payment.get(number_id=number.id)).updated_at


async def test_a_top_up_is_credited_without_looking_its_ledger_key_up_again(gql, owned):
    # Winning PENDING -> SUCCEEDED already proves the key unused: one statement less.
    number, token = owned
    with count_queries() as log:
        (await gql(TOP_UP, {"m": number.msisdn, "t": "tok_visa"}, token=token)).ok()
    ledger_reads = [
        s for s in log.statements if s.lstrip().upper().startswith("SELECT") and "ledger_entr" in s
    ]
    assert ledger_reads == []
    assert await LedgerEntry.filter(number_id=number.id, kind="TOPUP").count() == 1


async def test_declined_top_up_as_owner_is_recorded_failed_with_the_reason(gql, owned):
    number, token = owned
    (await gql(TOP_UP, {"m": number.msisdn, "t": "tok_declined"}, token=token)).ok()
    [found] = await history(gql, number, token)
    assert (found["status"], found["failureReason"]) == ("FAILED", "card_declined")
    record = await Operation.get(number_id=number.id)
    assert record.finished_at == (await Payment.get(number_id=number.id)).updated_at


async def test_top_up_failing_after_its_credit_leaves_no_credit_and_no_completed_record(
    gql, owned, monkeypatch
):
    number, token = owned
    monkeypatch.setattr(
        payments, "finish_payment_record", fail_after(payments.finish_payment_record)
    )
    result = await gql(TOP_UP, {"m": number.msisdn, "t": "tok_visa"}, token=token)
    assert result.errors
    assert (await Balance.get(number_id=number.id)).amount == 5000
    assert not await LedgerEntry.exists(number_id=number.id, kind="TOPUP")
    assert (await Payment.get(number_id=number.id)).status is PaymentStatus.PENDING
    # The record says what is true: accepted, not done; the reconciler settles both later.
    assert [op.status for op in await Operation.filter(number_id=number.id)] == [
        OperationStatus.CREATED
    ]
    assert (await verify())[1] == []


async def test_trust_payment_failing_after_its_record_leaves_nothing(gql, viewers, monkeypatch):
    owner, number = await low_balance_number()
    token = await viewers.token_for(owner)
    monkeypatch.setattr(trust, "record", fail_after(trust.record))
    result = await gql(TAKE, {"m": number.msisdn, "a": "100.00"}, token=token)
    assert result.errors
    assert not await TrustPayment.exists(number_id=number.id)
    assert not await LedgerEntry.exists(number_id=number.id, kind="TRUST_CREDIT")
    assert not await Operation.exists(number_id=number.id)


async def test_trust_payment_as_owner_is_recorded_with_amount_and_fee(gql, viewers):
    owner, number = await low_balance_number()
    token = await viewers.token_for(owner)
    (await gql(TAKE, {"m": number.msisdn, "a": "100.00"}, token=token)).ok()
    [found] = await history(gql, number, token)
    assert (found["kind"], found["actorRole"], found["summary"]) == (
        "TRUST_PAYMENT",
        "OWNER",
        "Доверительный платёж 100,00 ₽, комиссия 5,00 ₽",
    )


async def test_grant_failing_after_its_record_leaves_no_grant(gql, owned, monkeypatch):
    number, token = owned
    friend = await family.subscriber("Friend")
    monkeypatch.setattr(access_common, "record", fail_after(access_common.record))
    result = await gql(GRANT, {"m": number.msisdn, "p": friend.phone}, token=token)
    assert result.errors
    assert not await AccessGrant.exists(grantee_subscriber_id=friend.id)
    assert not await Operation.exists(number_id=number.id)


async def test_autopay_runs_are_recorded_by_the_system_for_the_rule_owner(gql, viewers, services):
    owner = await family.subscriber("Owner")
    number = await family.number(await family.account(owner), user=owner, balance=5000)
    await autopay_for(
        gql, viewers, number, owner, kind="THRESHOLD", amount="200.00", threshold="100.00"
    )
    assert [run.outcome for run in await run_due(services, services.clock())] == ["SUCCEEDED"]
    token = await viewers.token_for(owner)
    [found] = await history(gql, number, token)
    assert (found["kind"], found["status"], found["actorRole"], found["summary"]) == (
        "AUTOPAY",
        "COMPLETED",
        "SYSTEM",
        "Автоплатёж 200,00 ₽",
    )
    record = await Operation.get(number_id=number.id)
    assert record.actor_subscriber_id == owner.id and record.payment_id is not None


async def test_autopay_run_over_its_cap_is_recorded_failed(gql, viewers, services):
    owner = await family.subscriber("Owner")
    number = await family.number(await family.account(owner), user=owner, balance=0)
    await autopay_for(
        gql,
        viewers,
        number,
        owner,
        kind="THRESHOLD",
        amount="200.00",
        threshold="100.00",
        monthlyCap="200.00",
    )
    await Payment.create(
        number_id=number.id,
        amount=20000,
        currency="RUB",
        provider="sandbox",
        idempotency_key=f"s{owner.id}:autopay:earlier",
        request_hash="x",
        status=PaymentStatus.SUCCEEDED,
        payer_subscriber_id=owner.id,
        created_at=services.clock(),
        updated_at=services.clock(),
    )
    assert [run.outcome for run in await run_due(services, services.clock())] == ["CAP_REACHED"]
    [found] = await history(gql, number, await viewers.token_for(owner))
    assert (found["kind"], found["status"]) == ("AUTOPAY", "FAILED")
    assert "cap" in found["failureReason"]
