from datetime import UTC, datetime, timedelta

import pytest

from resolvers.errors import BadUserInput
from resolvers.usage_detail import DEFAULT_TIME_ZONE, checked_time_zone, local_time, time_zone_of
from tests.support import family

AT = datetime(2026, 7, 1, 21, 30, tzinfo=UTC)


def test_a_utc_moment_is_shown_with_the_zone_offset() -> None:
    shown = local_time(AT, "Asia/Yekaterinburg")
    assert shown.isoformat() == "2026-07-02T02:30:00+05:00"
    assert shown == AT


def test_no_zone_or_a_zone_no_longer_known_shows_moscow_time() -> None:
    assert DEFAULT_TIME_ZONE == "Europe/Moscow"
    assert local_time(AT, None).utcoffset() == timedelta(hours=3)
    assert local_time(AT, "Mars/Olympus").utcoffset() == timedelta(hours=3)


def test_daylight_saving_follows_the_date() -> None:
    winter = datetime(2026, 1, 15, 12, tzinfo=UTC)
    assert local_time(winter, "Europe/Berlin").utcoffset() == timedelta(hours=1)
    assert local_time(AT, "Europe/Berlin").utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize("name", ["Europe/Moscow", "Asia/Vladivostok", "UTC"])
def test_a_known_zone_is_kept(name: str) -> None:
    assert checked_time_zone(name) == name


@pytest.mark.parametrize("name", ["", "Moscow", "Europe/Atlantis", "../etc/passwd", "localtime"])
def test_an_unknown_zone_is_refused(name: str) -> None:
    with pytest.raises(BadUserInput) as refused:
        checked_time_zone(name)
    assert refused.value.extensions == {"code": "BAD_USER_INPUT", "field": "timeZone"}


async def test_a_subscriber_starts_in_moscow_time_and_keeps_the_zone_they_chose() -> None:
    someone = await family.subscriber("Someone")
    assert await time_zone_of(someone.id) == "Europe/Moscow"
    someone.time_zone = "Asia/Novosibirsk"
    await someone.save(update_fields=["time_zone"])
    assert await time_zone_of(someone.id) == "Asia/Novosibirsk"
    assert await time_zone_of(None) == await time_zone_of(someone.id + 1000) == "Europe/Moscow"
