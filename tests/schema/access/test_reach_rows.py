"""What the reach's one statement carries for each number, read back through the API: each
number's own tariff (tags decoded from the stored JSON), and its access-request policy."""

from models import Tariff
from tests.support import family

NUMBERS = """
{ viewer { numbers { msisdn acceptsAccessRequests
  tariff { code name tags monthlyFee { amount } minutes } } } }
"""


async def test_owner_sees_each_numbers_own_tariff_and_policy_in_one_request(gql, viewers):
    owner = await family.subscriber("Owner")
    account = await family.account(owner)
    basic = await family.number(account, user=owner)
    family_plan = await Tariff.create(
        code="family",
        name="Семейный",
        monthly_fee=55000,
        minutes=None,
        sms=500,
        data_mb=30720,
        tags=["family", "unlimited-calls"],
    )
    shared = await family.number(account)
    shared.tariff = family_plan
    shared.accepts_access_requests = False
    await shared.save()
    result = await gql(NUMBERS, token=await viewers.token_for(owner))
    numbers = {n["msisdn"]: n for n in result.ok()["viewer"]["numbers"]}
    assert numbers[basic.msisdn] == {
        "msisdn": basic.msisdn,
        "acceptsAccessRequests": True,
        "tariff": {
            "code": "basic",
            "name": "Базовый",
            "tags": [],
            "monthlyFee": {"amount": "300.00"},
            "minutes": 300,
        },
    }
    assert numbers[shared.msisdn] == {
        "msisdn": shared.msisdn,
        "acceptsAccessRequests": False,
        "tariff": {
            "code": "family",
            "name": "Семейный",
            "tags": ["family", "unlimited-calls"],
            "monthlyFee": {"amount": "550.00"},
            "minutes": None,
        },
    }
