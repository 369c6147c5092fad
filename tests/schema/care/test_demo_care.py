"""The README's walk through a voluntary block and a limit refusing a child's tariff
change, on the demo data."""

from datetime import UTC, datetime

from models import Notification, NotificationTopic, Subscriber
from resolvers.care.blocks import lift_ended_blocks
from resolvers.demo import seed_demo
from resolvers.demo.seed import DEMO_PHONES

NOW = datetime(2026, 12, 6, 9, tzinfo=UTC)
BLOCK = """
mutation { blockNumber(input: { msisdn: "+79990000004", reason: VOLUNTARY,
                                 until: "2027-01-15T00:00:00Z" }) {
  operation { kind status actorRole } number { status block { reason since until } } } }
"""
TABLET_TO_SMART = """
mutation { changeTariff(input: { msisdn: "+79990000004", tariffId: "VGFyaWZmOjI=",
                                 idempotencyKey: "readme-blocked" }) { operation { status } } }
"""
LIMITS = """
{ number(msisdn: "+79990000003") { tariff { name }
    limits { monthlySpendCap { amount } forbiddenServiceCategories userMayChangeTariff
             userMayConnectServices } } }
"""
SON_TO_SMART = """
mutation { changeTariff(input: { msisdn: "+79990000003", tariffId: "VGFyaWZmOjI=",
                                 idempotencyKey: "readme-son" }) { operation { status } } }
"""


async def test_readme_walk_through_a_voluntary_block_and_a_childs_limit(gql, viewers, services):
    services.clock = lambda: NOW
    await seed_demo(NOW)
    owner = await Subscriber.get(phone=DEMO_PHONES["owner"])
    son = await Subscriber.get(phone=DEMO_PHONES["son"])
    anna, vanya = await viewers.token_for(owner), await viewers.token_for(son)

    blocked = (await gql(BLOCK, token=anna)).ok()["blockNumber"]
    assert blocked == {
        "operation": {"kind": "BLOCK", "status": "COMPLETED", "actorRole": "OWNER"},
        "number": {
            "status": "BLOCKED",
            "block": {
                "reason": "VOLUNTARY",
                "since": "2026-12-06T09:00:00+00:00",
                "until": "2027-01-15T00:00:00+00:00",
            },
        },
    }
    refused = await gql(TABLET_TO_SMART, token=anna)
    assert refused.errors[0]["message"] == (
        "The number is blocked until 2027-01-15 00:00 UTC: unblock it first."
    )
    lifted = await lift_ended_blocks(datetime(2027, 1, 15, tzinfo=UTC))
    assert len(lifted) == 1

    assert (await gql(LIMITS, token=vanya)).ok()["number"] == {
        "tariff": {"name": "Детский"},
        "limits": {
            "monthlySpendCap": {"amount": "1500.00"},
            "forbiddenServiceCategories": ["entertainment"],
            "userMayChangeTariff": False,
            "userMayConnectServices": True,
        },
    }
    son_refused = await gql(SON_TO_SMART, token=vanya)
    assert son_refused.error_codes == ["FORBIDDEN"]
    assert son_refused.errors[0]["extensions"]["reason"] == "TARIFF_CHANGE_NOT_ALLOWED"
    told = await Notification.get(topic=NotificationTopic.LIMITS)
    assert told.subscriber_id == owner.id
    assert told.text == (
        "+79990000003: The number's user tried a change to «Смарт»: The owner's limits on "
        "this number do not allow changing its tariff."
    )
