"""Number.recommendedTariffs on constructed usage whose answer is known, on the demo
catalogue."""

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from models import AccessLevel, NumberService, Service, UsageDirection, UsageKind, UsageRecord
from resolvers.demo.seed import create_demo_catalogue
from tests.support import family
from tests.support.queries import count_queries

RECOMMENDED = """
query($m: String!) { number(msisdn: $m) { recommendedTariffs {
  tariff { code } monthlyCost { amount } monthlySaving { amount } why } } }
"""
TREE = """
{ viewer { accounts { numbers { msisdn recommendedTariffs { tariff { code } } }
  children { numbers { msisdn recommendedTariffs { monthlySaving { amount } } } } } } }
"""
ACTIVATED_AT = datetime(2025, 6, 10, 15, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
# The last three full periods run from the 10th: Aug 10 to Nov 10.
FULL_PERIODS = [datetime(2026, month, 10, tzinfo=UTC) for month in (8, 9, 10)]
MB = 1024 * 1024
_ids = count(1)


@pytest.fixture
async def catalogue(services):
    services.clock = lambda: NOW
    tariffs, _ = await create_demo_catalogue()
    return tariffs


async def number_on(tariff, activated_at=ACTIVATED_AT):
    owner = await family.subscriber("Owner")
    number = await family.number(await family.account(owner), user=owner)
    number.tariff_id = tariff.id
    number.activated_at = activated_at
    await number.save(update_fields=["tariff_id", "activated_at"])
    return owner, number


async def use(number, start, minutes=0, sms=0, data_mb=0, roaming=None):
    at = start + timedelta(days=2)
    rows = (
        [
            UsageRecord(
                external_id=f"u{next(_ids)}",
                number=number,
                kind=UsageKind.CALL,
                direction=UsageDirection.OUT,
                started_at=at,
                duration_seconds=minutes * 60,
                roaming_zone=roaming,
            )
        ]
        if minutes
        else []
    )
    rows += [
        UsageRecord(
            external_id=f"u{next(_ids)}",
            number=number,
            kind=UsageKind.SMS,
            direction=UsageDirection.OUT,
            started_at=at,
        )
        for _ in range(sms)
    ]
    if data_mb:
        rows.append(
            UsageRecord(
                external_id=f"u{next(_ids)}",
                number=number,
                kind=UsageKind.DATA,
                direction=UsageDirection.OUT,
                started_at=at,
                bytes=data_mb * MB,
                roaming_zone=roaming,
            )
        )
    await UsageRecord.bulk_create(rows)


async def recommended(gql, viewers, owner, number):
    token = await viewers.token_for(owner)
    result = await gql(RECOMMENDED, {"m": number.msisdn}, token=token)
    return result.ok()["number"]["recommendedTariffs"]


async def test_recommended_tariffs_as_owner_within_bundles_are_cheapest_first(
    gql, viewers, catalogue
):
    owner, number = await number_on(catalogue["smart"])
    for start in FULL_PERIODS:
        await use(number, start, minutes=100, sms=10, data_mb=3072)
    # This period's usage (and roaming) does not count.
    await use(number, datetime(2026, 11, 10, tzinfo=UTC), minutes=5000)
    await use(number, FULL_PERIODS[0], data_mb=50_000, roaming="europe")
    assert await recommended(gql, viewers, owner, number) == [
        {
            "tariff": {"code": "kids"},
            "monthlyCost": {"amount": "200.00"},
            "monthlySaving": {"amount": "350.00"},
            "why": "you use 3.0 GB of 10 GB; 100 min of 200 min; 10 SMS of 100 SMS",
        },
        {
            "tariff": {"code": "start"},
            "monthlyCost": {"amount": "300.00"},
            "monthlySaving": {"amount": "250.00"},
            "why": "you use 3.0 GB of 5 GB; 100 min of 300 min; 10 SMS of 100 SMS",
        },
    ]


async def test_recommended_tariffs_price_usage_beyond_a_bundle_at_overage_prices(
    gql, viewers, catalogue
):
    owner, number = await number_on(catalogue["kids"])
    for start in FULL_PERIODS:
        await use(number, start, minutes=800)
    found = await recommended(gql, viewers, owner, number)
    # kids costs 200 + 600 min x 3.00 = 2,000.00 RUB a month on this usage
    assert [(r["tariff"]["code"], r["monthlySaving"]["amount"]) for r in found] == [
        ("senior", "1250.00"),  # 150 + 300 min x 2.00
        ("family", "1100.00"),
        ("smart", "950.00"),  # 550 + 200 min x 2.50
        ("max", "800.00"),
        ("start", "200.00"),  # 300 + 500 min x 3.00
    ]
    assert found[0]["why"] == (
        "you use 0.0 GB of 1 GB; 800 min of 500 min; 0 SMS of 50 SMS; "
        "600.00 RUB a month beyond the bundle"
    )


async def test_recommended_tariffs_when_the_current_is_the_cheapest_are_empty(
    gql, viewers, catalogue
):
    owner, number = await number_on(catalogue["senior"])
    for start in FULL_PERIODS:
        await use(number, start, minutes=50, sms=5, data_mb=200)
    assert await recommended(gql, viewers, owner, number) == []


async def test_recommended_tariffs_before_a_full_period_are_empty(gql, viewers, catalogue):
    owner, number = await number_on(catalogue["max"], activated_at=NOW - timedelta(days=20))
    assert await recommended(gql, viewers, owner, number) == []


async def test_recommended_tariffs_as_topup_delegate_are_forbidden(gql, viewers, catalogue):
    owner, number = await number_on(catalogue["smart"])
    relative = await family.subscriber("Relative")
    await family.grant(number, relative, AccessLevel.TOPUP, by=owner)
    token = await viewers.token_for(relative)
    result = await gql(RECOMMENDED, {"m": number.msisdn}, token=token)
    assert result.error_codes == ["FORBIDDEN"]


@pytest.mark.parametrize("size", [5, 100])
async def test_recommended_tariffs_in_a_tree_cost_the_same_statements_for_5_and_100(
    gql, viewers, catalogue, size
):
    tree = await family.family_tree(total_numbers=size, depth=2)
    token = await viewers.token_for(tree.owner)
    with count_queries() as sql:
        (await gql(TREE, token=token)).ok()
    # the token; the reach; the usage of every number's last three periods; their
    # services; the catalogue (tariffs, services, their links, exclusions)
    assert sql.count == 8, sql.statements


async def test_recommended_tariffs_say_which_connected_services_a_tariff_does_not_allow(
    gql, viewers, catalogue
):
    owner, number = await number_on(catalogue["kids"])
    parental = await Service.get(code="parental-control")
    await NumberService.create(number=number, service=parental, connected_at=ACTIVATED_AT)
    for start in FULL_PERIODS:
        await use(number, start, minutes=800)
    found = {r["tariff"]["code"]: r["why"] for r in await recommended(gql, viewers, owner, number)}
    assert found["senior"].endswith("; it does not allow «Родительский контроль»")
    assert "does not allow" not in found["family"]
