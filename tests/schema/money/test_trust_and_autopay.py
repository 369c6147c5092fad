from datetime import timedelta

import pytest

from models import (
    AutopayRun,
    Balance,
    LedgerEntry,
    LedgerKind,
    Notification,
    NotificationPreference,
    NotificationTopic,
    Payment,
    TrustPayment,
)
from resolvers.money.autopay import run_due
from resolvers.money.ledger import verify
from tests.support import family
from tests.support.outbox import sent_messages

TRUST = """
query($m: String!) { number(msisdn: $m) { trustPayment {
  offer { amount { amount } fee { amount } dueInDays } unavailableReason unavailableCode
  current { status outstanding { amount } } } } }
"""
TAKE = """
mutation($m: String!, $a: Decimal!) { takeTrustPayment(msisdn: $m, amount: $a) {
  status amount { amount } fee { amount } outstanding { amount } } }
"""
TOP_UP = """
mutation($m: String!, $a: Decimal!, $k: String!) { topUp(input: {msisdn: $m, amount: $a,
  idempotencyKey: $k, cardToken: "tok_visa"}) { payment { status } } }
"""
ADD_CARD = 'mutation { addPaymentCard(token: "tok_visa") { id } }'
ADD_DECLINED = 'mutation { addPaymentCard(token: "tok_declined") { id } }'
SET_AUTOPAY = """
mutation($input: AutopayInput!) { setAutopay(input: $input) { kind amount { amount } armed } }
"""


async def low_balance_number(balance: int = 2000, spend: int = 60000):
    owner = await family.subscriber()
    number = await family.number(await family.account(owner), user=owner, balance=balance)
    # Three months of spending: 600 RUB a month on average.
    await LedgerEntry.create(
        number=number,
        kind=LedgerKind.CHARGE,
        amount=-3 * spend,
        balance_after=balance - 3 * spend,
        idempotency_key=f"spend:{number.id}",
    )
    await Balance.filter(number_id=number.id).update(amount=balance - 3 * spend + 3 * spend)
    await LedgerEntry.create(
        number=number,
        kind=LedgerKind.ADJUSTMENT,
        amount=3 * spend,
        balance_after=balance,
        idempotency_key=f"refill:{number.id}",
    )
    return owner, number


async def test_trust_payment_offered_taken_and_repaid_by_the_next_top_up(gql, viewers):
    owner, number = await low_balance_number()
    token = await viewers.token_for(owner)
    state = (await gql(TRUST, {"m": number.msisdn}, token=token)).ok()["number"]["trustPayment"]
    assert state["offer"] == {
        "amount": {"amount": "600.00"},
        "fee": {"amount": "30.00"},
        "dueInDays": 3,
    }
    assert state["unavailableReason"] is None and state["unavailableCode"] is None
    taken = (await gql(TAKE, {"m": number.msisdn, "a": "500.00"}, token=token)).ok()
    assert taken["takeTrustPayment"] == {
        "status": "ACTIVE",
        "amount": {"amount": "500.00"},
        "fee": {"amount": "25.00"},
        "outstanding": {"amount": "500.00"},
    }
    assert (await Balance.get(number_id=number.id)).amount == 2000 + 50000 - 2500
    again = await gql(TAKE, {"m": number.msisdn, "a": "100.00"}, token=token)
    assert again.error_codes == ["CONFLICT"]

    await gql(TOP_UP, {"m": number.msisdn, "a": "300.00", "k": "t1"}, token=token)
    partly = await TrustPayment.get(number_id=number.id)
    assert (partly.status, partly.outstanding) == ("ACTIVE", 20000)
    await gql(TOP_UP, {"m": number.msisdn, "a": "300.00", "k": "t2"}, token=token)
    repaid = await TrustPayment.get(number_id=number.id)
    assert (repaid.status, repaid.outstanding) == ("REPAID", 0)
    # 20 + 500 - 25 (fee, once) + 300 - 300 + 300 - 200
    assert (await Balance.get(number_id=number.id)).amount == 59500
    assert (await verify())[1] == []


async def test_a_trust_payments_fee_tells_charges_to_whom_chose_them(
    gql, viewers, services, settings
):
    owner, number = await low_balance_number()
    await NotificationPreference.create(
        subscriber=owner, topic=NotificationTopic.CHARGES, sms=True, email=False
    )
    token = await viewers.token_for(owner)
    (await gql(TAKE, {"m": number.msisdn, "a": "500.00"}, token=token)).ok()
    [notice] = await Notification.filter(subscriber_id=owner.id).values("topic", "text")
    assert notice["topic"] == NotificationTopic.CHARGES
    assert "25.00" in notice["text"] and "Trust payment fee" in notice["text"]
    sms = await sent_messages(services, settings.sms_outbox_path)
    assert [m["to"] for m in sms] == [owner.phone]


