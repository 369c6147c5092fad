"""The settings page's profile (updateProfile, Subscriber's own fields) and signing in with
the login alias instead of the phone number."""

from __future__ import annotations

import pytest

from models import AccessLevel, Subscriber
from tests.schema.identity.conftest import OWNER_PASSWORD, OWNER_PHONE
from tests.support import family

UPDATE = """
mutation($input: UpdateProfileInput!) { updateProfile(input: $input) {
  fullName loginAlias contactEmail contactEmailConfirmed numbersUsed
} }
"""
ME = """
{ viewer { subscriber { phone fullName loginAlias contactEmail contactEmailConfirmed
  numbersUsed } } }
"""
SIGN_IN = """
mutation($phone: String!, $password: String!) {
  signInWithPassword(phone: $phone, password: $password) { subscriber { phone } }
}
"""


async def test_the_subscriber_sees_their_settings_and_the_numbers_they_use(gql, viewers, owner):
    account = await family.account(owner)
    own = await family.number(account, user=owner)
    await family.number(account)  # owned, not used: not in numbersUsed
    elsewhere = await family.number(await family.account(await family.subscriber()), user=owner)
    me = (await gql(ME, token=await viewers.token_for(owner))).ok()["viewer"]["subscriber"]
    assert me == {
        "phone": OWNER_PHONE,
        "fullName": "Анна",
        "loginAlias": None,
        "contactEmail": None,
        "contactEmailConfirmed": False,
        "numbersUsed": sorted([own.msisdn, elsewhere.msisdn]),
    }


async def test_update_profile_as_the_subscriber(gql, viewers, owner):
    token = await viewers.token_for(owner)
    result = await gql(
        UPDATE, {"input": {"fullName": "  Анна   Петрова ", "loginAlias": "Anna.P"}}, token=token
    )
    assert result.ok()["updateProfile"]["fullName"] == "Анна Петрова"
    assert result.ok()["updateProfile"]["loginAlias"] == "Anna.P"
    untouched = await gql(UPDATE, {"input": {}}, token=token)
    assert untouched.ok()["updateProfile"]["loginAlias"] == "Anna.P"
    removed = await gql(UPDATE, {"input": {"loginAlias": ""}}, token=token)
    assert removed.ok()["updateProfile"]["loginAlias"] is None
    assert (await Subscriber.get(id=owner.id)).login_alias_key is None


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ("an", "A login alias has 3 to 32 characters."),
        ("a" * 33, "A login alias has 3 to 32 characters."),
        ("анна", "A login alias may have Latin letters, digits and . _ - only."),
        ("anna petrova", "A login alias may have Latin letters, digits and . _ - only."),
        ("anna@home", "A login alias may have Latin letters, digits and . _ - only."),
        ("79161234567", "at least one letter, so it cannot be read as a phone number"),
        ("916-123-45.67", "at least one letter, so it cannot be read as a phone number"),
    ],
)
async def test_a_bad_alias_is_refused_with_the_rule(gql, viewers, owner, alias, message):
    result = await gql(
        UPDATE, {"input": {"loginAlias": alias}}, token=await viewers.token_for(owner)
    )
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert message in result.errors[0]["message"]
    assert result.errors[0]["extensions"]["field"] == "loginAlias"


@pytest.mark.parametrize("name", ["", "   ", "я" * 201])
async def test_a_full_name_needs_one_to_200_characters(gql, viewers, owner, name):
    result = await gql(UPDATE, {"input": {"fullName": name}}, token=await viewers.token_for(owner))
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == "fullName"


async def test_an_alias_is_unique_whatever_its_case(gql, viewers, owner):
    other = await family.subscriber("Другая Анна")
    await gql(UPDATE, {"input": {"loginAlias": "anna"}}, token=await viewers.token_for(owner))
    taken = await gql(
        UPDATE, {"input": {"loginAlias": "ANNA"}}, token=await viewers.token_for(other)
    )
    assert taken.error_codes == ["CONFLICT"]
    assert taken.errors[0]["message"] == "This login alias is taken: choose another."
    # Changing the case of one's own alias is not taking someone else's.
    mine = await gql(
        UPDATE, {"input": {"loginAlias": "ANNA"}}, token=await viewers.token_for(owner)
    )
    assert mine.ok()["updateProfile"]["loginAlias"] == "ANNA"


