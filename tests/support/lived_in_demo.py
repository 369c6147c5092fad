"""The demo family after a little use, so that every type the schema has is there to read:
a top-up (Payment, LedgerEntry), a trust payment, a saved card with autopay, a tariff change
for next period (Operation), an access request from the stranger (AccessRequest), a usage
detail export (ExportJob)."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.relay import to_base64

from models import Subscriber, Tariff
from resolvers.demo import DEMO_PHONES, seed_demo
from tests.support.graphql import GraphQLClient
from tests.support.viewers import Viewers

_STEPS = [
    """mutation { topUp(input: { msisdn: "+79990000002", amount: "500.00",
       cardToken: "tok_visa", idempotencyKey: "walk-1" }) { payment { status } } }""",
    'mutation { takeTrustPayment(msisdn: "+79990000003", amount: "100.00") { status } }',
]
_ADD_CARD = 'mutation { addPaymentCard(token: "tok_mastercard") { id } }'
_AUTOPAY = """mutation($card: ID!) { setAutopay(input: { msisdn: "+79990000001",
  kind: THRESHOLD, amount: "300.00", threshold: "100.00", paymentMethodId: $card }) { kind } }"""
_CHANGE = """mutation($t: ID!) { changeTariff(input: { msisdn: "+79990000002", tariffId: $t,
  idempotencyKey: "walk-2", effective: NEXT_PERIOD, disconnectIncompatible: true }) {
  operation { status } } }"""
_ASK = 'mutation { requestAccess(msisdn: "+79990000001", level: TOPUP) { status } }'
_EXPORT = """mutation { exportUsage(input: { msisdn: "+79990000001", format: PDF,
  from: "2026-11-01T00:00:00+03:00", to: "2026-12-01T00:00:00+03:00" }) { status } }"""


@dataclass
class LivedInDemo:
    owner_token: str
    stranger_token: str


async def lived_in_demo(gql: GraphQLClient, viewers: Viewers) -> LivedInDemo:
    await seed_demo()
    owner = await Subscriber.get(phone=DEMO_PHONES["owner"])
    stranger = await Subscriber.get(phone=DEMO_PHONES["stranger"])
    token = await viewers.token_for(owner)
    stranger_token = await viewers.token_for(stranger)
    for step in _STEPS:
        (await gql(step, token=token)).ok()
    card = (await gql(_ADD_CARD, token=token)).ok()["addPaymentCard"]["id"]
    (await gql(_AUTOPAY, {"card": card}, token=token)).ok()
    tariff = await Tariff.get(code="max")
    (await gql(_CHANGE, {"t": to_base64("Tariff", tariff.id)}, token=token)).ok()
    (await gql(_ASK, token=stranger_token)).ok()
    (await gql(_EXPORT, token=token)).ok()
    return LivedInDemo(owner_token=token, stranger_token=stranger_token)