async def test_trust_payment_more_than_offered_is_bad_input(gql, viewers):
    owner, number = await low_balance_number()
    result = await gql(
        TAKE, {"m": number.msisdn, "a": "600.01"}, token=await viewers.token_for(owner)
    )
    assert result.error_codes == ["BAD_USER_INPUT"]


async def test_no_trust_offer_with_a_healthy_balance_or_a_young_number(gql, viewers, services):
    owner, number = await low_balance_number(balance=50000)
    token = await viewers.token_for(owner)
    state = (await gql(TRUST, {"m": number.msisdn}, token=token)).ok()["number"]["trustPayment"]
    assert state["offer"] is None and "balance" in state["unavailableReason"]
    assert state["unavailableCode"] == "BALANCE_NOT_LOW"
    number.activated_at = services.clock() - timedelta(days=10)
    await number.save()
    state = (await gql(TRUST, {"m": number.msisdn}, token=token)).ok()["number"]["trustPayment"]
    assert "60 days" in state["unavailableReason"]
    assert state["unavailableCode"] == "TOO_NEW"


async def test_an_open_trust_payment_is_why_no_other_is_offered(gql, viewers):
    owner, number = await low_balance_number()
    token = await viewers.token_for(owner)
    (await gql(TAKE, {"m": number.msisdn, "a": "500.00"}, token=token)).ok()
    state = (await gql(TRUST, {"m": number.msisdn}, token=token)).ok()["number"]["trustPayment"]
    assert state["offer"] is None
    assert state["unavailableCode"] == "ALREADY_OPEN"
    assert state["unavailableReason"] == "A trust payment is already open."


async def test_overdue_trust_payment_is_shown_as_overdue(gql, viewers, services):
    owner, number = await low_balance_number()
    token = await viewers.token_for(owner)
    await gql(TAKE, {"m": number.msisdn, "a": "100.00"}, token=token)
    await TrustPayment.filter(number_id=number.id).update(
        due_at=services.clock() - timedelta(minutes=1)
    )
    state = (await gql(TRUST, {"m": number.msisdn}, token=token)).ok()["number"]["trustPayment"]
    assert state["current"]["status"] == "OVERDUE"


async def autopay_for(gql, viewers, number, owner, **rule):
    token = await viewers.token_for(owner)
    card = (await gql(rule.pop("card_query", ADD_CARD), token=token)).ok()["addPaymentCard"]
    variables = {"input": {"msisdn": number.msisdn, "paymentMethodId": card["id"], **rule}}
    return (await gql(SET_AUTOPAY, variables, token=token)).ok()["setAutopay"]


async def test_threshold_autopay_fires_once_and_rearms_after_recovery(gql, viewers, services):
    owner = await family.subscriber()
    number = await family.number(await family.account(owner), user=owner, balance=5000)
    await autopay_for(
        gql, viewers, number, owner, kind="THRESHOLD", amount="200.00", threshold="100.00"
    )
    runs = await run_due(services, services.clock())
    assert [r.outcome for r in runs] == ["SUCCEEDED"]
    assert (await Balance.get(number_id=number.id)).amount == 25000
    assert await run_due(services, services.clock()) == []  # back above X: re-armed, no pay
    await Balance.filter(number_id=number.id).update(amount=1000)  # spent again
    await LedgerEntry.create(
        number=number,
        kind=LedgerKind.CHARGE,
        amount=-24000,
        balance_after=1000,
        idempotency_key="spent",
    )
    assert [r.outcome for r in await run_due(services, services.clock())] == ["SUCCEEDED"]
    assert await run_due(services, services.clock()) == []
    assert (await verify())[1] == []


async def test_threshold_autopay_without_recovery_fires_only_once(gql, viewers, services):
    owner = await family.subscriber()
    number = await family.number(await family.account(owner), user=owner, balance=0)
    await autopay_for(
        gql, viewers, number, owner, kind="THRESHOLD", amount="50.00", threshold="100.00"
    )
    assert len(await run_due(services, services.clock())) == 1
    assert await run_due(services, services.clock()) == []  # still below X, not re-armed
    assert await Payment.all().count() == 1


async def test_monthly_autopay_pays_on_day_d_once_a_month_within_the_cap(gql, viewers, services):
    owner = await family.subscriber()
    number = await family.number(await family.account(owner), user=owner, balance=0)
    now = services.clock()
    day = now.day + 1 if now.day < 28 else 1  # tomorrow's day of month, or the 1st
    await autopay_for(
        gql,
        viewers,
        number,
        owner,
        kind="MONTHLY",
        amount="300.00",
        dayOfMonth=day,
        monthlyCap="300.00",
    )
    first_day = _next_day_d(now, day)
    assert await run_due(services, first_day - timedelta(days=1)) == []  # not yet
    assert [r.outcome for r in await run_due(services, first_day)] == ["SUCCEEDED"]
    assert await run_due(services, first_day + timedelta(hours=1)) == []  # once a month
    assert (await Balance.get(number_id=number.id)).amount == 30000


