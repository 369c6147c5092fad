"""The catalogue's home segment: home tariffs and TV packages are listed only when asked
for (segment: HOME); the phone catalogue and its recommendations never show them."""

from __future__ import annotations

from resolvers.demo import seed_demo

TARIFFS = """
query($s: CatalogSegment!) {
  tariffs(filter: { segment: $s }) { name segment speedMbps tvChannels }
}
"""
SERVICES = """
query($s: CatalogSegment!) {
  services(filter: { segment: $s }) { name category segment compatibleTariffs { name } }
}
"""


async def test_anyone_lists_the_home_tariffs_when_asking_for_the_home_segment(gql):
    await seed_demo()
    home = (await gql(TARIFFS, {"s": "HOME"})).ok()["tariffs"]
    assert home == [
        {"name": "Домашний 100", "segment": "HOME", "speedMbps": 100, "tvChannels": None},
        {"name": "Домашний 500 + ТВ", "segment": "HOME", "speedMbps": 500, "tvChannels": 180},
    ]
    mobile = (await gql("{ tariffs { name segment } }")).ok()["tariffs"]
    assert len(mobile) == 7 and {t["segment"] for t in mobile} == {"MOBILE"}


async def test_tv_packages_are_home_services_that_fit_the_tv_tariff(gql):
    await seed_demo()
    packages = (await gql(SERVICES, {"s": "HOME"})).ok()["services"]
    assert [p["name"] for p in packages] == ["Кино", "Спорт", "Детский"]
    assert {p["category"] for p in packages} == {"TV_PACKAGE"}
    assert all(p["compatibleTariffs"] == [{"name": "Домашний 500 + ТВ"}] for p in packages)
    mobile = (await gql("{ services { segment } }")).ok()["services"]
    assert len(mobile) == 16 and {s["segment"] for s in mobile} == {"MOBILE"}
