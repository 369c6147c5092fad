"""The ledger itself: a posting moves the balance by exactly its amount and records who and
why; a key posts once; `verify` names every balance that differs from its entries' sum."""

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from models import AccessLevel, Balance, LedgerEntry, LedgerKind, Number
from resolvers.money.ledger import Discrepancy, Posting, lock_balance, post, verify
from tests.support import family

NOW = datetime(2026, 12, 15, 12, 0, tzinfo=UTC)


async def owned_number(balance=10000):
    owner = await family.subscriber("Owner")
    return owner, await family.number(await family.account(owner), user=owner, balance=balance)


async def bare_number(owner) -> Number:
    """A number with neither a balance row nor an entry (as a fresh import leaves it)."""
    return await Number.create(
        msisdn=family.next_phone(),
        account=await family.account(owner),
        tariff=await family.tariff(),
        activated_at=NOW,
    )


async def test_first_posting_on_a_number_without_a_balance_row_opens_it():
    owner, _ = await owned_number()
    number = await bare_number(owner)
    async with in_transaction():
        entry, new = await post(Posting(number.id, LedgerKind.TOPUP, 2500, "KZT", "first"), NOW)
    assert new is True
    assert (entry.amount, entry.balance_after, entry.currency) == (2500, 2500, "KZT")
    balance = await Balance.get(number_id=number.id)
    assert (balance.amount, balance.currency) == (2500, "KZT")
    async with in_transaction():
        second, _ = await post(Posting(number.id, LedgerKind.FEE, -700, "KZT", "second"), NOW)
    assert second.balance_after == 1800
    assert (await Balance.get(number_id=number.id)).amount == 1800
    assert (await verify())[1] == []


async def test_posting_records_who_moved_the_money_and_why():
    owner, number = await owned_number()
    app = await family.partner_app(["topup"])
    grant = await family.grant(number, app, AccessLevel.TOPUP, by=owner)
    posting = Posting(
        number_id=number.id,
        kind=LedgerKind.TOPUP,
        amount=500,
        currency="RUB",
        idempotency_key="attributed",
        reason="x" * 250,
        actor_subscriber_id=owner.id,
        actor_partner_id=app.id,
        grant_id=grant.id,
    )
    async with in_transaction():
        await post(posting, NOW)
    stored = await LedgerEntry.get(idempotency_key="attributed")
    assert (stored.kind, stored.amount, stored.balance_after) == (LedgerKind.TOPUP, 500, 10500)
    assert (stored.actor_subscriber_id, stored.actor_partner_id, stored.grant_id) == (
        owner.id,
        app.id,
        grant.id,
    )
    assert stored.reason == "x" * 200
    assert stored.created_at == NOW
    balance = await Balance.get(number_id=number.id)
    assert (balance.amount, balance.updated_at) == (10500, NOW)


async def test_a_key_posts_once_and_its_replay_returns_the_first_entry():
    _, number = await owned_number()
    async with in_transaction():
        first, new = await post(Posting(number.id, LedgerKind.TOPUP, 500, "RUB", "once"), NOW)
    async with in_transaction():
        again, again_new = await post(Posting(number.id, LedgerKind.TOPUP, 900, "RUB", "once"), NOW)
    assert (new, again_new) == (True, False)
    assert (again.id, again.amount) == (first.id, 500)
    assert (await Balance.get(number_id=number.id)).amount == 10500


async def test_lock_balance_touches_only_that_numbers_row():
    _, number = await owned_number()
    _, other = await owned_number()
    async with in_transaction():
        await lock_balance(number.id, NOW)
    assert (await Balance.get(number_id=number.id)).updated_at == NOW
    assert (await Balance.get(number_id=other.id)).updated_at != NOW


async def test_verify_names_the_balance_moved_by_hand_and_both_sums():
    owner, untouched = await owned_number(balance=10000)
    _, moved = await owned_number(balance=5000)
    await bare_number(owner)  # no balance, no entries: 0 == 0
    await Balance.filter(number_id=moved.id).update(amount=7345)
    checked, wrong = await verify()
    assert checked == 3
    assert wrong == [Discrepancy(msisdn=moved.msisdn, balance=7345, ledger_sum=5000)]
    assert untouched.msisdn not in {item.msisdn for item in wrong}


async def test_verify_names_entries_without_a_balance_row():
    owner, _ = await owned_number()
    number = await bare_number(owner)
    await LedgerEntry.create(
        number=number,
        kind=LedgerKind.ADJUSTMENT,
        amount=-300,
        balance_after=-300,
        idempotency_key="orphan",
        created_at=NOW,
    )
    checked, wrong = await verify()
    assert (checked, wrong) == (2, [Discrepancy(number.msisdn, 0, -300)])
