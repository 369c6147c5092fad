"""Number.allowances against a direct computation from the usage records, on random usage
around both ends of the billing period (the anniversary day, not the calendar month)."""

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import (
    AccessLevel,
    NumberService,
    Service,
    UsageDirection,
    UsageKind,
    UsageRecord,
)
from tests.support import family
from tests.support.database import empty_all_tables

ALLOWANCES = """
query($m: String!) { number(msisdn: $m) { allowances {
  kind total used remaining unit periodStart periodEnd } } }
"""
ACTIVATED_AT = datetime(2025, 6, 10, 15, 30, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
PERIOD_START = datetime(2026, 11, 10, tzinfo=UTC)
PERIOD_END = datetime(2026, 12, 10, tzinfo=UTC)
MB = 1024 * 1024
_ids = count(1)

records = st.lists(
    st.tuples(
        st.sampled_from(list(UsageKind)),
        st.sampled_from(list(UsageDirection)),
        st.booleans(),  # roaming
        st.one_of(
            st.integers(-5 * 86400, 35 * 86400),
            st.sampled_from([0, -1, 30 * 86400, 30 * 86400 - 1]),  # the period's edges
        ),
        st.integers(0, 999_999),  # microseconds
        st.integers(1, 3600),  # seconds of a call or a session
        st.integers(0, 300 * MB),  # bytes of a session
    ),
    max_size=40,
)


def expected(rows, tariff, extra_mb):
    inside = [
        r for r in rows if PERIOD_START <= r.started_at < PERIOD_END and r.roaming_zone is None
    ]
    minutes = sum(
        -(-r.duration_seconds // 60)
        for r in inside
        if r.kind is UsageKind.CALL and r.direction is UsageDirection.OUT
    )
    sms = sum(1 for r in inside if r.kind is UsageKind.SMS and r.direction is UsageDirection.OUT)
    data = -(-sum(r.bytes for r in inside if r.kind is UsageKind.DATA) // MB)

    def item(kind, total, used, unit):
        return {
            "kind": kind,
            "total": total,
            "used": used,
            "remaining": max(0, total - used),
            "unit": unit,
            "periodStart": PERIOD_START.isoformat(),
            "periodEnd": PERIOD_END.isoformat(),
        }

    return [
        item("MINUTES", tariff.minutes, minutes, "MINUTE"),
        item("SMS", tariff.sms, sms, "MESSAGE"),
        item("DATA", tariff.data_mb + extra_mb, data, "MEGABYTE"),
    ]


async def owned_number():
    owner = await family.subscriber("Owner")
    number = await family.number(await family.account(owner), user=owner)
    number.activated_at = ACTIVATED_AT
    await number.save(update_fields=["activated_at"])
    return owner, number


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=records, with_service=st.booleans())
async def test_allowances_as_owner_match_the_usage_records_of_the_period(
    gql, viewers, services, spec, with_service
):
    await empty_all_tables()
    services.clock = lambda: NOW
    owner, number = await owned_number()
    extra_mb = 0
    if with_service:
        extra = await Service.create(
            code="extra", name="Extra", category="internet", monthly_fee=0, data_mb=2048
        )
        await NumberService.create(number=number, service=extra, connected_at=ACTIVATED_AT)
        extra_mb = 2048
    rows = [
        UsageRecord(
            external_id=f"r{next(_ids)}",
            number=number,
            kind=kind,
            direction=UsageDirection.OUT if kind is UsageKind.DATA else direction,
            started_at=PERIOD_START + timedelta(seconds=offset, microseconds=micro),
            duration_seconds=None if kind is UsageKind.SMS else seconds,
            bytes=size if kind is UsageKind.DATA else None,
            roaming_zone="europe" if roaming else None,
        )
        for kind, direction, roaming, offset, micro, seconds, size in spec
    ]
    await UsageRecord.bulk_create(rows)
    tariff = await family.tariff()
    result = await gql(ALLOWANCES, {"m": number.msisdn}, token=await viewers.token_for(owner))
    assert result.ok()["number"]["allowances"] == expected(rows, tariff, extra_mb)


async def test_allowances_of_an_unlimited_bundle_have_no_total_and_no_remaining(
    gql, viewers, services
):
    services.clock = lambda: NOW
    owner, number = await owned_number()
    await family.tariff()
    tariff = await family.tariff()
    tariff.data_mb = None
    await tariff.save(update_fields=["data_mb"])
    await UsageRecord.create(
        external_id="big",
        number=number,
        kind=UsageKind.DATA,
        direction=UsageDirection.OUT,
        started_at=NOW - timedelta(hours=1),
        bytes=10 * 1024 * MB,
    )
    result = await gql(ALLOWANCES, {"m": number.msisdn}, token=await viewers.token_for(owner))
    data = result.ok()["number"]["allowances"][2]
    assert (data["kind"], data["total"], data["used"], data["remaining"]) == (
        "DATA",
        None,
        10240,
        None,
    )


async def test_allowances_as_topup_delegate_are_forbidden(gql, viewers):
    owner, number = await owned_number()
    relative = await family.subscriber("Relative")
    await family.grant(number, relative, AccessLevel.TOPUP, by=owner)
    result = await gql(ALLOWANCES, {"m": number.msisdn}, token=await viewers.token_for(relative))
    assert result.error_codes == ["FORBIDDEN"]


async def test_allowances_as_partner_need_usage_read(gql, viewers):
    owner, number = await owned_number()
    app = await family.partner_app(["numbers:read", "usage:read"])
    await family.grant(number, app, AccessLevel.FULL, by=owner)
    without = await viewers.partner_token(app, ["numbers:read"])
    assert (await gql(ALLOWANCES, {"m": number.msisdn}, token=without)).error_codes == ["FORBIDDEN"]
    with_scope = await viewers.partner_token(app, ["numbers:read", "usage:read"])
    assert (
        len(
            (await gql(ALLOWANCES, {"m": number.msisdn}, token=with_scope)).ok()["number"][
                "allowances"
            ]
        )
        == 3
    )
