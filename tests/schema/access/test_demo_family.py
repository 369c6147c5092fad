"""The story the README tells on the demo data, checked."""

from models import Subscriber
from resolvers.demo import DEMO_PHONES, seed_demo

README_QUERY = """
{ viewer {
    accounts { name
      numbers { msisdn label accessLevel balance { amount currency } tariff { name } }
      children { name numbers { msisdn user { fullName } balance { amount } } } }
    numbers { msisdn accessLevel canTopUp }
    grantsReceived { msisdn contractNumber level topUpMonthlyLimit { amount } }
} }
"""
STRANGER_NUMBER = '{ number(msisdn: "+79990000009") { msisdn } }'


async def test_readme_story_as_the_family_owner(gql, viewers):
    await seed_demo()
    owner = await Subscriber.get(phone=DEMO_PHONES["owner"])
    result = await gql(README_QUERY, token=await viewers.token_for(owner))
    viewer = result.data["viewer"]
    levels = {n["msisdn"]: n["accessLevel"] for n in viewer["numbers"]}
    assert levels == {
        DEMO_PHONES["owner"]: "OWNER",
        DEMO_PHONES["daughter"]: "OWNER",
        DEMO_PHONES["son"]: "OWNER",
        DEMO_PHONES["tablet"]: "OWNER",
        DEMO_PHONES["mother"]: "TOPUP",
    }
    family = viewer["accounts"][0]
    assert [c["name"] for c in family["children"]] == ["Дети"]
    assert viewer["grantsReceived"] == [
        {  # Ольга's home internet, newest first
            "msisdn": None,
            "contractNumber": "100200400",
            "level": "TOPUP",
            "topUpMonthlyLimit": {"amount": "2000.00"},
        },
        {
            "msisdn": DEMO_PHONES["mother"],
            "contractNumber": None,
            "level": "TOPUP",
            "topUpMonthlyLimit": {"amount": "3000.00"},
        },
    ]
    assert result.errors == []
    mother = await gql(
        '{ number(msisdn: "+79990000005") { balance { amount } } }',
        token=await viewers.token_for(owner),
    )
    assert mother.data == {"number": {"balance": None}}
    assert mother.error_codes == ["FORBIDDEN"]
    assert (await gql(STRANGER_NUMBER, token=await viewers.token_for(owner))).error_codes == [
        "NOT_FOUND"
    ]


async def test_readme_story_as_the_daughter(gql, viewers):
    await seed_demo()
    daughter = await Subscriber.get(phone=DEMO_PHONES["daughter"])
    token = await viewers.token_for(daughter)
    viewer = (await gql(README_QUERY, token=token)).ok()["viewer"]
    assert viewer["accounts"] == []
    assert viewer["numbers"] == [
        {"msisdn": DEMO_PHONES["daughter"], "accessLevel": "FULL", "canTopUp": True}
    ]
    assert (await gql(STRANGER_NUMBER, token=token)).error_codes == ["NOT_FOUND"]