async def test_replacing_a_monthly_rule_does_not_pay_twice_that_month(gql, viewers, services):
    owner = await family.subscriber()
    number = await family.number(await family.account(owner), user=owner, balance=0)
    now = services.clock()
    day = now.day + 1 if now.day < 28 else 1
    first_day = _next_day_d(now, day)
    await autopay_for(gql, viewers, number, owner, kind="MONTHLY", amount="100.00", dayOfMonth=day)
    assert len(await run_due(services, first_day)) == 1
    services.clock = lambda: first_day + timedelta(hours=2)
    await autopay_for(gql, viewers, number, owner, kind="MONTHLY", amount="200.00", dayOfMonth=day)
    assert await run_due(services, first_day + timedelta(hours=3)) == []
    assert await Payment.all().count() == 1


def _next_day_d(now, day):
    """The next instant on day `day` of a month, after now."""
    candidate = now.replace(day=day, hour=12, minute=0, second=0, microsecond=0)
    if candidate <= now:
        month = now.month % 12 + 1
        candidate = candidate.replace(year=now.year + (now.month == 12), month=month)
    return candidate


async def _declined_autopay(gql, viewers):
    """An owner with a rule on a number at a zero balance, its card declining: due now."""
    owner = await family.subscriber()
    number = await family.number(await family.account(owner), user=owner, balance=0)
    await autopay_for(
        gql,
        viewers,
        number,
        owner,
        kind="THRESHOLD",
        amount="50.00",
        threshold="100.00",
        card_query=ADD_DECLINED,
    )
    return owner


async def test_failed_autopay_is_recorded_and_the_owner_told(gql, viewers, services, settings):
    owner = await _declined_autopay(gql, viewers)
    runs = await run_due(services, services.clock())
    assert [(r.outcome, r.detail) for r in runs] == [("FAILED", "card_declined")]
    assert await AutopayRun.filter(outcome="FAILED").count() == 1
    # Told through the outbox, written with the run (topic TOPUPS: SMS by default).
    [notice] = await Notification.filter(subscriber_id=owner.id).values("topic", "text")
    assert notice["topic"] == NotificationTopic.TOPUPS and "card_declined" in notice["text"]
    assert notice["text"].startswith("Автоплатёж 50,00 ₽ на номер")  # money as people write it
    sms = await sent_messages(services, settings.sms_outbox_path)
    assert [m["to"] for m in sms if "card_declined" in m["text"]] == [owner.phone]


async def test_an_owner_who_chose_no_top_up_sms_is_not_texted_of_a_failed_autopay(
    gql, viewers, services, settings
):
    owner = await _declined_autopay(gql, viewers)
    await NotificationPreference.create(
        subscriber=owner, topic=NotificationTopic.TOPUPS, sms=False, email=False
    )
    assert [r.outcome for r in await run_due(services, services.clock())] == ["FAILED"]
    sms = await sent_messages(services, settings.sms_outbox_path)
    assert not [m for m in sms if "card_declined" in m["text"]]


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"kind": "THRESHOLD", "amount": "50.00"}, "threshold"),
        ({"kind": "MONTHLY", "amount": "50.00", "dayOfMonth": 31}, "dayOfMonth"),
        ({"kind": "MONTHLY", "amount": "5.00", "dayOfMonth": 1}, "amount"),
    ],
)
async def test_bad_autopay_rules_are_refused(gql, viewers, rule, field):
    owner = await family.subscriber()
    number = await family.number(await family.account(owner), user=owner)
    token = await viewers.token_for(owner)
    card = (await gql(ADD_CARD, token=token)).ok()["addPaymentCard"]
    result = await gql(
        SET_AUTOPAY,
        {"input": {"msisdn": number.msisdn, "paymentMethodId": card["id"], **rule}},
        token=token,
    )
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == field


async def test_autopay_as_topup_delegate_is_forbidden(gql, viewers):
    from models import AccessLevel

    owner = await family.subscriber()
    number = await family.number(await family.account(owner), user=owner)
    relative = await family.subscriber()
    await family.grant(number, relative, AccessLevel.TOPUP, by=owner)
    token = await viewers.token_for(relative)
    card = (await gql(ADD_CARD, token=token)).ok()["addPaymentCard"]
    result = await gql(
        SET_AUTOPAY,
        {
            "input": {
                "msisdn": number.msisdn,
                "kind": "MONTHLY",
                "amount": "100.00",
                "dayOfMonth": 1,
                "paymentMethodId": card["id"],
            }
        },
        token=token,
    )
    assert result.error_codes == ["FORBIDDEN"]
