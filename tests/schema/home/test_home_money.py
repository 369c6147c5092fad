"""Money on a home contract, named by its contract number: top-ups (idempotent, a TOPUP
delegate within its grant's cap, a payment agent), a trust payment with the rules of a
number's, autopay; each one in the request history, its notices to the contract's holder
and user (a contract has no phone of its own)."""

import pytest

from models import (
    AccessGrant,
    AutopayRun,
    Balance,
    LedgerEntry,
    LedgerKind,
    Notification,
    NotificationPreference,
    NotificationTopic,
    Operation,
    Payment,
)
from resolvers.money import ledger
from resolvers.money.autopay import run_due
from resolvers.money.ledger import verify
from resolvers.notifications.money import balance_moved
from tests.schema.home.world import build_home_world
from tests.support import family

TOP_UP = """
mutation($input: TopUpInput!) { topUp(input: $input) {
  payment { id status amount { amount } }
  number { msisdn }
  line { accessLevel canTopUp ... on HomeContract { contractNumber } } } }
"""
TRUST = """
query { viewer { lines { ... on HomeContract { trustPayment {
  offer { amount { amount } } unavailableReason current { status } } } } } }
"""
TAKE = """
mutation($c: String!, $a: Decimal!) { takeTrustPayment(contractNumber: $c, amount: $a) {
  status amount { amount } fee { amount } } }
"""
ADD_CARD = "mutation($t: String!) { addPaymentCard(token: $t) { id } }"
SET_AUTOPAY = """
mutation($input: AutopayInput!) { setAutopay(input: $input) { kind amount { amount } } }
"""
REMOVE_AUTOPAY = "mutation($c: String!) { removeAutopay(contractNumber: $c) }"
HISTORY = """
query { viewer { lines { ... on HomeContract { requests { edges { node {
  kind actorRole summary } } } } } } }
"""


@pytest.fixture
async def world(viewers):
    return await build_home_world(viewers, balance=5000)


def top_up(world, amount="150.00", key="home-1"):
    return {
        "input": {
            "contractNumber": world.contract_number,
            "amount": amount,
            "idempotencyKey": key,
            "cardToken": "tok_visa",
        }
    }


async def balance(world) -> int:
    return (await Balance.get(number_id=world.contract.id)).amount


async def history(gql, world) -> list[dict]:
    lines = (await gql(HISTORY, token=world.tokens["owner"])).ok()["viewer"]["lines"]
    [contract] = [line for line in lines if line]
    return [edge["node"] for edge in contract["requests"]["edges"]]


async def test_owner_tops_up_a_contract_by_its_number_once_per_key(gql, world):
    token = world.tokens["owner"]
    first = (await gql(TOP_UP, top_up(world), token=token)).ok()["topUp"]
    again = (await gql(TOP_UP, top_up(world), token=token)).ok()["topUp"]
    assert first["payment"]["status"] == "SUCCEEDED"
    assert again["payment"]["id"] == first["payment"]["id"]
    assert first["number"] is None
    assert first["line"] == {
        "accessLevel": "OWNER",
        "canTopUp": True,
        "contractNumber": world.contract_number,
    }
    assert await balance(world) == 5000 + 15000
    assert await LedgerEntry.filter(number_id=world.contract.id, kind="TOPUP").count() == 1
    assert (await verify())[1] == []
    assert await history(gql, world) == [
        {"kind": "TOPUP", "actorRole": "OWNER", "summary": "Пополнение 150,00 ₽"}
    ]


async def test_a_top_up_is_told_to_the_contracts_holder_and_user_by_the_contract(gql, world):
    assert (await gql(TOP_UP, top_up(world), token=world.tokens["full_delegate"])).ok()
    told = await Notification.filter(topic=NotificationTopic.TOPUPS).values_list(
        "subscriber_id", "subject", "text"
    )
    number = world.contract_number
    assert {person for person, _, _ in told} == {world.owner.id, world.contract.user_id}
    assert {(subject, text) for _, subject, text in told} == {
        (
            f"Пополнение баланса договора {number}",
            f"Баланс договора {number} пополнен на 150.00 ₽. Баланс: 200.00 ₽.",
        )
    }


async def test_topup_delegate_tops_up_the_contract_within_the_grants_monthly_cap(gql, world):
    await Operation.all().delete()
    grant = await AccessGrant.get(number_id=world.contract.id, level="TOPUP")
    grant.topup_monthly_limit = 30000
    await grant.save()
    token = world.tokens["topup_delegate"]
    first = (await gql(TOP_UP, top_up(world, "200.00", "a"), token=token)).ok()["topUp"]
    assert first["line"]["accessLevel"] == "TOPUP"
    over = await gql(TOP_UP, top_up(world, "100.01", "b"), token=token)
    assert over.error_codes == ["BAD_USER_INPUT"]
    assert over.errors[0]["extensions"]["limit"] == "GRANT_MONTHLY"
    assert (await gql(TOP_UP, top_up(world, "100.00", "c"), token=token)).ok()
    assert [node["actorRole"] for node in await history(gql, world)] == ["DELEGATE", "DELEGATE"]


