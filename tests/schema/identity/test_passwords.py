from models import SignInMethod, Subscriber
from resolvers.identity.passwords import verify_password
from tests.schema.identity.conftest import OWNER_PASSWORD, OWNER_PHONE

SET_PASSWORD = "mutation($p: String!) { setPassword(newPassword: $p) { revokedSessions } }"
CHANGE_PASSWORD = """
mutation($old: String!, $new: String!) {
  changePassword(oldPassword: $old, newPassword: $new) { revokedSessions }
}
"""
VIEWER = "{ viewer { subscriber { phone } } }"
NEW_PASSWORD = "violet-mountain-42"


async def test_set_password_after_code_sign_in_resets_a_forgotten_one(gql, owner, viewers):
    token = await viewers.token_for(owner, SignInMethod.CODE)
    other = await viewers.token_for(owner, SignInMethod.PASSWORD)
    result = (await gql(SET_PASSWORD, {"p": NEW_PASSWORD}, token=token)).ok()
    assert result == {"setPassword": {"revokedSessions": 1}}
    stored = (await Subscriber.get(id=owner.id)).password_hash
    assert await verify_password(stored, NEW_PASSWORD)
    assert (await gql(VIEWER, token=other)).status_code == 401
    assert (await gql(VIEWER, token=token)).ok()


async def test_set_password_from_a_password_session_is_forbidden(gql, owner, viewers):
    token = await viewers.token_for(owner, SignInMethod.PASSWORD)
    result = await gql(SET_PASSWORD, {"p": NEW_PASSWORD}, token=token)
    assert result.error_codes == ["FORBIDDEN"]


async def test_set_password_as_anonymous_is_unauthenticated(gql):
    assert (await gql(SET_PASSWORD, {"p": NEW_PASSWORD})).error_codes == ["UNAUTHENTICATED"]


async def test_set_password_refuses_weak_passwords(gql, owner, viewers):
    token = await viewers.token_for(owner)
    for weak, why in [
        ("short1", "at least 8"),
        ("qwerty123", "too common"),
        ("89990000001", "phone number"),
        ("anna+79990000001", "phone number"),
        ("x" * 129, "at most 128"),
    ]:
        result = await gql(SET_PASSWORD, {"p": weak}, token=token)
        assert result.error_codes == ["BAD_USER_INPUT"], weak
        assert why in result.errors[0]["message"], weak
    assert await verify_password((await Subscriber.get(id=owner.id)).password_hash, OWNER_PASSWORD)


async def test_change_password_revokes_every_other_session(gql, owner, viewers):
    token = await viewers.token_for(owner, SignInMethod.PASSWORD)
    others = [await viewers.token_for(owner) for _ in range(2)]
    result = await gql(CHANGE_PASSWORD, {"old": OWNER_PASSWORD, "new": NEW_PASSWORD}, token=token)
    assert result.ok() == {"changePassword": {"revokedSessions": 2}}
    for other in others:
        assert (await gql(VIEWER, token=other)).status_code == 401
    assert (await gql(VIEWER, token=token)).ok()
    signed_in = await gql(
        "mutation($p: String!, $w: String!) { signInWithPassword(phone: $p, password: $w) "
        "{ accessToken } }",
        {"p": OWNER_PHONE, "w": NEW_PASSWORD},
    )
    assert signed_in.ok()


async def test_change_password_with_wrong_old_password_changes_nothing(gql, owner, viewers):
    token = await viewers.token_for(owner, SignInMethod.PASSWORD)
    other = await viewers.token_for(owner)
    result = await gql(CHANGE_PASSWORD, {"old": "wrong-one", "new": NEW_PASSWORD}, token=token)
    assert result.error_codes == ["UNAUTHENTICATED"]
    assert (await gql(VIEWER, token=other)).ok()
    assert await verify_password((await Subscriber.get(id=owner.id)).password_hash, OWNER_PASSWORD)
