"""Every filter of Number.usage, and its totals over the whole filter against a direct sum
of the records, on random histories."""

import random
from datetime import timedelta

import pytest

from models import UsageKind
from resolvers.usage_detail import checked_filter, shown_totals
from resolvers.usage_detail.totals import KindTotal
from tests.resolvers.usage_detail.world import NOW, direct_totals, matches, random_records
from tests.schema.usage.test_usage_pages import newest_first, pages
from tests.schema.usage.world import TOTALS, build_world, window

SINCE, UNTIL = NOW - timedelta(days=45), NOW - timedelta(days=5)
FILTERS = {
    "window only": {},
    "calls": {"kinds": ["CALL"]},
    "sms and data": {"kinds": ["DATA", "SMS"]},
    "incoming": {"direction": "IN"},
    "outgoing": {"direction": "OUT"},
    "roaming": {"roaming": True},
    "at home": {"roaming": False},
    "counterpart digits": {"counterpart": "+79160000"},
    "counterpart by name, any case": {"counterpart": "InterNet"},
    "everything at once": {
        "kinds": ["CALL", "SMS"],
        "direction": "OUT",
        "roaming": False,
        "counterpart": "000001",
    },
}


def as_checked(given: dict) -> object:
    return checked_filter(
        SINCE,
        UNTIL,
        kinds=[UsageKind(k) for k in given.get("kinds", [])],
        direction=given.get("direction"),
        roaming=given.get("roaming"),
        counterpart=given.get("counterpart"),
    )


def as_answered(totals: list[KindTotal]) -> list[dict]:
    return [
        {
            "kind": t.kind.value,
            "count": t.count,
            "seconds": t.seconds,
            "bytes": t.bytes,
            "cost": {"amount": f"{t.cost / 100:.2f}", "currency": t.currency},
        }
        for t in totals
    ]


@pytest.mark.parametrize("name", list(FILTERS))
async def test_usage_under_each_filter_is_exactly_its_records(gql, viewers, name):
    world = await build_world(viewers)
    made = await world.add(random_records(random.Random(name), world.number, 300))
    expected = [r for r in made if matches(as_checked(FILTERS[name]), r)]
    assert expected
    found = await pages(gql, world, window(SINCE, UNTIL, **FILTERS[name]), 40)
    assert [i for page in found for i in page] == newest_first(expected)


@pytest.mark.parametrize("seed", range(4))
async def test_totals_cover_the_whole_filter_not_the_page(gql, viewers, seed):
    rng = random.Random(seed)
    world = await build_world(viewers)
    made = await world.add(random_records(rng, world.number, rng.randint(150, 400)))
    for name in rng.sample(list(FILTERS), 4):
        usage_filter = as_checked(FILTERS[name])
        summed = direct_totals(usage_filter, [r for r in made if matches(usage_filter, r)])
        # A phone's totals without `kinds` are of its kinds: no TV at zero.
        expected = shown_totals(summed, "MOBILE", usage_filter)
        variables = {"m": world.number.msisdn, "filter": window(SINCE, UNTIL, **FILTERS[name])}
        result = await gql(TOTALS, variables, token=world.tokens["owner"])
        assert result.ok()["number"]["usage"]["totals"] == as_answered(expected), name


async def test_totals_of_nothing_are_zero_for_each_kind_asked(gql, viewers):
    world = await build_world(viewers)
    variables = {"m": world.number.msisdn, "filter": window(SINCE, UNTIL, kinds=["SMS", "CALL"])}
    totals = (await gql(TOTALS, variables, token=world.tokens["owner"])).ok()["number"]["usage"]
    zero = {"count": 0, "seconds": 0, "bytes": 0, "cost": {"amount": "0.00", "currency": "RUB"}}
    assert totals["totals"] == [{"kind": "CALL", **zero}, {"kind": "SMS", **zero}]