@pytest.mark.parametrize(
    ("kind", "code"),
    [("stranger", "NOT_FOUND"), ("partner_with_manage", "FORBIDDEN"), ("anonymous", None)],
)
async def test_who_may_not_top_up_the_contract(gql, world, kind, code):
    result = await gql(TOP_UP, top_up(world), token=world.tokens[kind])
    assert result.error_codes == [code or "UNAUTHENTICATED"]
    assert not await Payment.exists()


async def test_a_partner_app_with_the_topup_scope_tops_up_the_contract_it_was_granted(
    gql, world, viewers
):
    app = await AccessGrant.get(number_id=world.contract.id, grantee_partner_id__isnull=False)
    token = await viewers.partner_token(await app.grantee_partner, ["numbers:read", "topup"])
    paid = (await gql(TOP_UP, top_up(world), token=token)).ok()["topUp"]
    assert paid["line"]["accessLevel"] == "FULL"
    assert [node["actorRole"] for node in await history(gql, world)] == ["PARTNER_APP"]


async def test_a_payment_agent_pays_into_a_contract_by_its_number_and_sees_nothing(
    gql, world, viewers
):
    agent = await family.partner_app(["topup:any"], name="Касса")
    token = await viewers.partner_token(agent, ["topup:any"])
    paid = (await gql(TOP_UP, top_up(world), token=token)).ok()["topUp"]
    assert paid["payment"]["status"] == "SUCCEEDED"
    assert paid["line"] is None
    unknown = top_up(world)
    unknown["input"]["contractNumber"] = "999999999"
    missing = await gql(TOP_UP, unknown, token=token)
    assert missing.error_codes == ["NOT_FOUND"]


async def _low_on_money(world, spend: int = 60000) -> None:
    """Three months of spending (600.00 a month), and 20.00 left on the contract."""
    for kind, amount, key in [
        (LedgerKind.CHARGE, -3 * spend, "spend"),
        (LedgerKind.ADJUSTMENT, 3 * spend - 3000, "refill"),
    ]:
        after = (await balance(world)) + amount
        await LedgerEntry.create(
            number=world.contract,
            kind=kind,
            amount=amount,
            balance_after=after,
            idempotency_key=f"{key}:{world.contract.id}",
        )
        await Balance.filter(number_id=world.contract.id).update(amount=after)


async def test_a_trust_payment_on_a_contract_when_the_internet_ran_out(gql, world):
    await _low_on_money(world)
    await NotificationPreference.create(
        subscriber=world.owner, topic=NotificationTopic.CHARGES, sms=True, email=False
    )
    token = world.tokens["user"]
    offer = (await gql(TRUST, token=token)).ok()["viewer"]["lines"][0]["trustPayment"]
    assert offer["offer"] == {"amount": {"amount": "600.00"}}
    taken = await gql(TAKE, {"c": world.contract_number, "a": "300.00"}, token=token)
    assert taken.ok()["takeTrustPayment"] == {
        "status": "ACTIVE",
        "amount": {"amount": "300.00"},
        "fee": {"amount": "15.00"},
    }
    assert await balance(world) == 2000 + 30000 - 1500
    assert (await history(gql, world))[0] == {
        "kind": "TRUST_PAYMENT",
        "actorRole": "NUMBER_USER",
        "summary": "Доверительный платёж 300,00 ₽, комиссия 15,00 ₽",
    }
    again = await gql(TAKE, {"c": world.contract_number, "a": "100.00"}, token=token)
    assert again.error_codes == ["CONFLICT"]
    fee_told = await Notification.filter(topic=NotificationTopic.CHARGES).values_list(
        "subject", flat=True
    )
    assert set(fee_told) == {f"Списание по договору {world.contract_number}"}


@pytest.mark.parametrize(
    ("kind", "code"), [("topup_delegate", "FORBIDDEN"), ("stranger", "NOT_FOUND")]
)
async def test_topup_delegate_and_stranger_take_no_trust_payment_on_the_contract(
    gql, world, kind, code
):
    await _low_on_money(world)
    taken = await gql(TAKE, {"c": world.contract_number, "a": "100.00"}, token=world.tokens[kind])
    assert taken.error_codes == [code]


