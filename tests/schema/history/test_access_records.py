"""Access requests in the number's history: asked (by the asker, a REQUESTER), approved,
denied and blocked, withdrawn, the number closed to requests and opened again. A request
that never reached the owner leaves no trace on the number."""

from models import Operation
from tests.schema.access.test_access_requests import (
    APPROVE,
    DENY,
    POLICY,
    WITHDRAW,
    ask,
    setup,
)

HISTORY = """
query($m: String!) { number(msisdn: $m) { requests {
  edges { node { kind actorRole summary actor { fullName } } } } } }
"""


async def history(gql, number, token):
    data = (await gql(HISTORY, {"m": number.msisdn}, token=token)).ok()
    return [
        (e["node"]["kind"], e["node"]["actorRole"], e["node"]["summary"], e["node"]["actor"])
        for e in data["number"]["requests"]["edges"]
    ]


async def test_access_requests_as_owner_show_asked_approved_denied_withdrawn(
    gql, viewers, services
):
    _, number, _, owner_token, asker_token = await setup(viewers)
    first = await ask(gql, services, asker_token, number.msisdn, "FULL")
    (await gql(APPROVE, {"id": first["id"], "l": "TOPUP"}, token=owner_token)).ok()
    second = await ask(gql, services, asker_token, number.msisdn, "FULL")
    (await gql(WITHDRAW, {"id": second["id"]}, token=asker_token)).ok()
    third = await ask(gql, services, asker_token, number.msisdn, "TOPUP")
    (await gql(DENY, {"id": third["id"], "b": True}, token=owner_token)).ok()
    asker_shown, owner_shown = {"fullName": "Asker"}, {"fullName": "Owner"}
    assert await history(gql, number, owner_token) == [
        (
            "ACCESS_REQUEST_DENY",
            "OWNER",
            "Запрос доступа отклонён: доступ на пополнение, запросы этого абонента заблокированы",
            owner_shown,
        ),
        ("ACCESS_REQUEST", "REQUESTER", "Запрос доступа: доступ на пополнение", asker_shown),
        (
            "ACCESS_REQUEST_WITHDRAW",
            "REQUESTER",
            "Запрос доступа отозван: полный доступ",
            asker_shown,
        ),
        ("ACCESS_REQUEST", "REQUESTER", "Запрос доступа: полный доступ", asker_shown),
        (
            "ACCESS_REQUEST_APPROVE",
            "OWNER",
            "Запрос доступа одобрен: доступ на пополнение",
            owner_shown,
        ),
        ("ACCESS_REQUEST", "REQUESTER", "Запрос доступа: полный доступ", asker_shown),
    ]


async def test_blocked_asker_leaves_no_trace_and_the_policy_is_recorded(gql, viewers, services):
    _, number, _, owner_token, asker_token = await setup(viewers)
    closed = (await gql(POLICY, {"m": number.msisdn, "a": False}, token=owner_token)).ok()
    assert closed["setAccessRequestPolicy"]["acceptsAccessRequests"] is False
    await ask(gql, services, asker_token, number.msisdn)  # stopped: the number forbids them
    (await gql(POLICY, {"m": number.msisdn, "a": True}, token=owner_token)).ok()
    (await gql(POLICY, {"m": number.msisdn, "a": True}, token=owner_token)).ok()  # no change
    assert [row[:3] for row in await history(gql, number, owner_token)] == [
        ("ACCESS_REQUESTS_ALLOW", "OWNER", "Запросы доступа к номеру разрешены"),
        ("ACCESS_REQUESTS_FORBID", "OWNER", "Запросы доступа к номеру запрещены"),
    ]
    assert not await Operation.exists(kind="ACCESS_REQUEST")
