"""Signing in with a home contract's login: the session is the holder's but reaches that
contract only; the contract's password is set by a FULL viewer of it."""

from __future__ import annotations

from strawberry.relay import to_base64

from models import AccessLevel, AuditEvent, HomeContract
from resolvers.identity.passwords import hash_password
from tests.support import family

SIGN_IN = """
mutation($l: String!, $p: String!) {
  signInWithContract(login: $l, password: $p) { accessToken refreshToken }
}
"""
SET_PASSWORD = """
mutation($c: String!, $p: String!) {
  setContractPassword(contractNumber: $c, newPassword: $p) { revokedSessions }
}
"""
WHAT_I_SEE = """
{ viewer {
    accounts { name }
    lines { __typename accessLevel ... on HomeContract { contractNumber address } }
    numbers { msisdn }
    sessions { method contractNumber current }
} }
"""
PASSWORD = "home-secret-42"
BY_MSISDN = "query($m: String!) { number(msisdn: $m) { id } }"


async def _owner_with_contract(password: str | None = PASSWORD):
    owner = await family.subscriber("Owner")
    account = await family.account(owner)
    phone = await family.number(account)
    hashed = await hash_password(password) if password else None
    line = await family.home_contract(account, password_hash=hashed)
    contract = await HomeContract.get(line_id=line.id)
    return owner, phone, contract


async def test_a_contract_sign_in_opens_the_contract_and_nothing_else_of_its_holder(gql, viewers):
    owner, _, contract = await _owner_with_contract()
    await family.number(await family.account(owner))  # another account of theirs
    signed = (await gql(SIGN_IN, {"l": contract.login.upper(), "p": PASSWORD})).ok()
    token = signed["signInWithContract"]["accessToken"]
    seen = (await gql(WHAT_I_SEE, token=token)).ok()["viewer"]
    assert seen["accounts"] == [] and seen["numbers"] == []
    assert seen["lines"] == [
        {
            "__typename": "HomeContract",
            "accessLevel": "FULL",
            "contractNumber": contract.contract_number,
            "address": contract.address,
        }
    ]
    assert seen["sessions"] == [
        {"method": "CONTRACT", "contractNumber": contract.contract_number, "current": True}
    ]


async def test_the_holders_own_session_lists_the_contract_sign_in(gql, viewers):
    owner, _, contract = await _owner_with_contract()
    (await gql(SIGN_IN, {"l": contract.login, "p": PASSWORD})).ok()
    seen = (await gql(WHAT_I_SEE, token=await viewers.token_for(owner))).ok()["viewer"]
    methods = {(s["method"], s["contractNumber"]) for s in seen["sessions"]}
    assert ("CONTRACT", contract.contract_number) in methods
    assert ("CODE", None) in methods


async def test_a_contract_session_may_not_act_on_the_holders_phone_or_profile(gql):
    _, phone, contract = await _owner_with_contract()
    token = (await gql(SIGN_IN, {"l": contract.login, "p": PASSWORD})).ok()
    token = token["signInWithContract"]["accessToken"]
    roaming = "mutation($m: String) { setRoaming(msisdn: $m, enabled: true) { operation { id } } }"
    refused = await gql(roaming, {"m": phone.msisdn}, token=token)
    assert refused.error_codes == ["FORBIDDEN"]
    profile = 'mutation { updateProfile(input: { fullName: "X" }) { fullName } }'
    assert (await gql(profile, token=token)).error_codes == ["FORBIDDEN"]


async def test_a_wrong_contract_password_and_an_unknown_login_look_the_same(gql):
    _, _, contract = await _owner_with_contract()
    wrong = await gql(SIGN_IN, {"l": contract.login, "p": "not-the-password"})
    unknown = await gql(SIGN_IN, {"l": "nobody-home", "p": PASSWORD})
    assert wrong.error_codes == unknown.error_codes == ["UNAUTHENTICATED"]
    assert wrong.errors[0]["message"] == unknown.errors[0]["message"]
    assert not await AuditEvent.filter(detail__contains=PASSWORD).exists()


async def test_ten_failures_lock_the_contract_login_even_for_the_right_password(gql):
    _, _, contract = await _owner_with_contract()
    for _ in range(10):
        await gql(SIGN_IN, {"l": contract.login, "p": "wrong-password"})
    locked = await gql(SIGN_IN, {"l": contract.login, "p": PASSWORD})
    assert locked.error_codes == ["RATE_LIMITED"]


async def test_a_contract_without_a_password_cannot_be_signed_in_to(gql):
    _, _, contract = await _owner_with_contract(password=None)
    result = await gql(SIGN_IN, {"l": contract.login, "p": PASSWORD})
    assert result.error_codes == ["UNAUTHENTICATED"]


