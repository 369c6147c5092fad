from datetime import timedelta

from strawberry.relay import to_base64

from tests.support import family
from tests.support.outbox import sent_messages

REQUEST = """
mutation($m: String!, $l: GrantLevel!) {
  requestAccess(msisdn: $m, level: $l, message: "Мама, это я") { id msisdn level status message }
}
"""
INCOMING = "{ viewer { accessRequestsIncoming { id status level requester { phone } } } }"
OUTGOING = "{ viewer { accessRequestsOutgoing { id status } } }"
APPROVE = """
mutation($id: ID!, $l: GrantLevel) { approveAccessRequest(id: $id, level: $l) { status } }
"""
DENY = (
    "mutation($id: ID!, $b: Boolean!) { denyAccessRequest(id: $id, blockRequester: $b) { status } }"
)
WITHDRAW = "mutation($id: ID!) { withdrawAccessRequest(id: $id) { status } }"
POLICY = """
mutation($m: String, $a: Boolean!) { setAccessRequestPolicy(msisdn: $m, accept: $a) {
  acceptsAccessRequests } }
"""
MY_NUMBERS = "{ viewer { numbers { msisdn accessLevel } } }"


async def setup(viewers):
    owner = await family.subscriber("Owner")
    number = await family.number(await family.account(owner), user=owner)
    asker = await family.subscriber("Asker")
    return owner, number, asker, await viewers.token_for(owner), await viewers.token_for(asker)


async def ask(gql, services, token, msisdn, level="FULL"):
    request = (await gql(REQUEST, {"m": msisdn, "l": level}, token=token)).ok()["requestAccess"]
    await services.background.drain()  # delivery to the owner happens after the answer
    return request


async def test_request_as_asker_reaches_the_owner_who_approves_at_a_lower_level(
    gql, viewers, services, settings
):
    owner, number, asker, owner_token, asker_token = await setup(viewers)
    request = await ask(gql, services, asker_token, number.msisdn)
    assert request["status"] == "PENDING"
    sent = await sent_messages(services, settings.sms_outbox_path)
    assert [m["to"] for m in sent] == [owner.phone]
    incoming = (await gql(INCOMING, token=owner_token)).ok()["viewer"]["accessRequestsIncoming"]
    assert incoming == [
        {
            "id": request["id"],
            "status": "PENDING",
            "level": "FULL",
            "requester": {"phone": asker.phone},
        }
    ]
    approved = await gql(APPROVE, {"id": request["id"], "l": "TOPUP"}, token=owner_token)
    assert approved.ok()["approveAccessRequest"]["status"] == "APPROVED"
    numbers = (await gql(MY_NUMBERS, token=asker_token)).ok()["viewer"]["numbers"]
    assert numbers == [{"msisdn": number.msisdn, "accessLevel": "TOPUP"}]
    again = await gql(APPROVE, {"id": request["id"]}, token=owner_token)
    assert again.error_codes == ["CONFLICT"]


async def test_owner_may_lower_but_not_raise_the_level(gql, viewers, services):
    _, number, _, owner_token, asker_token = await setup(viewers)
    request = await ask(gql, services, asker_token, number.msisdn, level="TOPUP")
    result = await gql(APPROVE, {"id": request["id"], "l": "FULL"}, token=owner_token)
    assert result.error_codes == ["BAD_USER_INPUT"]


async def test_deny_and_withdraw(gql, viewers, services):
    _, number, _, owner_token, asker_token = await setup(viewers)
    first = await ask(gql, services, asker_token, number.msisdn)
    denied = await gql(DENY, {"id": first["id"], "b": False}, token=owner_token)
    assert denied.ok()["denyAccessRequest"]["status"] == "DENIED"
    second = await ask(gql, services, asker_token, number.msisdn)
    withdrawn = await gql(WITHDRAW, {"id": second["id"]}, token=asker_token)
    assert withdrawn.ok()["withdrawAccessRequest"]["status"] == "WITHDRAWN"
    assert (await gql(APPROVE, {"id": second["id"]}, token=owner_token)).error_codes == ["CONFLICT"]
    outgoing = (await gql(OUTGOING, token=asker_token)).ok()["viewer"]["accessRequestsOutgoing"]
    assert [r["status"] for r in outgoing] == ["WITHDRAWN", "DENIED"]


async def test_withdraw_as_someone_else_is_not_found(gql, viewers, services):
    _, number, _, owner_token, asker_token = await setup(viewers)
    request = await ask(gql, services, asker_token, number.msisdn)
    assert (await gql(WITHDRAW, {"id": request["id"]}, token=owner_token)).error_codes == [
        "NOT_FOUND"
    ]


async def test_pending_requests_expire_after_seven_days(gql, viewers, services):
    owner, number, asker, _, asker_token = await setup(viewers)
    request = await ask(gql, services, asker_token, number.msisdn)
    real_clock = services.clock
    services.clock = lambda: real_clock() + timedelta(days=7, seconds=1)
    # Tokens minted on the shifted clock, so only the request has aged.
    owner_token, asker_token = await viewers.token_for(owner), await viewers.token_for(asker)
    result = await gql(APPROVE, {"id": request["id"]}, token=owner_token)
    assert result.error_codes == ["CONFLICT"]
    outgoing = (await gql(OUTGOING, token=asker_token)).ok()["viewer"]["accessRequestsOutgoing"]
    assert outgoing[0]["status"] == "EXPIRED"
    services.clock = real_clock


