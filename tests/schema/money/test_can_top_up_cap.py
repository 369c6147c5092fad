"""`canTopUp` follows the TOPUP grant's monthly cap: true while a top-up could still pass,
false once what is left is below the smallest top-up."""

from models import AccessLevel
from tests.support import family

TOP_UP = """
mutation($m: String!, $a: Decimal!, $k: String!) { topUp(input: {
  msisdn: $m, amount: $a, idempotencyKey: $k, cardToken: "tok_visa"}) { payment { status } }
}
"""
CAN = "query($m: String!) { number(msisdn: $m) { canTopUp } }"
LISTED = "{ viewer { numbers { msisdn canTopUp } } }"


async def test_can_top_up_as_topup_delegate_until_the_monthly_cap_is_used(gql, viewers):
    owner = await family.subscriber("Owner")
    number = await family.number(await family.account(owner), user=owner)
    relative = await family.subscriber("Relative")
    grant = await family.grant(number, relative, AccessLevel.TOPUP, by=owner)
    grant.topup_monthly_limit = 30000
    await grant.save()
    token = await viewers.token_for(relative)
    m = number.msisdn

    async def can() -> bool:
        return (await gql(CAN, {"m": m}, token=token)).ok()["number"]["canTopUp"]

    assert await can() is True
    await gql(TOP_UP, {"m": m, "a": "200.00", "k": "a"}, token=token)
    assert await can() is True  # 100.00 left
    await gql(TOP_UP, {"m": m, "a": "95.00", "k": "b"}, token=token)
    assert await can() is False  # 5.00 left is below the smallest top-up, 10.00
    over = await gql(TOP_UP, {"m": m, "a": "10.00", "k": "c"}, token=token)
    assert over.errors[0]["extensions"]["limit"] == "GRANT_MONTHLY"
    listed = (await gql(LISTED, token=token)).ok()["viewer"]["numbers"]
    assert listed == [{"msisdn": m, "canTopUp": False}]
    owner_token = await viewers.token_for(owner)
    assert (await gql(CAN, {"m": m}, token=owner_token)).ok()["number"]["canTopUp"] is True