async def test_the_owner_sets_the_contract_password_and_its_sessions_end(gql, viewers):
    owner, _, contract = await _owner_with_contract()
    old = (await gql(SIGN_IN, {"l": contract.login, "p": PASSWORD})).ok()
    old_token = old["signInWithContract"]["accessToken"]
    token = await viewers.token_for(owner)
    weak = await gql(SET_PASSWORD, {"c": contract.contract_number, "p": "short"}, token=token)
    assert weak.error_codes == ["BAD_USER_INPUT"]
    as_number = {"c": contract.contract_number, "p": f"x{contract.contract_number}y"}
    assert (await gql(SET_PASSWORD, as_number, token=token)).error_codes == ["BAD_USER_INPUT"]
    changed = {"c": contract.contract_number, "p": "a-new-home-secret"}
    assert (await gql(SET_PASSWORD, changed, token=token)).ok() == {
        "setContractPassword": {"revokedSessions": 1}
    }
    assert (await gql(WHAT_I_SEE, token=old_token)).status_code == 401
    again = await gql(SIGN_IN, {"l": contract.login, "p": "a-new-home-secret"})
    assert again.ok()["signInWithContract"]["accessToken"]


async def test_a_topup_grantee_may_not_set_the_contract_password(gql, viewers):
    owner, _, contract = await _owner_with_contract()
    relative = await family.subscriber("Relative")
    line = await contract.line
    await family.grant(line, relative, AccessLevel.TOPUP, by=owner)
    token = await viewers.token_for(relative)
    result = await gql(
        SET_PASSWORD, {"c": contract.contract_number, "p": "another-secret-1"}, token=token
    )
    assert result.error_codes == ["FORBIDDEN"]
    stranger = await viewers.token_for(await family.subscriber("Stranger"))
    hidden = await gql(
        SET_PASSWORD, {"c": contract.contract_number, "p": "another-secret-1"}, token=stranger
    )
    assert hidden.error_codes == ["NOT_FOUND"]


async def test_a_contract_session_does_not_see_the_holders_grants_cards_or_phones(gql):
    owner, phone, contract = await _owner_with_contract()
    relative = await family.subscriber("Relative")
    theirs = await family.number(await family.account(relative))
    held = await family.grant(theirs, owner, AccessLevel.FULL, by=relative)
    signed = (await gql(SIGN_IN, {"l": contract.login, "p": PASSWORD})).ok()
    token = signed["signInWithContract"]["accessToken"]
    seen = await gql("{ viewer { grantsReceived { msisdn } paymentCards { last4 } } }", token=token)
    assert seen.ok()["viewer"] == {"grantsReceived": [], "paymentCards": []}
    by_id = await gql(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": to_base64("Grant", held.id)},
        token=token,
    )
    assert by_id.error_codes == ["NOT_FOUND"]
    for msisdn in (phone.msisdn, theirs.msisdn):
        found = await gql(
            "query($m: String!) { number(msisdn: $m) { id } }", {"m": msisdn}, token=token
        )
        assert found.error_codes == ["NOT_FOUND"]


async def test_a_contract_session_tops_up_its_contract_by_the_contract_number(gql):
    _, phone, contract = await _owner_with_contract()
    signed = (await gql(SIGN_IN, {"l": contract.login, "p": PASSWORD})).ok()
    token = signed["signInWithContract"]["accessToken"]
    top_up = """
    mutation($input: TopUpInput!) { topUp(input: $input) {
      payment { status amount { amount } } line { accessLevel canTopUp } } }
    """
    paid = await gql(
        top_up,
        {
            "input": {
                "contractNumber": contract.contract_number,
                "amount": "150.00",
                "idempotencyKey": "contract-session-1",
                "cardToken": "tok_visa",
            }
        },
        token=token,
    )
    assert paid.ok()["topUp"] == {
        "payment": {"status": "SUCCEEDED", "amount": {"amount": "150.00"}},
        "line": {"accessLevel": "FULL", "canTopUp": True},
    }
    # The holder's phone is out of this session's reach, for money too.
    refused = await gql(
        top_up,
        {
            "input": {
                "msisdn": phone.msisdn,
                "amount": "150.00",
                "idempotencyKey": "contract-session-2",
                "cardToken": "tok_visa",
            }
        },
        token=token,
    )
    assert refused.error_codes == ["NOT_FOUND"]


async def test_a_contract_session_may_not_pay_with_the_holders_saved_card(gql, viewers):
    owner, _, contract = await _owner_with_contract()
    add_card = 'mutation { addPaymentCard(token: "tok_visa") { id } }'
    card = (await gql(add_card, token=await viewers.token_for(owner))).ok()["addPaymentCard"]
    signed = (await gql(SIGN_IN, {"l": contract.login, "p": PASSWORD})).ok()
    token = signed["signInWithContract"]["accessToken"]
    paid = await gql(
        "mutation($input: TopUpInput!) { topUp(input: $input) { payment { status } } }",
        {
            "input": {
                "contractNumber": contract.contract_number,
                "amount": "150.00",
                "idempotencyKey": "contract-session-card",
                "paymentMethodId": card["id"],
            }
        },
        token=token,
    )
    assert paid.error_codes == ["NOT_FOUND"]
    assert paid.errors[0]["message"] == "No such saved card."
