"""Number.requests: the request history as each viewer kind, who acted on whose behalf,
and the refusals."""

import pytest

from models import ActorRole, Operation, OperationKind, OperationStatus
from tests.schema.history.world import NOW, build_history, world_of
from tests.support import family

HISTORY = """
query($m: String!) { number(msisdn: $m) { requests {
  edges { cursor node { kind status actorRole summary
    actor { fullName } partnerApp { name } grant { level } number { msisdn } } }
  pageInfo { hasNextPage endCursor } } } }
"""
NEWEST_FIRST = [
    ("GRANT_REVOKE", "OWNER", "Отозван полный доступ у абонента"),
    ("GRANT", "OWNER", "Выдан полный доступ абоненту"),
    ("SERVICE_CONNECT", "PARTNER_APP", "Подключение услуги «Гудок-мелодия»"),
    ("TOPUP", "DELEGATE", "Пополнение 500,00 ₽"),
    ("TARIFF_CHANGE", "OWNER", "Смена тарифа: «Старт» → «Смарт»"),
]


@pytest.fixture
async def world(viewers, services, gql):
    made = await world_of(viewers, services)
    await build_history(gql, made)
    return made


def nodes(data):
    return [edge["node"] for edge in data["number"]["requests"]["edges"]]


async def test_requests_as_owner_up_the_tree_name_everyone_who_acted(gql, world):
    data = (await gql(HISTORY, {"m": world.number.msisdn}, token=world.tokens["owner"])).ok()
    found = nodes(data)
    assert [(n["kind"], n["actorRole"], n["summary"]) for n in found] == NEWEST_FIRST
    assert {n["status"] for n in found} == {"COMPLETED"}
    by_kind = {n["kind"]: n for n in found}
    assert by_kind["TARIFF_CHANGE"]["actor"] == {"fullName": "Owner"}
    assert by_kind["TOPUP"]["actor"] == {"fullName": "Relative"}
    assert by_kind["TOPUP"]["grant"] == {"level": "TOPUP"}
    assert by_kind["SERVICE_CONNECT"]["actor"] is None
    assert by_kind["SERVICE_CONNECT"]["partnerApp"] is not None
    assert by_kind["SERVICE_CONNECT"]["grant"] == {"level": "FULL"}
    assert {n["number"]["msisdn"] for n in found} == {world.number.msisdn}
    assert data["number"]["requests"]["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize("kind", ["user", "full_delegate"])
async def test_requests_as_user_and_full_delegate_show_roles_not_strangers(gql, world, kind):
    data = (await gql(HISTORY, {"m": world.number.msisdn}, token=world.tokens[kind])).ok()
    found = nodes(data)
    assert [(n["kind"], n["actorRole"], n["summary"]) for n in found] == NEWEST_FIRST
    # The owner above and the TOPUP delegate are no one these viewers' paths show.
    assert {n["kind"]: n["actor"] for n in found}["TARIFF_CHANGE"] is None
    assert {n["kind"]: n["actor"] for n in found}["TOPUP"] is None
    assert all(n["partnerApp"] is None and n["grant"] is None for n in found)


async def test_requests_as_partner_with_balance_read_shows_its_own_app(gql, world):
    token = world.tokens["partner_with_manage"]
    found = nodes((await gql(HISTORY, {"m": world.number.msisdn}, token=token)).ok())
    assert len(found) == 5
    mine = next(n for n in found if n["kind"] == "SERVICE_CONNECT")
    assert mine["partnerApp"] is not None and mine["grant"] == {"level": "FULL"}
    assert next(n for n in found if n["kind"] == "TOPUP")["actor"] is None


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("topup_delegate", "FORBIDDEN"),
        ("partner_without_manage", "FORBIDDEN"),  # no balance:read
        ("stranger", "NOT_FOUND"),
        ("anonymous", "NOT_FOUND"),
    ],
)
async def test_requests_as_topup_delegate_partner_without_scope_stranger_anonymous(
    gql, world, kind, code
):
    result = await gql(HISTORY, {"m": world.number.msisdn}, token=world.tokens[kind])
    assert result.error_codes == [code]


async def test_requests_as_owner_of_a_sub_account_do_not_name_the_owner_above(gql, viewers):
    grandma = await family.subscriber("Grandma")
    dad = await family.subscriber("Dad")
    kid = await family.subscriber("Kid")
    top = await family.account(grandma)
    number = await family.number(await family.account(dad, parent=top), user=kid)
    for who, role in [
        (grandma, ActorRole.OWNER),
        (dad, ActorRole.OWNER),
        (kid, ActorRole.NUMBER_USER),
    ]:
        await Operation.create(
            number_id=number.id,
            kind=OperationKind.TOPUP,
            status=OperationStatus.COMPLETED,
            details={"amount": 10_000},
            actor_role=role,
            actor_subscriber_id=who.id,
            created_at=NOW,
        )
    actors = {}
    for who in (grandma, dad, kid):
        data = (await gql(HISTORY, {"m": number.msisdn}, token=await viewers.token_for(who))).ok()
        actors[who.full_name] = [n["actor"] and n["actor"]["fullName"] for n in nodes(data)]
    # Newest first: the kid's, dad's, grandma's top-ups.
    assert actors == {
        "Grandma": ["Kid", "Dad", "Grandma"],
        "Dad": ["Kid", "Dad", None],  # the owner above him is no one his paths show
        "Kid": ["Kid", None, None],
    }
