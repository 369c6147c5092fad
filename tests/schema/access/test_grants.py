from datetime import UTC, datetime, timedelta

from strawberry.relay import to_base64

from models import AccessLevel
from tests.support import family

GRANT = """
mutation($input: GrantAccessInput!) { grantAccess(input: $input) {
  id level active expiresAt topUpMonthlyLimit { amount } msisdn
  grantee { __typename ... on Subscriber { phone } ... on PartnerApp { clientId } } } }
"""
REVOKE = "mutation($id: ID!) { revokeAccess(grantId: $id) { active revokedAt } }"
MY_NUMBERS = "{ viewer { numbers { msisdn accessLevel canTopUp } } }"
GIVEN = "{ viewer { grantsGiven { level msisdn } } }"
RECEIVED = """{ viewer { grantsReceived { level active msisdn number { msisdn accessLevel } } } }"""
NUMBER_GRANTS = "query($m: String!) { number(msisdn: $m) { grants { level active } } }"


async def owner_with_number():
    owner = await family.subscriber("Owner")
    number = await family.number(await family.account(owner))
    return owner, number


async def test_grant_as_owner_gives_a_relative_topup_access(gql, viewers):
    owner, number = await owner_with_number()
    relative = await family.subscriber("Relative")
    token = await viewers.token_for(owner)
    created = await gql(
        GRANT,
        {
            "input": {
                "msisdn": number.msisdn,
                "granteePhone": relative.phone,
                "level": "TOPUP",
                "topUpMonthlyLimit": "1500.00",
            }
        },
        token=token,
    )
    grant = created.ok()["grantAccess"]
    assert grant["level"] == "TOPUP" and grant["active"] is True
    assert grant["topUpMonthlyLimit"] == {"amount": "1500.00"}
    assert grant["grantee"] == {"__typename": "Subscriber", "phone": relative.phone}

    relative_token = await viewers.token_for(relative)
    numbers = (await gql(MY_NUMBERS, token=relative_token)).ok()["viewer"]["numbers"]
    assert numbers == [{"msisdn": number.msisdn, "accessLevel": "TOPUP", "canTopUp": True}]
    received = (await gql(RECEIVED, token=relative_token)).ok()["viewer"]["grantsReceived"]
    assert received[0]["number"] == {"msisdn": number.msisdn, "accessLevel": "TOPUP"}
    assert (await gql(GIVEN, token=token)).ok()["viewer"]["grantsGiven"] == [
        {"level": "TOPUP", "msisdn": number.msisdn}
    ]
    grants = (await gql(NUMBER_GRANTS, {"m": number.msisdn}, token=token)).ok()
    assert grants["number"]["grants"] == [{"level": "TOPUP", "active": True}]


async def test_grant_to_a_partner_app_by_client_id(gql, viewers):
    owner, number = await owner_with_number()
    app = await family.partner_app(["numbers:read"])
    created = await gql(
        GRANT,
        {"input": {"msisdn": number.msisdn, "partnerClientId": app.client_id, "level": "FULL"}},
        token=await viewers.token_for(owner),
    )
    assert created.ok()["grantAccess"]["grantee"] == {
        "__typename": "PartnerApp",
        "clientId": app.client_id,
    }
    partner_view = await gql(MY_NUMBERS, token=await viewers.partner_token(app, ["numbers:read"]))
    assert partner_view.ok()["viewer"]["numbers"][0]["accessLevel"] == "FULL"


async def test_granting_again_replaces_the_active_grant(gql, viewers):
    owner, number = await owner_with_number()
    relative = await family.subscriber("Relative")
    token = await viewers.token_for(owner)
    for level in ("TOPUP", "FULL"):
        variables = {
            "input": {"msisdn": number.msisdn, "granteePhone": relative.phone, "level": level}
        }
        assert (await gql(GRANT, variables, token=token)).ok()
    grants = (await gql(NUMBER_GRANTS, {"m": number.msisdn}, token=token)).ok()
    assert grants["number"]["grants"] == [
        {"level": "TOPUP", "active": False},
        {"level": "FULL", "active": True},
    ]


