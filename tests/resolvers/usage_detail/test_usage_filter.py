from datetime import UTC, datetime, timedelta, timezone

import pytest

from models import UsageDirection, UsageKind
from resolvers.errors import BadUserInput
from resolvers.usage_detail import ALL_KINDS, checked_filter

FROM = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_filter_is_kept_in_utc_with_kinds_in_a_fixed_order() -> None:
    msk = timezone(timedelta(hours=3))
    found = checked_filter(
        datetime(2026, 1, 1, 3, tzinfo=msk),
        datetime(2026, 2, 1, 3, tzinfo=msk),
        kinds=[UsageKind.DATA, UsageKind.CALL, UsageKind.DATA],
        direction=UsageDirection.IN,
        counterpart="  +7916 ",
    )
    assert found.from_ == FROM and found.from_.tzinfo is UTC
    assert found.to == datetime(2026, 2, 1, tzinfo=UTC)
    assert found.kinds == (UsageKind.CALL, UsageKind.DATA)
    assert found.counterpart == "+7916"


def test_no_kinds_means_every_kind_and_the_digest_sees_every_part() -> None:
    base = checked_filter(FROM, FROM + timedelta(days=1))
    assert base.kinds == ALL_KINDS
    assert base.digest == checked_filter(FROM, FROM + timedelta(days=1), kinds=[]).digest
    others = [
        checked_filter(FROM, FROM + timedelta(days=2)),
        checked_filter(FROM - timedelta(days=1), FROM + timedelta(days=1)),
        checked_filter(FROM, FROM + timedelta(days=1), kinds=[UsageKind.SMS]),
        checked_filter(FROM, FROM + timedelta(days=1), direction=UsageDirection.OUT),
        checked_filter(FROM, FROM + timedelta(days=1), roaming=False),
        checked_filter(FROM, FROM + timedelta(days=1), roaming=True),
        checked_filter(FROM, FROM + timedelta(days=1), counterpart="916"),
    ]
    assert len({base.digest, *(other.digest for other in others)}) == 1 + len(others)


def test_exactly_one_year_is_allowed_and_a_second_more_is_not() -> None:
    checked_filter(FROM, datetime(2027, 1, 1, tzinfo=UTC))
    with pytest.raises(BadUserInput, match="at most one year") as refused:
        checked_filter(FROM, datetime(2027, 1, 1, 0, 0, 1, tzinfo=UTC))
    assert refused.value.extensions == {"code": "BAD_USER_INPUT", "field": "to"}


def test_a_year_from_29_february_ends_on_1_march() -> None:
    leap = datetime(2028, 2, 29, tzinfo=UTC)
    checked_filter(leap, datetime(2029, 3, 1, tzinfo=UTC))
    with pytest.raises(BadUserInput):
        checked_filter(leap, datetime(2029, 3, 1, 0, 0, 1, tzinfo=UTC))


@pytest.mark.parametrize("to", [FROM, FROM - timedelta(seconds=1)])
def test_to_must_be_after_from(to: datetime) -> None:
    with pytest.raises(BadUserInput, match="`to` must be after `from`"):
        checked_filter(FROM, to)


def test_times_without_an_offset_are_refused() -> None:
    with pytest.raises(BadUserInput, match="offset") as refused:
        checked_filter(datetime(2026, 1, 1), datetime(2026, 2, 1, tzinfo=UTC))
    assert refused.value.extensions["field"] == "from"
    with pytest.raises(BadUserInput) as refused:
        checked_filter(FROM, datetime(2026, 2, 1))
    assert refused.value.extensions["field"] == "to"


@pytest.mark.parametrize("text", ["100%", "a_b", "x" * 65, "+7916'--", "тест", "a\nb"])
def test_a_counterpart_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(BadUserInput) as refused:
        checked_filter(FROM, FROM + timedelta(days=1), counterpart=text)
    assert refused.value.extensions == {"code": "BAD_USER_INPUT", "field": "counterpart"}


@pytest.mark.parametrize("text", [None, "", "   "])
def test_an_empty_counterpart_means_any(text: str | None) -> None:
    assert checked_filter(FROM, FROM + timedelta(days=1), counterpart=text).counterpart is None
