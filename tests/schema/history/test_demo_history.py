"""The README's request-history walkthrough on the demo data, checked."""

from models import Subscriber
from resolvers.demo import DEMO_PHONES, seed_demo

MASHA_HISTORY = """
{ number(msisdn: "+79990000002") { requests(first: 4) {
  edges { node { kind status actorRole summary actor { fullName } partnerApp { name } } }
  pageInfo { hasNextPage } } } }
"""
GRANTS_AND_TARIFFS = """
{ viewer { requests(first: 5, filter: { types: [GRANT, TARIFF_CHANGE] }) {
  edges { node { summary actorRole number { label } } } } } }
"""


async def test_readme_history_walkthrough_as_the_family_owner_and_as_masha(gql, viewers):
    await seed_demo()
    owner = await Subscriber.get(phone=DEMO_PHONES["owner"])
    masha = await Subscriber.get(phone=DEMO_PHONES["daughter"])

    seen = (await gql(MASHA_HISTORY, token=await viewers.token_for(owner))).ok()["number"]
    nodes = [edge["node"] for edge in seen["requests"]["edges"]]
    assert [(n["kind"], n["summary"]) for n in nodes[:2]] == [
        ("SERVICE_CONNECT", "Подключение услуги «Где мой ребёнок»"),
        ("GRANT", "Выдан доступ на пополнение приложению, до 2 000,00 ₽ в месяц"),
    ]
    assert nodes[0]["actor"] == {"fullName": "Маша Петрова"}
    assert nodes[1]["actor"] == {"fullName": "Анна Петрова"}
    assert [n["kind"] for n in nodes[2:]] == ["TOPUP", "TARIFF_CHANGE"]
    assert nodes[3]["summary"] == "Смена тарифа: «Смарт» → «Детский»"
    assert seen["requests"]["pageInfo"]["hasNextPage"] is True

    # Маша sees her own history; the owner above her is shown by role only.
    as_masha = (await gql(MASHA_HISTORY, token=await viewers.token_for(masha))).ok()["number"]
    mine = [edge["node"] for edge in as_masha["requests"]["edges"]]
    assert mine[0]["actor"] == {"fullName": "Маша Петрова"}
    assert (mine[1]["actorRole"], mine[1]["actor"], mine[1]["partnerApp"]) == ("OWNER", None, None)

    across = (await gql(GRANTS_AND_TARIFFS, token=await viewers.token_for(owner))).ok()
    summaries = [e["node"]["summary"] for e in across["viewer"]["requests"]["edges"]]
    assert summaries == [
        "Выдан доступ на пополнение приложению, до 2 000,00 ₽ в месяц",
        "Смена тарифа: «Смарт» → «Детский»",
    ]
