"""The README's usage-detail walkthrough on the demo data, as Анна."""

from datetime import UTC, datetime, timedelta

from models import Subscriber, UsageRecord
from resolvers.demo import DEMO_PHONES, seed_demo
from tests.schema.usage.world import window

CALLS_OUT = """
query($filter: UsageFilter!, $after: String) {
  number(msisdn: "+79990000001") {
    usage(filter: $filter, first: 5, after: $after) {
      timeZone
      edges { cursor node { kind direction counterpart startedAt durationSeconds
                            cost { amount currency } roamingZone } }
      pageInfo { hasNextPage endCursor }
      totals { kind count seconds bytes cost { amount currency } }
    }
  }
}
"""
ABROAD = """
query($filter: UsageFilter!) {
  number(msisdn: "+79990000001") {
    usage(filter: $filter, first: 100) {
      edges { node { roamingZone } }
      totals { kind count cost { amount } } } } }
"""
MOTHER = """
query($filter: UsageFilter!) {
  number(msisdn: "+79990000005") { label usage(filter: $filter) { totals { count } } } }
"""
SET_ZONE = 'mutation { setTimeZone(timeZone: "Asia/Yekaterinburg") { timeZone } }'


async def test_readme_usage_walkthrough_as_the_demo_owner(gql, viewers):
    now = datetime.now(UTC)
    await seed_demo(now)
    owner = await Subscriber.get(phone=DEMO_PHONES["owner"])
    token = await viewers.token_for(owner)
    month = window(now - timedelta(days=30), now, kinds=["CALL"], direction="OUT")

    first = (await gql(CALLS_OUT, {"filter": month}, token=token)).ok()["number"]["usage"]
    assert first["timeZone"] == "Europe/Moscow"
    assert len(first["edges"]) == 5 and first["pageInfo"]["hasNextPage"]
    assert {e["node"]["kind"] for e in first["edges"]} == {"CALL"}
    assert all(e["node"]["startedAt"].endswith("+03:00") for e in first["edges"])
    [calls] = first["totals"]
    stored = await UsageRecord.filter(
        number__msisdn=DEMO_PHONES["owner"],
        kind="CALL",
        direction="OUT",
        started_at__gte=now - timedelta(days=30),
    )
    assert calls["count"] == len(stored)
    assert calls["seconds"] == sum(r.duration_seconds for r in stored)

    after = first["pageInfo"]["endCursor"]
    second = await gql(CALLS_OUT, {"filter": month, "after": after}, token=token)
    assert second.ok()["number"]["usage"]["totals"] == first["totals"]  # the whole filter
    other = {**month, "direction": "IN"}
    refused = await gql(CALLS_OUT, {"filter": other, "after": after}, token=token)
    assert refused.error_codes == ["BAD_USER_INPUT"]

    # the summer trip: roaming records half a year back, charged
    trip = window(now - timedelta(days=210), now - timedelta(days=180), roaming=True)
    abroad = (await gql(ABROAD, {"filter": trip}, token=token)).ok()["number"]["usage"]
    assert {e["node"]["roamingZone"] for e in abroad["edges"]} == {"turkey"}
    assert sum(float(t["cost"]["amount"]) for t in abroad["totals"]) > 0

    assert (await gql(SET_ZONE, token=token)).ok()["setTimeZone"]["timeZone"] == (
        "Asia/Yekaterinburg"
    )
    again = (await gql(CALLS_OUT, {"filter": month}, token=token)).ok()["number"]["usage"]
    assert again["timeZone"] == "Asia/Yekaterinburg"
    assert all(e["node"]["startedAt"].endswith("+05:00") for e in again["edges"])

    # Анна holds only a TOPUP grant on her mother's number
    mother = await gql(MOTHER, {"filter": month}, token=token)
    assert mother.data == {"number": {"label": "Мама", "usage": None}}
    assert mother.error_codes == ["FORBIDDEN"]
