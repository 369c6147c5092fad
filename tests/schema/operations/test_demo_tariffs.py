"""The README's walk through tariffs, services and bundles, on the demo data as Анна."""

from models import Subscriber
from resolvers.demo import seed_demo
from resolvers.demo.seed import DEMO_PHONES

FILTERED = """
{ tariffs(filter: { tags: ["calls-within-network"], minDataGb: 10, maxMonthlyFee: "1000.00" },
          sort: { by: MONTHLY_FEE }) { id code } }
"""
AT_ZERO_ON_KIDS = """
{ services(filter: { compatibleWithTariff: "VGFyaWZmOjU=", availableAtZeroBalance: true }) {
    code } }
"""
TO_SMART = """
mutation { changeTariff(input: { msisdn: "+79990000002", tariffId: "VGFyaWZmOjI=",
                                 idempotencyKey: "readme-tariff-1" }) { operation { status } } }
"""
TO_FAMILY = """
mutation { changeTariff(input: { msisdn: "+79990000002", tariffId: "VGFyaWZmOjQ=",
                                 idempotencyKey: "readme-tariff-2" }) {
  operation { status actorRole tariff { name } previousTariff { name } }
  number { tariff { name } } } }
"""
NEXT_PERIOD = """
mutation { changeTariff(input: { msisdn: "+79990000001", tariffId: "VGFyaWZmOjI=",
    effective: NEXT_PERIOD, idempotencyKey: "readme-tariff-3" }) { operation { status } } }
"""
CANCEL = 'mutation { cancelTariffChange(msisdn: "+79990000001") { operation { status } } }'
CONNECT = """
mutation { connectService(input: { msisdn: "+79990000001", serviceId: "U2VydmljZToxMg==",
                                   idempotencyKey: "readme-beep" }) {
  operation { status fee { amount } service { name } } } }
"""
DISCONNECT = """
mutation { disconnectService(input: { msisdn: "+79990000001", serviceId: "U2VydmljZToy" }) {
  operation { status service { name } } number { services { service { name } } } } }
"""


async def test_readme_walk_through_tariffs_and_services_as_the_demo_owner(gql, viewers):
    await seed_demo()
    owner = await Subscriber.get(phone=DEMO_PHONES["owner"])
    token = await viewers.token_for(owner)
    found = [t["code"] for t in (await gql(FILTERED)).ok()["tariffs"]]
    assert found == ["kids", "smart", "family"]
    assert (await gql(FILTERED)).ok()["tariffs"][1]["id"] == "VGFyaWZmOjI="
    at_zero = {s["code"] for s in (await gql(AT_ZERO_ON_KIDS)).ok()["services"]}
    assert at_zero == {"trust-payment", "call-me-back", "content-ban"}

    refused = await gql(TO_SMART, token=token)
    assert refused.errors[0]["extensions"]["services"] == ["parental-control", "location"]
    changed = (await gql(TO_FAMILY, token=token)).ok()["changeTariff"]
    assert changed["operation"]["status"] == "COMPLETED"
    assert changed["number"]["tariff"] == {"name": "Семейный"}

    assert (await gql(NEXT_PERIOD, token=token)).ok()["changeTariff"]["operation"] == {
        "status": "CREATED"
    }
    assert (await gql(CANCEL, token=token)).ok()["cancelTariffChange"]["operation"] == {
        "status": "CANCELLED"
    }
    connected = (await gql(CONNECT, token=token)).ok()["connectService"]["operation"]
    assert connected == {
        "status": "COMPLETED",
        "fee": {"amount": "50.00"},
        "service": {"name": "Гудок-мелодия"},
    }
    dropped = (await gql(DISCONNECT, token=token)).ok()["disconnectService"]
    assert dropped["operation"]["service"] == {"name": "Защита от спама"}
    assert {"service": {"name": "Защита от спама"}} not in dropped["number"]["services"]


TABLET_ALLOWANCES = """
{ number(msisdn: "+79990000004") { tariff { name } allowances { kind total used remaining } } }
"""


async def test_readme_bundles_of_the_demo_tablet_as_the_demo_owner(gql, viewers):
    await seed_demo()
    owner = await Subscriber.get(phone=DEMO_PHONES["owner"])
    data = (await gql(TABLET_ALLOWANCES, token=await viewers.token_for(owner))).ok()["number"]
    assert data["tariff"] == {"name": "Для планшета"}
    minutes, sms, internet = data["allowances"]
    assert (minutes["total"], sms["total"], internet["total"]) == (0, 0, 30 * 1024 + 10 * 1024)
    assert internet["used"] > 0
    assert internet["remaining"] == max(0, internet["total"] - internet["used"])
