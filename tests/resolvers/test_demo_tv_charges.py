"""The demo's TV package charges: one per package per 30-day month, named by the package,
each month's inside its month, ids unique and stable across seedings."""

from datetime import UTC, datetime, timedelta

from models import Number, UsageKind
from resolvers.demo.tv_charges import tv_package_charges

NOW = datetime(2026, 12, 6, 5, tzinfo=UTC)
PACKAGES = [("Кино", 29900), ("Детский", 14900)]


def test_four_months_of_two_packages_are_eight_tv_charges_oldest_first():
    line = Number(id=7)
    made = tv_package_charges(line, "100200300", PACKAGES, NOW, days=120)
    assert len(made) == 8
    assert {record.kind for record in made} == {UsageKind.TV}
    assert [(r.counterpart, r.cost) for r in made[:2]] == PACKAGES
    assert made[0].started_at == datetime(2026, 8, 8, 6, tzinfo=UTC)
    assert made[-1].started_at == datetime(2026, 11, 6, 6, 1, tzinfo=UTC)
    assert all(NOW - timedelta(days=120) <= r.started_at < NOW for r in made)
    assert len({r.external_id for r in made}) == 8
    again = tv_package_charges(line, "100200300", PACKAGES, NOW, days=120)
    assert [r.external_id for r in again] == [r.external_id for r in made]


def test_a_contract_without_packages_has_no_tv_charges():
    assert tv_package_charges(Number(id=8), "100200400", [], NOW, days=120) == []
