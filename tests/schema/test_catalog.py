from resolvers.demo import seed_demo
from tests.support.queries import count_queries

TARIFFS = """
{ tariffs { id code name monthlyFee { amount currency } minutes sms dataMb tags } }
"""
SERVICES = "{ services { code name category monthlyFee { amount } connectionFee { amount } } }"


async def test_tariffs_as_anonymous_caller_list_the_catalogue(gql):
    await seed_demo()
    with count_queries() as sql:
        data = (await gql(TARIFFS)).ok()
    names = [tariff["name"] for tariff in data["tariffs"]]
    assert len(names) >= 6
    assert names[0] == "Старт"
    start = data["tariffs"][0]
    assert start["monthlyFee"] == {"amount": "300.00", "currency": "RUB"}
    assert start["tags"] == ["calls-within-network"]
    unlimited = next(t for t in data["tariffs"] if t["code"] == "max")
    assert unlimited["dataMb"] is None
    assert sql.count == 1


async def test_tariffs_on_empty_database_are_an_empty_list(gql):
    assert (await gql(TARIFFS)).ok() == {"tariffs": []}


async def test_services_as_anonymous_caller_list_the_catalogue(gql):
    await seed_demo()
    data = (await gql(SERVICES)).ok()
    assert len(data["services"]) >= 10
    beep = next(s for s in data["services"] if s["code"] == "beep")
    assert beep["connectionFee"] == {"amount": "50.00"}


async def test_viewer_as_anonymous_caller_is_null(gql):
    assert (await gql("{ viewer { kind } }")).ok() == {"viewer": None}


async def test_unknown_field_gets_a_validation_error(gql):
    result = await gql("{ tariffs { price } }")
    assert result.error_codes == ["GRAPHQL_VALIDATION_FAILED"] or result.errors
