from datetime import UTC, datetime

from resolvers.billing_period import full_periods_before, period_containing, pro_rata


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_period_runs_from_the_anniversary_day_not_the_calendar_month():
    period = period_containing(at(2025, 3, 15, 9), at(2026, 11, 20, 12))
    assert (period.start, period.end) == (at(2026, 11, 15), at(2026, 12, 15))


def test_before_the_anniversary_day_the_period_began_last_month():
    period = period_containing(at(2025, 3, 15), at(2026, 1, 14, 23, 59))
    assert (period.start, period.end) == (at(2025, 12, 15), at(2026, 1, 15))


def test_a_day_the_month_lacks_falls_on_its_last_day():
    period = period_containing(at(2025, 1, 31), at(2026, 2, 28, 10))
    assert (period.start, period.end) == (at(2026, 2, 28), at(2026, 3, 31))


def test_full_periods_before_stop_at_the_activation():
    periods = full_periods_before(at(2026, 9, 10, 15), at(2026, 11, 20), 3)
    assert [(p.start, p.end) for p in periods] == [
        (at(2026, 9, 10), at(2026, 10, 10)),
        (at(2026, 10, 10), at(2026, 11, 10)),
    ]


def test_pro_rata_charges_the_rest_of_the_period_rounded_up():
    period = period_containing(at(2025, 1, 1), at(2026, 11, 16))  # 30 days
    assert pro_rata(30000, period, at(2026, 11, 16)) == 15000
    assert pro_rata(100, period, at(2026, 11, 30, 23, 59)) == 1
    assert pro_rata(30000, period, at(2026, 11, 1)) == 30000
