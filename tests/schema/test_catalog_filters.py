"""The catalogue's filters and sort, on the demo catalogue, as an anonymous caller."""

import pytest
from strawberry.relay import to_base64

from models import Tariff
from resolvers.demo import seed_demo
from tests.support.queries import count_queries

TARIFFS = """
query($filter: TariffFilter, $sort: TariffSort) { tariffs(filter: $filter, sort: $sort) {
  code monthlyFee { amount } minutes dataMb tags archived
  overagePrices { minute { amount } sms { amount } megabyte { amount } } } }
"""
SERVICES = """
query($filter: ServiceFilter) { services(filter: $filter) {
  code category availableAtZeroBalance bundle { minutes sms dataMb }
  compatibleTariffs { code } excludes { code } } }
"""


async def codes(gql, variables):
    return [t["code"] for t in (await gql(TARIFFS, variables)).ok()["tariffs"]]


@pytest.fixture(autouse=True)
async def demo_catalogue():
    await seed_demo()


async def test_tariffs_without_filter_as_anonymous_are_the_seven_choosable(gql):
    data = (await gql(TARIFFS)).ok()["tariffs"]
    assert len(data) == 7
    assert not any(t["archived"] for t in data)
    start = data[0]
    assert start["overagePrices"] == {
        "minute": {"amount": "3.00"},
        "sms": {"amount": "2.00"},
        "megabyte": {"amount": "1.00"},
    }


async def test_tariffs_by_tags_as_anonymous_carry_every_tag(gql):
    found = await codes(gql, {"filter": {"tags": ["family", "calls-within-network"]}})
    assert found == ["family", "kids"]
    assert await codes(gql, {"filter": {"tags": ["tablets"]}}) == ["data-sim"]
    assert await codes(gql, {"filter": {"tags": ["no-such-tag"]}}) == []


async def test_tariffs_by_max_monthly_fee_as_anonymous(gql):
    found = await codes(gql, {"filter": {"maxMonthlyFee": "300.00"}})
    assert found == ["start", "kids", "senior"]


async def test_tariffs_by_minimum_bundles_count_unlimited_as_covering(gql):
    assert await codes(gql, {"filter": {"minDataGb": 40}}) == ["max", "family"]
    assert await codes(gql, {"filter": {"minMinutes": 1500}}) == ["max", "family"]
    assert await codes(gql, {"filter": {"minDataGb": 40, "minMinutes": 1600}}) == ["max"]


async def test_tariffs_by_unlimited_data_as_anonymous(gql):
    assert await codes(gql, {"filter": {"unlimitedData": True}}) == ["max"]
    assert "max" not in await codes(gql, {"filter": {"unlimitedData": False}})


async def test_archived_tariffs_only_when_asked_for(gql):
    assert await codes(gql, {"filter": {"archived": True}}) == ["classic"]
    assert len(await codes(gql, {"filter": {"archived": None}})) == 8


async def test_tariffs_sorted_by_fee_data_and_minutes(gql):
    by_fee = await codes(gql, {"sort": {"by": "MONTHLY_FEE"}})
    assert by_fee == ["senior", "kids", "start", "data-sim", "smart", "family", "max"]
    by_data = await codes(gql, {"sort": {"by": "DATA", "direction": "DESC"}})
    assert by_data[:2] == ["max", "family"]  # unlimited first
    by_minutes = await codes(gql, {"sort": {"by": "MINUTES"}})
    assert by_minutes[0] == "data-sim" and by_minutes[-1] == "max"


async def test_tariff_filter_with_negative_minimum_is_bad_input(gql):
    result = await gql(TARIFFS, {"filter": {"minMinutes": -1}})
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert "minMinutes" in result.errors[0]["message"]


async def test_tariff_filter_with_fractions_of_a_kopeck_is_bad_input(gql):
    result = await gql(TARIFFS, {"filter": {"maxMonthlyFee": "1.001"}})
    assert result.error_codes == ["BAD_USER_INPUT"]


async def test_services_show_bundles_fits_and_exclusions(gql):
    data = {s["code"]: s for s in (await gql(SERVICES)).ok()["services"]}
    assert len(data) == 16
    assert data["extra-10gb"]["bundle"] == {"minutes": 0, "sms": 0, "dataMb": 10240}
    assert data["caller-id"]["bundle"] is None
    assert [t["code"] for t in data["parental-control"]["compatibleTariffs"]] == ["family", "kids"]
    assert data["voicemail"]["excludes"] == [{"code": "call-forwarding"}]
    assert data["call-forwarding"]["excludes"] == [{"code": "voicemail"}]
    assert data["trust-payment"]["availableAtZeroBalance"] is True


async def test_services_by_category_and_zero_balance_as_anonymous(gql):
    result = await gql(SERVICES, {"filter": {"availableAtZeroBalance": True}})
    found = {s["code"] for s in result.ok()["services"]}
    assert found == {"trust-payment", "call-me-back", "content-ban"}
    family = await gql(SERVICES, {"filter": {"category": "family"}})
    assert {s["code"] for s in family.ok()["services"]} == {"parental-control", "location"}


async def test_services_compatible_with_a_tariff_as_anonymous(gql):
    data_sim = await Tariff.get(code="data-sim")
    result = await gql(
        SERVICES, {"filter": {"compatibleWithTariff": to_base64("Tariff", data_sim.id)}}
    )
    found = {s["code"] for s in result.ok()["services"]}
    assert "extra-10gb" in found and "roaming-world" in found
    assert "caller-id" not in found and "parental-control" not in found


async def test_services_compatible_with_an_unknown_tariff_is_not_found(gql):
    result = await gql(SERVICES, {"filter": {"compatibleWithTariff": to_base64("Tariff", 999)}})
    assert result.error_codes == ["NOT_FOUND"]


async def test_services_compatible_with_a_service_id_is_bad_input(gql):
    result = await gql(SERVICES, {"filter": {"compatibleWithTariff": to_base64("Service", 1)}})
    assert result.error_codes == ["BAD_USER_INPUT"]
    garbage = await gql(SERVICES, {"filter": {"compatibleWithTariff": "not-an-id"}})
    assert garbage.error_codes == ["BAD_USER_INPUT"]


async def test_services_with_their_links_cost_a_fixed_number_of_statements(gql):
    with count_queries() as sql:
        (await gql(SERVICES)).ok()
    # tariffs, services, service-tariff links, exclusions: once per request
    assert sql.count == 4, sql.statements
