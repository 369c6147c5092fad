"""The README's "Home internet and TV" story on the demo data, checked."""

from __future__ import annotations

from models import Subscriber
from resolvers.demo import DEMO_PHONES, seed_demo

LINES = """
{ viewer {
    accounts { name
      lines { __typename label accessLevel balance { amount }
        ... on Number { msisdn }
        ... on HomeContract { contractNumber address tv tvPackages { service { name } } } } }
    lines { __typename accessLevel ... on HomeContract { contractNumber address } }
} }
"""
TOP_UP = """
mutation { topUp(input: { contractNumber: "100200400", amount: "500.00",
  idempotencyKey: "mama-home-1", cardToken: "tok_visa" }) {
  payment { status } line { __typename } } }
"""
SIGN_IN = """
mutation { signInWithContract(login: "petrova-home", password: "demo-home-1") {
  accessToken subscriber { fullName } } }
"""
HOME_TARIFFS = (
    "{ tariffs(filter: { segment: HOME }) { name speedMbps tvChannels monthlyFee { amount } } }"
)


async def test_the_readme_home_story_as_anna(gql, viewers):
    await seed_demo()
    anna = await Subscriber.get(phone=DEMO_PHONES["owner"])
    token = await viewers.token_for(anna)
    result = await gql(LINES, token=token)
    family = result.data["viewer"]["accounts"][0]
    assert [line["__typename"] for line in family["lines"]] == ["Number", "Number", "HomeContract"]
    home = family["lines"][-1]
    assert home["contractNumber"] == "100200300" and home["tv"] is True
    assert [p["service"]["name"] for p in home["tvPackages"]] == ["Кино", "Детский"]
    mothers = [
        line for line in result.data["viewer"]["lines"] if line.get("contractNumber") == "100200400"
    ]
    assert mothers == [
        {
            "__typename": "HomeContract",
            "accessLevel": "TOPUP",
            "contractNumber": "100200400",
            "address": None,
        }
    ]
    assert set(result.error_codes) == {"FORBIDDEN"}
    paid = (await gql(TOP_UP, token=token)).ok()["topUp"]
    assert paid == {"payment": {"status": "SUCCEEDED"}, "line": {"__typename": "HomeContract"}}

    signed = (await gql(SIGN_IN)).ok()["signInWithContract"]
    assert signed["subscriber"] == {"fullName": "Анна Петрова"}
    tariffs = (await gql(HOME_TARIFFS)).ok()["tariffs"]
    assert [t["name"] for t in tariffs] == ["Домашний 100", "Домашний 500 + ТВ"]
