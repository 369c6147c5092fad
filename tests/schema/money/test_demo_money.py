"""The README's money walkthrough on the demo data, checked."""

from models import Subscriber
from resolvers.demo import DEMO_PHONES, seed_demo
from resolvers.money.ledger import verify

TOP_UP_MOTHER = """
mutation { topUp(input: { msisdn: "+79990000005", amount: "500.00",
                          cardToken: "tok_visa", idempotencyKey: "readme-1" }) {
  payment { status amount { amount } } number { msisdn accessLevel } } }
"""
TRUST_OFFER = """
{ number(msisdn: "+79990000003") { balance { amount }
  trustPayment { offer { amount { amount } fee { amount } dueInDays } } } }
"""
TAKE_TRUST = """
mutation { takeTrustPayment(msisdn: "+79990000003", amount: "100.00") {
  status outstanding { amount } dueAt } }
"""
ADD_CARD = 'mutation { addPaymentCard(token: "tok_mastercard") { id brand last4 } }'
SET_AUTOPAY = """
mutation($card: ID!) { setAutopay(input: { msisdn: "+79990000001", kind: THRESHOLD,
  amount: "300.00", threshold: "100.00", paymentMethodId: $card }) { kind armed } }
"""


async def test_readme_money_walkthrough_as_the_family_owner(gql, viewers):
    await seed_demo()
    owner = await Subscriber.get(phone=DEMO_PHONES["owner"])
    token = await viewers.token_for(owner)

    mother = (await gql(TOP_UP_MOTHER, token=token)).ok()["topUp"]
    assert mother["payment"] == {"status": "SUCCEEDED", "amount": {"amount": "500.00"}}
    assert mother["number"]["accessLevel"] == "TOPUP"

    son = (await gql(TRUST_OFFER, token=token)).ok()["number"]
    assert son["balance"] == {"amount": "45.00"}
    assert son["trustPayment"]["offer"]["dueInDays"] == 3
    taken = (await gql(TAKE_TRUST, token=token)).ok()["takeTrustPayment"]
    assert taken["status"] == "ACTIVE"

    card = (await gql(ADD_CARD, token=token)).ok()["addPaymentCard"]
    assert (card["brand"], card["last4"]) == ("mastercard", "4444")
    rule = (await gql(SET_AUTOPAY, {"card": card["id"]}, token=token)).ok()["setAutopay"]
    assert rule == {"kind": "THRESHOLD", "armed": True}
    assert (await verify())[1] == []