async def test_owner_cannot_approve_a_request_they_made(gql, viewers, services):
    # The owner of a parent account asks for access to a number in a child account, which
    # they also own (OWNER by ancestry): they may not approve it themself.
    grandparent = await family.subscriber("Owner of parent account")
    owner = await family.subscriber("Owner")
    child_account = await family.account(owner, parent=await family.account(grandparent))
    number = await family.number(child_account)
    grandparent_token = await viewers.token_for(grandparent)
    request = await ask(gql, services, grandparent_token, number.msisdn)
    result = await gql(APPROVE, {"id": request["id"]}, token=grandparent_token)
    assert result.error_codes == ["FORBIDDEN"]
    approved = await gql(APPROVE, {"id": request["id"]}, token=await viewers.token_for(owner))
    assert approved.ok()["approveAccessRequest"]["status"] == "APPROVED"


async def test_forbidden_blocked_and_missing_numbers_answer_like_real_requests(
    gql, viewers, services, settings
):
    owner, number, asker, owner_token, asker_token = await setup(viewers)
    real = await ask(gql, services, asker_token, number.msisdn)
    await gql(DENY, {"id": real["id"], "b": True}, token=owner_token)  # and block the asker
    blocked = await ask(gql, services, asker_token, number.msisdn)
    other_owner = await family.subscriber("Other")
    closed_number = await family.number(await family.account(other_owner))
    await gql(
        POLICY, {"m": closed_number.msisdn, "a": False}, token=await viewers.token_for(other_owner)
    )
    forbidden = await ask(gql, services, asker_token, closed_number.msisdn)
    missing = await ask(gql, services, asker_token, "+79995550000")
    for request in (blocked, forbidden, missing):
        assert request["status"] == "PENDING"
        assert set(request) == set(real)
    sent = await sent_messages(services, settings.sms_outbox_path)
    # Only the first reached an owner; the asker heard it was denied (not that they were
    # blocked).
    assert [m["to"] for m in sent] == [owner.phone, asker.phone]
    assert "отклонил ваш запрос" in sent[-1]["text"]
    incoming = (await gql(INCOMING, token=owner_token)).ok()["viewer"]["accessRequestsIncoming"]
    assert [r["id"] for r in incoming] == [real["id"]]


async def test_owner_may_forbid_requests_to_all_their_numbers(gql, viewers, services):
    _, number, _, owner_token, asker_token = await setup(viewers)
    assert (await gql(POLICY, {"m": None, "a": False}, token=owner_token)).ok()
    await ask(gql, services, asker_token, number.msisdn)
    incoming = (await gql(INCOMING, token=owner_token)).ok()["viewer"]["accessRequestsIncoming"]
    assert incoming == []


async def test_asking_again_returns_the_pending_request(gql, viewers, services):
    _, number, _, _, asker_token = await setup(viewers)
    first = await ask(gql, services, asker_token, number.msisdn)
    assert await ask(gql, services, asker_token, number.msisdn) == first


async def test_eleventh_request_in_a_day_is_rate_limited(gql, viewers, services):
    _, _, _, _, asker_token = await setup(viewers)
    for i in range(10):
        await ask(gql, services, asker_token, f"+7999555{i:04d}")
    result = await gql(REQUEST, {"m": "+79995559999", "l": "FULL"}, token=asker_token)
    assert result.error_codes == ["RATE_LIMITED"]


async def test_approve_as_stranger_is_not_found(gql, viewers, services):
    _, number, _, _, asker_token = await setup(viewers)
    request = await ask(gql, services, asker_token, number.msisdn)
    stranger = await viewers.token_for(await family.subscriber("Stranger"))
    assert (await gql(APPROVE, {"id": request["id"]}, token=stranger)).error_codes == ["NOT_FOUND"]
    assert (
        await gql(APPROVE, {"id": to_base64("AccessRequest", 999)}, token=stranger)
    ).error_codes == ["NOT_FOUND"]


async def test_the_answer_costs_the_same_for_a_real_and_a_missing_number(
    gql, viewers, services, monkeypatch
):
    from tests.support.queries import count_queries

    _, number, _, _, asker_token = await setup(viewers)
    deferred = []
    monkeypatch.setattr(
        services.background, "spawn", lambda coroutine, what: deferred.append(coroutine)
    )
    counts = []
    for msisdn in (number.msisdn, "+79995550000"):
        with count_queries() as sql:
            await gql(REQUEST, {"m": msisdn, "l": "FULL"}, token=asker_token)
        counts.append(sql.count)
    for coroutine in deferred:
        coroutine.close()
    assert counts[0] == counts[1]


async def test_a_parent_owners_block_and_policy_cover_the_sub_accounts(gql, viewers, services):
    parent_owner = await family.subscriber("Parent owner")
    child_owner = await family.subscriber("Child owner")
    child_account = await family.account(child_owner, parent=await family.account(parent_owner))
    number = await family.number(child_account)
    asker = await family.subscriber("Asker")
    asker_token = await viewers.token_for(asker)
    parent_token = await viewers.token_for(parent_owner)

    first = await ask(gql, services, asker_token, number.msisdn)
    incoming = (await gql(INCOMING, token=parent_token)).ok()["viewer"]["accessRequestsIncoming"]
    assert [r["id"] for r in incoming] == [first["id"]]  # the parent owner sees it too
    await gql(DENY, {"id": first["id"], "b": True}, token=parent_token)  # and blocks the asker
    await ask(gql, services, asker_token, number.msisdn)
    child_view = await gql(INCOMING, token=await viewers.token_for(child_owner))
    assert [r["status"] for r in child_view.ok()["viewer"]["accessRequestsIncoming"]] == ["DENIED"]

    other_asker = await viewers.token_for(await family.subscriber("Other asker"))
    assert (await gql(POLICY, {"m": None, "a": False}, token=parent_token)).ok()
    await ask(gql, services, other_asker, number.msisdn)
    child_view = await gql(INCOMING, token=await viewers.token_for(child_owner))
    assert len(child_view.ok()["viewer"]["accessRequestsIncoming"]) == 1