async def test_autopay_on_a_contract_pays_and_a_failure_names_the_contract(gql, world, services):
    token = world.tokens["owner"]
    for card_token, expected in [("tok_visa", "SUCCEEDED"), ("tok_declined", "FAILED")]:
        card = (await gql(ADD_CARD, {"t": card_token}, token=token)).ok()["addPaymentCard"]
        rule = {
            "contractNumber": world.contract_number,
            "paymentMethodId": card["id"],
            "kind": "THRESHOLD",
            "amount": "100.00",
            "threshold": "1000.00",
        }
        made = (await gql(SET_AUTOPAY, {"input": rule}, token=token)).ok()["setAutopay"]
        assert made == {"kind": "THRESHOLD", "amount": {"amount": "100.00"}}
        runs = await run_due(services, services.clock())
        assert [run.outcome for run in runs] == [expected]
    assert await AutopayRun.filter(number_id=world.contract.id, outcome="FAILED").count() == 1
    [failed] = await Notification.filter(
        subscriber_id=world.owner.id, text__contains="card_declined"
    ).values_list("subject", "text")
    assert failed[0] == f"Автоплатёж на договор {world.contract_number} не прошёл"
    assert failed[1].startswith(f"Автоплатёж 100,00 ₽ на договор {world.contract_number}")
    assert (await gql(REMOVE_AUTOPAY, {"c": world.contract_number}, token=token)).ok()
    kinds = [node["kind"] for node in await history(gql, world)]
    assert "AUTOPAY" in kinds


THRESHOLD = """
mutation($c: String!) { setNotificationPreferences(input: { lowBalanceThresholds: [
  { contractNumber: $c, amount: "300.00" }] }) {
  lowBalanceThresholds { number { msisdn } line { ... on HomeContract { contractNumber } }
                         amount { amount } } } }
"""


async def test_a_delegates_low_balance_threshold_on_a_contract_warns_by_the_contract(
    gql, world, services
):
    token = world.tokens["full_delegate"]
    result = await gql(THRESHOLD, {"c": world.contract_number}, token=token)
    assert result.ok()["setNotificationPreferences"]["lowBalanceThresholds"] == [
        {
            "number": None,
            "line": {"contractNumber": world.contract_number},
            "amount": {"amount": "300.00"},
        }
    ]
    assert (await gql(TOP_UP, top_up(world, "300.00"), token=token)).ok()  # 350.00 now
    entry, _ = await ledger.post(
        ledger.Posting(
            number_id=world.contract.id,
            kind=LedgerKind.CHARGE,
            amount=-10000,
            currency="RUB",
            idempotency_key="internet-month",
            reason="Internet",
        ),
        services.clock(),
    )
    await balance_moved(entry)
    [warned] = await Notification.filter(topic=NotificationTopic.LOW_BALANCE).values(
        "subject", "text"
    )
    assert warned["subject"] == f"Низкий баланс по договору {world.contract_number}"
    assert warned["text"].startswith(
        f"Баланс договора {world.contract_number}: 250.00 ₽, ниже порога 300.00 ₽."
    )
    topup_only = await gql(
        THRESHOLD, {"c": world.contract_number}, token=world.tokens["topup_delegate"]
    )
    assert topup_only.error_codes == ["FORBIDDEN"]


@pytest.mark.parametrize(
    ("kind", "set_code", "remove_code"),
    [
        ("topup_delegate", "FORBIDDEN", "FORBIDDEN"),
        # A partner app has no saved card to pay from; it may remove a rule, and there is none.
        ("partner_with_manage", "FORBIDDEN", "NOT_FOUND"),
        ("stranger", "NOT_FOUND", "NOT_FOUND"),
    ],
)
async def test_who_may_not_set_or_remove_autopay_on_the_contract(
    gql, world, kind, set_code, remove_code
):
    card = (await gql(ADD_CARD, {"t": "tok_visa"}, token=world.tokens["owner"])).ok()
    rule = {
        "contractNumber": world.contract_number,
        "paymentMethodId": card["addPaymentCard"]["id"],
        "kind": "MONTHLY",
        "amount": "100.00",
        "dayOfMonth": 5,
    }
    token = world.tokens[kind]
    assert (await gql(SET_AUTOPAY, {"input": rule}, token=token)).error_codes == [set_code]
    removed = await gql(REMOVE_AUTOPAY, {"c": world.contract_number}, token=token)
    assert removed.error_codes == [remove_code]


async def test_ledger_verify_names_a_mismatched_contract_by_its_number(world):
    await Balance.filter(number_id=world.contract.id).update(amount=1)
    checked, wrong = await verify()
    assert checked == 2
    assert [item.line for item in wrong] == [f"contract {world.contract_number}"]