async def test_someone_elses_settings_are_forbidden(gql, viewers, owner):
    account = await family.account(owner)
    child = await family.subscriber("Петя")
    number = await family.number(account, user=child)
    result = await gql(
        "query($m: String!) { number(msisdn: $m) { user { fullName contactEmail loginAlias } } }",
        {"m": number.msisdn},
        token=await viewers.token_for(owner),
    )
    assert result.data["number"]["user"] is None or result.data["number"]["user"]["fullName"]
    assert set(result.error_codes) == {"FORBIDDEN"}
    assert result.errors[0]["message"] == "Only the subscriber sees their own settings."


async def test_a_partner_app_and_anonymous_cannot_update_a_profile(gql, viewers, owner):
    app = await family.partner_app(["numbers:read", "manage"])
    as_app = await gql(UPDATE, {"input": {"fullName": "X"}}, token=await viewers.partner_token(app))
    assert as_app.error_codes == ["UNAUTHENTICATED"]
    assert (await gql(UPDATE, {"input": {"fullName": "X"}})).error_codes == ["UNAUTHENTICATED"]
    assert (await Subscriber.get(id=owner.id)).full_name == "Анна"


async def test_sign_in_with_the_alias_in_any_case(gql, viewers, owner):
    await gql(UPDATE, {"input": {"loginAlias": "Anna.P"}}, token=await viewers.token_for(owner))
    for login in ("Anna.P", "anna.p", "  ANNA.P "):
        result = await gql(SIGN_IN, {"phone": login, "password": OWNER_PASSWORD})
        assert result.ok()["signInWithPassword"]["subscriber"] == {"phone": OWNER_PHONE}


async def test_an_unknown_alias_is_refused_like_a_wrong_password(gql, viewers, owner):
    await gql(UPDATE, {"input": {"loginAlias": "anna"}}, token=await viewers.token_for(owner))
    wrong = await gql(SIGN_IN, {"phone": "anna", "password": "not-it"})
    unknown = await gql(SIGN_IN, {"phone": "boris", "password": OWNER_PASSWORD})
    nonsense = await gql(SIGN_IN, {"phone": "not an alias!", "password": OWNER_PASSWORD})
    for result in (wrong, unknown, nonsense):
        assert result.error_codes == ["UNAUTHENTICATED"]
        assert result.errors[0]["message"] == "Wrong phone number, code or password."


async def test_the_alias_and_the_phone_share_one_lock_out(gql, viewers, owner):
    await gql(UPDATE, {"input": {"loginAlias": "anna"}}, token=await viewers.token_for(owner))
    for i in range(10):
        login = "anna" if i % 2 else OWNER_PHONE
        await gql(SIGN_IN, {"phone": login, "password": f"wrong-{i}"})
    for login in ("anna", OWNER_PHONE):
        locked = await gql(SIGN_IN, {"phone": login, "password": OWNER_PASSWORD})
        assert locked.error_codes == ["RATE_LIMITED"]


async def test_a_delegate_sees_the_numbers_they_use_not_those_granted(gql, viewers, owner):
    number = await family.number(await family.account(owner))
    granny = await family.subscriber("Бабушка")
    await family.grant(number, granny, AccessLevel.FULL, by=owner)
    me = (await gql(ME, token=await viewers.token_for(granny))).ok()["viewer"]["subscriber"]
    assert me["numbersUsed"] == []


@pytest.mark.parametrize("numbers", [1, 12])
async def test_the_settings_page_costs_the_same_few_statements_however_many_numbers(
    gql, viewers, owner, numbers
):
    from tests.support.queries import count_queries

    account = await family.account(owner)
    for _ in range(numbers):
        await family.number(account, user=owner)
    token = await viewers.token_for(owner)
    with count_queries() as sql:
        me = (await gql(ME, token=token)).ok()["viewer"]["subscriber"]
    assert len(me["numbersUsed"]) == numbers
    # the token; the reach; the subscriber's row; their settings
    assert sql.count == 4, sql.statements
    with count_queries() as sql:
        (await gql("{ viewer { subscriber { fullName } } }", token=token)).ok()
    assert sql.count == 3, sql.statements  # no settings asked: not read
