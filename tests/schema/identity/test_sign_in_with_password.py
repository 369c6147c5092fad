from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST

from models import Subscriber
from resolvers.identity.lockout import LOCK_SECONDS
from tests.schema.identity.conftest import OWNER_PASSWORD, OWNER_PHONE

SIGN_IN_WITH_PASSWORD = """
mutation($phone: String!, $password: String!) {
  signInWithPassword(phone: $phone, password: $password) { accessToken subscriber { phone } }
}
"""
SIGN_IN = """
mutation($phone: String!, $code: String!) { signIn(phone: $phone, code: $code) { accessToken } }
"""


async def sign_in(gql, password, phone=OWNER_PHONE):
    return await gql(SIGN_IN_WITH_PASSWORD, {"phone": phone, "password": password})


async def test_sign_in_with_the_right_password(gql, owner):
    payload = (await sign_in(gql, OWNER_PASSWORD)).ok()["signInWithPassword"]
    assert payload["subscriber"] == {"phone": OWNER_PHONE}


async def test_wrong_password_and_unknown_phone_get_the_same_answer(gql, owner):
    wrong = await sign_in(gql, "not-the-password")
    unknown = await sign_in(gql, OWNER_PASSWORD, phone="+79995550000")
    assert wrong.error_codes == unknown.error_codes == ["UNAUTHENTICATED"]
    assert wrong.errors[0]["message"] == unknown.errors[0]["message"]


async def test_subscriber_without_password_cannot_sign_in_with_one(gql):
    await Subscriber.create(phone="+79990000002", full_name="Маша")
    result = await sign_in(gql, "", phone="+79990000002")
    assert result.error_codes == ["UNAUTHENTICATED"]


async def test_eleventh_attempt_after_ten_failures_is_locked_out(gql, owner):
    for i in range(10):
        # Codes and passwords count together.
        if i % 2:
            result = await gql(SIGN_IN, {"phone": OWNER_PHONE, "code": "000000"})
        else:
            result = await sign_in(gql, f"wrong-{i}")
        assert result.error_codes == ["UNAUTHENTICATED"], i
    locked = await sign_in(gql, OWNER_PASSWORD)
    assert locked.error_codes == ["RATE_LIMITED"]
    assert LOCK_SECONDS - 5 <= locked.errors[0]["extensions"]["retryAfter"] <= LOCK_SECONDS


async def test_a_success_resets_the_failure_count(gql, owner):
    for i in range(9):
        await sign_in(gql, f"wrong-{i}")
    assert (await sign_in(gql, OWNER_PASSWORD)).ok()
    for i in range(9):
        await sign_in(gql, f"wrong-again-{i}")
    assert (await sign_in(gql, OWNER_PASSWORD)).ok()


async def test_lock_out_is_per_phone(gql, owner):
    for _ in range(10):
        await sign_in(gql, "x", phone="+79995550000")
    assert (await sign_in(gql, OWNER_PASSWORD)).ok()


async def test_hash_with_old_parameters_is_upgraded_at_sign_in(gql):
    weaker = PasswordHasher(
        time_cost=1, memory_cost=CHEAPEST.memory_cost, parallelism=1, hash_len=16, salt_len=8
    )
    await Subscriber.create(
        phone=OWNER_PHONE, full_name="Анна", password_hash=weaker.hash(OWNER_PASSWORD)
    )
    assert (await sign_in(gql, OWNER_PASSWORD)).ok()
    upgraded = (await Subscriber.get(phone=OWNER_PHONE)).password_hash
    assert upgraded != weaker.hash(OWNER_PASSWORD)
    assert f"t={CHEAPEST.time_cost}" in upgraded and "$argon2id$" in upgraded
    assert (await sign_in(gql, OWNER_PASSWORD)).ok()


async def test_a_burst_of_parallel_guesses_gets_ten_tries(gql, owner):
    import asyncio

    results = await asyncio.gather(*[sign_in(gql, f"guess-{i}") for i in range(30)])
    codes = [r.error_codes[0] for r in results]
    assert codes.count("UNAUTHENTICATED") == 10
    assert codes.count("RATE_LIMITED") == 20
    assert (await sign_in(gql, OWNER_PASSWORD)).error_codes == ["RATE_LIMITED"]
