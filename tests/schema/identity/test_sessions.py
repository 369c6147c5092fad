from datetime import timedelta

from models import Session, SignInMethod, Subscriber

REFRESH = """
mutation($token: String!) { refreshSession(refreshToken: $token) { accessToken refreshToken } }
"""
VIEWER = "{ viewer { subscriber { phone } } }"
SESSIONS = "{ viewer { sessions { id method userAgent current } } }"
REVOKE = "mutation($id: ID!) { revokeSession(id: $id) { revokedSessions } }"
SIGN_OUT = "mutation { signOut { revokedSessions } }"
SIGN_OUT_EVERYWHERE = "mutation { signOutEverywhere { revokedSessions } }"


async def test_refresh_rotates_both_tokens(gql, owner, viewers):
    pair = await viewers.session_for(owner)
    rotated = (await gql(REFRESH, {"token": pair.refresh_token})).ok()["refreshSession"]
    assert rotated["refreshToken"] != pair.refresh_token
    assert (await gql(VIEWER, token=rotated["accessToken"])).ok()
    # The access token of before the rotation is retired with it.
    assert (await gql(VIEWER, token=pair.access_token)).status_code == 401


async def test_refresh_token_used_twice_revokes_the_whole_session(gql, owner, viewers):
    pair = await viewers.session_for(owner)
    rotated = (await gql(REFRESH, {"token": pair.refresh_token})).ok()["refreshSession"]
    replay = await gql(REFRESH, {"token": pair.refresh_token})
    assert replay.error_codes == ["UNAUTHENTICATED"]
    # The thief's replay also kills the tokens the rightful holder got from the rotation.
    assert (await gql(VIEWER, token=rotated["accessToken"])).status_code == 401
    assert (await gql(REFRESH, {"token": rotated["refreshToken"]})).errors
    session = await Session.get(id=pair.session_id)
    assert session.revoke_reason == "refresh_token_reuse"


async def test_unknown_refresh_token_is_unauthenticated(gql):
    assert (await gql(REFRESH, {"token": "krt_nope"})).error_codes == ["UNAUTHENTICATED"]


async def test_expired_access_token_stops_working(gql, owner, viewers, services):
    token = await viewers.token_for(owner)
    real_clock = services.clock
    services.clock = lambda: real_clock() + timedelta(minutes=15, seconds=1)
    response = await gql(VIEWER, token=token)
    assert response.status_code == 401
    assert response.error_codes == ["UNAUTHENTICATED"]


async def test_garbage_token_gets_401_not_anonymous(gql):
    response = await gql(VIEWER, token="kat_forged")
    assert response.status_code == 401
    assert response.error_codes == ["UNAUTHENTICATED"]


async def test_sessions_as_subscriber_list_own_sessions_marking_the_current(gql, owner, viewers):
    token = await viewers.token_for(owner)
    await viewers.token_for(owner, SignInMethod.PASSWORD)
    other = await Subscriber.create(phone="+79990000009", full_name="Пётр")
    await viewers.token_for(other)
    sessions = (await gql(SESSIONS, token=token)).ok()["viewer"]["sessions"]
    assert len(sessions) == 2
    assert sorted(s["current"] for s in sessions) == [False, True]
    assert {s["method"] for s in sessions} == {"CODE", "PASSWORD"}


async def test_revoke_session_kills_that_sessions_token_at_once(gql, owner, viewers):
    token = await viewers.token_for(owner)
    other_pair = await viewers.session_for(owner)
    sessions = (await gql(SESSIONS, token=token)).ok()["viewer"]["sessions"]
    other_id = next(s["id"] for s in sessions if not s["current"])
    assert (await gql(REVOKE, {"id": other_id}, token=token)).ok() == {
        "revokeSession": {"revokedSessions": 1}
    }
    assert (await gql(VIEWER, token=other_pair.access_token)).status_code == 401
    assert (await gql(VIEWER, token=token)).ok()


async def test_revoke_session_of_someone_else_is_not_found(gql, owner, viewers):
    stranger = await Subscriber.create(phone="+79990000009", full_name="Пётр")
    stranger_pair = await viewers.session_for(stranger)
    token = await viewers.token_for(owner)
    from strawberry.relay import to_base64

    result = await gql(REVOKE, {"id": to_base64("Session", stranger_pair.session_id)}, token=token)
    assert result.error_codes == ["NOT_FOUND"]
    assert (await gql(VIEWER, token=stranger_pair.access_token)).ok()


async def test_sign_out_ends_only_this_session(gql, owner, viewers):
    token = await viewers.token_for(owner)
    other = await viewers.token_for(owner)
    assert (await gql(SIGN_OUT, token=token)).ok() == {"signOut": {"revokedSessions": 1}}
    assert (await gql(VIEWER, token=token)).status_code == 401
    assert (await gql(VIEWER, token=other)).ok()


async def test_sign_out_everywhere_ends_every_session(gql, owner, viewers):
    tokens = [await viewers.token_for(owner) for _ in range(3)]
    assert (await gql(SIGN_OUT_EVERYWHERE, token=tokens[0])).ok() == {
        "signOutEverywhere": {"revokedSessions": 3}
    }
    for token in tokens:
        assert (await gql(VIEWER, token=token)).status_code == 401


async def test_sign_out_as_anonymous_is_unauthenticated(gql):
    assert (await gql(SIGN_OUT)).error_codes == ["UNAUTHENTICATED"]