async def test_bad_grant_inputs_are_refused_clearly(gql, viewers):
    owner, number = await owner_with_number()
    relative = await family.subscriber("Relative")
    token = await viewers.token_for(owner)
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    for extra, message in [
        ({"granteePhone": relative.phone, "partnerClientId": "pa_x"}, "exactly one"),
        ({}, "exactly one"),
        ({"granteePhone": "+79995550000"}, "No subscriber"),
        ({"granteePhone": owner.phone}, "already own"),
        ({"granteePhone": relative.phone, "expiresAt": past}, "future"),
        ({"granteePhone": relative.phone, "topUpMonthlyLimit": "0"}, "positive"),
        # Signs and a third decimal are refused by the Decimal scalar, which names the form.
        ({"granteePhone": relative.phone, "topUpMonthlyLimit": "-5"}, 'like "500.00"'),
        ({"granteePhone": relative.phone, "topUpMonthlyLimit": "1.001"}, "up to 2 decimals"),
        ({"partnerClientId": "pa_nobody"}, "No active partner app"),
    ]:
        variables = {"input": {"msisdn": number.msisdn, "level": "TOPUP", **extra}}
        result = await gql(GRANT, variables, token=token)
        assert result.error_codes == ["BAD_USER_INPUT"], extra
        assert message in result.errors[0]["message"], extra
    full_with_limit = {
        "input": {
            "msisdn": number.msisdn,
            "level": "FULL",
            "granteePhone": relative.phone,
            "topUpMonthlyLimit": "10",
        }
    }
    assert (await gql(GRANT, full_with_limit, token=token)).error_codes == ["BAD_USER_INPUT"]


async def test_grant_stops_working_at_its_expiry_instant(gql, viewers, services):
    owner, number = await owner_with_number()
    relative = await family.subscriber("Relative")
    expiry = datetime.now(UTC) + timedelta(minutes=10)  # within the access token's life
    await family.grant(number, relative, AccessLevel.FULL, by=owner, expires_at=expiry)
    token = await viewers.token_for(relative)
    assert (await gql(MY_NUMBERS, token=token)).ok()["viewer"]["numbers"]
    real_clock = services.clock
    services.clock = lambda: expiry - timedelta(microseconds=1)
    assert (await gql(MY_NUMBERS, token=token)).ok()["viewer"]["numbers"]
    services.clock = lambda: expiry
    assert (await gql(MY_NUMBERS, token=token)).ok()["viewer"]["numbers"] == []
    result = await gql(NUMBER_GRANTS, {"m": number.msisdn}, token=token)
    assert result.error_codes == ["NOT_FOUND"]
    services.clock = real_clock


async def test_revoked_grant_stops_working_on_the_next_request(gql, viewers):
    owner, number = await owner_with_number()
    relative = await family.subscriber("Relative")
    grant = await family.grant(number, relative, AccessLevel.FULL, by=owner)
    relative_token = await viewers.token_for(relative)
    assert (await gql(MY_NUMBERS, token=relative_token)).ok()["viewer"]["numbers"]
    revoked = await gql(
        REVOKE, {"id": to_base64("Grant", grant.id)}, token=await viewers.token_for(owner)
    )
    assert revoked.ok()["revokeAccess"]["active"] is False
    assert (await gql(MY_NUMBERS, token=relative_token)).ok()["viewer"]["numbers"] == []


async def test_revoke_as_grantee_is_forbidden(gql, viewers):
    owner, number = await owner_with_number()
    relative = await family.subscriber("Relative")
    grant = await family.grant(number, relative, AccessLevel.FULL, by=owner)
    result = await gql(
        REVOKE, {"id": to_base64("Grant", grant.id)}, token=await viewers.token_for(relative)
    )
    assert result.error_codes == ["FORBIDDEN"]


async def test_revoke_unknown_grant_is_not_found(gql, viewers):
    owner, _ = await owner_with_number()
    result = await gql(
        REVOKE, {"id": to_base64("Grant", 999)}, token=await viewers.token_for(owner)
    )
    assert result.error_codes == ["NOT_FOUND"]
