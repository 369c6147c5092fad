"""The first page of every number's usage detail is read for the whole family in one
statement, its totals in another, and the reader's time zone with the family's people:
the family page costs the same for any number of numbers. Its cursors go on, number by
number, on the single-number path."""

from __future__ import annotations

from datetime import timedelta

from models import AccessLevel, UsageKind
from tests.resolvers.usage_detail.world import NOW, record, stored
from tests.schema.usage.world import USAGE, window
from tests.support import family
from tests.support.queries import count_queries

FILTER = window(NOW - timedelta(days=30), NOW + timedelta(days=1))
FAMILY_USAGE = """
query($filter: UsageFilter!, $first: Int!) { viewer { numbers { msisdn
  usage(filter: $filter, first: $first) {
    edges { cursor node { id startedAt } }
    pageInfo { hasNextPage endCursor }
    timeZone
    totals { kind count seconds }
  } } } }
"""


async def _family(how_many: int, records_each: int):
    """An owner's numbers, each used by its own subscriber, each with `records_each` more
    records than the one before (the first has none); records share instants in pairs, so
    the order needs the id as well as the time."""
    owner = await family.subscriber("Owner")
    account = await family.account(owner)
    numbers = []
    for i in range(how_many):
        user = await family.subscriber(f"Child {i}")
        number = await family.number(account, user=user)
        made = [
            record(
                number,
                NOW - timedelta(minutes=j // 2),
                kind=UsageKind.SMS if j % 3 == 0 else UsageKind.CALL,
                seconds=None if j % 3 == 0 else 60,
                tag=str(j),
            )
            for j in range(records_each * i)
        ]
        numbers.append((number, user, (await stored(number, made)).records))
    return owner, numbers


def _newest_first(records) -> list[str]:
    ordered = sorted(records, key=lambda r: (r.started_at, r.id), reverse=True)
    return [str(r.id) for r in ordered]


async def test_first_pages_of_a_family_as_owner_continue_after_their_cursors(gql, viewers):
    owner, numbers = await _family(4, 3)
    token = await viewers.token_for(owner)
    with count_queries() as sql:
        answer = await gql(FAMILY_USAGE, {"filter": FILTER, "first": 2}, token=token)
    # the token; the reach; the owner's time zone; the first pages; the totals
    assert sql.count == 5, sql.statements
    shown = {n["msisdn"]: n["usage"] for n in answer.ok()["viewer"]["numbers"]}
    for number, _, records in numbers:
        usage = shown[number.msisdn]
        expected = _newest_first(records)
        assert [edge["node"]["id"] for edge in usage["edges"]] == expected[:2]
        assert usage["pageInfo"]["hasNextPage"] is (len(expected) > 2)
        counts = {total["kind"]: total["count"] for total in usage["totals"]}
        assert counts == {
            "CALL": sum(r.kind is UsageKind.CALL for r in records),
            "SMS": sum(r.kind is UsageKind.SMS for r in records),
            "DATA": 0,
        }
        if not usage["edges"]:
            assert usage["pageInfo"]["endCursor"] is None
            continue
        # From the batched page's last cursor, and from its first one, the single-number
        # path goes on with exactly the records after it.
        for index in (len(usage["edges"]) - 1, 0):
            variables = {
                "m": number.msisdn,
                "filter": FILTER,
                "first": 100,
                "after": usage["edges"][index]["cursor"],
            }
            rest = (await gql(USAGE, variables, token=token)).ok()["number"]["usage"]
            assert [edge["node"]["id"] for edge in rest["edges"]] == expected[index + 1 :]
        assert usage["pageInfo"]["endCursor"] == usage["edges"][-1]["cursor"]


async def test_two_sizes_and_two_filters_in_one_query_cost_a_statement_each_not_per_number(
    gql, viewers
):
    owner, numbers = await _family(4, 2)
    token = await viewers.token_for(owner)
    query = """query($f: UsageFilter!, $g: UsageFilter!) { viewer { numbers {
      one: usage(filter: $f, first: 1) { edges { node { id } } totals { count } }
      two: usage(filter: $f, first: 2) { edges { node { id } } totals { count } }
      sms: usage(filter: $g, first: 2) { edges { node { id } } totals { count } } } } }"""
    sms = {**FILTER, "kinds": ["SMS"]}
    with count_queries() as sql:
        answer = await gql(query, {"f": FILTER, "g": sms}, token=token)
    # the token; the reach; the owner's time zone; a page per (filter, size); a total per filter
    assert sql.count == 3 + 3 + 2, sql.statements
    shown_numbers = answer.ok()["viewer"]["numbers"]
    assert len(shown_numbers) == len(numbers)
    for shown in shown_numbers:
        assert shown["one"]["edges"] == shown["two"]["edges"][:1]
        assert shown["one"]["totals"] == shown["two"]["totals"]
        assert len(shown["sms"]["totals"]) == 1


async def test_a_partner_app_sees_each_number_in_its_users_zone_for_one_statement(gql, viewers):
    owner, numbers = await _family(3, 1)
    app = await family.partner_app(["numbers:read", "usage:read"])
    zones = ("Asia/Yekaterinburg", "Europe/Kaliningrad", "Asia/Vladivostok")
    for (number, user, _), zone_name in zip(numbers, zones, strict=True):
        user.time_zone = zone_name
        await user.save(update_fields=["time_zone"])
        await family.grant(number, app, AccessLevel.FULL, by=owner)
    token = await viewers.partner_token(app, ["numbers:read", "usage:read"])
    with count_queries() as sql:
        answer = await gql(FAMILY_USAGE, {"filter": FILTER, "first": 1}, token=token)
    # the token; the reach; the users' time zones; the first pages; the totals
    assert sql.count == 5, sql.statements
    shown = {n["msisdn"]: n["usage"]["timeZone"] for n in answer.ok()["viewer"]["numbers"]}
    assert shown == {n.msisdn: z for (n, _, _), z in zip(numbers, zones, strict=True)}


async def test_a_number_asked_alone_reads_its_first_page_by_itself(gql, viewers):
    owner, numbers = await _family(2, 3)
    number, _, records = numbers[1]
    variables = {"m": number.msisdn, "filter": FILTER, "first": 2}
    with count_queries() as sql:
        usage = (await gql(USAGE, variables, token=await viewers.token_for(owner))).ok()
    assert [e["node"]["id"] for e in usage["number"]["usage"]["edges"]] == _newest_first(records)[
        :2
    ]
    # One LIMIT over the number's index, not a ranking of its whole window (SQLite's
    # ROW_NUMBER has no early stop).
    (page,) = [s for s in sql.statements if "FROM usage_records" in s]
    assert "ROW_NUMBER" not in page and "LATERAL" not in page and "LIMIT" in page, page
