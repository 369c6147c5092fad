from zoneinfo import ZoneInfo

from models import AccessLevel, Payment, PaymentCard
from tests.support import family

ADD_CARD = "mutation($t: String!) { addPaymentCard(token: $t) { id brand last4 expMonth expYear } }"
REMOVE_CARD = "mutation($id: ID!) { removePaymentCard(id: $id) { last4 } }"
CARDS = "{ viewer { paymentCards { id brand last4 } } }"
TOP_UP = """
mutation($m: String!, $card: ID!, $k: String!) { topUp(input: {msisdn: $m, amount: "100.00",
  idempotencyKey: $k, paymentMethodId: $card}) { payment { status } } }
"""
HISTORY = """
query($m: String!, $after: String, $kinds: [LedgerKind!]) { number(msisdn: $m) {
  payments(first: 2) { nodes { amount { amount } status } pageInfo { hasNextPage endCursor } }
  balanceHistory(first: 2, after: $after, kinds: $kinds) {
    nodes { kind amount { amount } balanceAfter { amount } }
    pageInfo { hasNextPage endCursor } }
} }
"""


async def owner_with_number():
    owner = await family.subscriber("Owner")
    number = await family.number(await family.account(owner), user=owner, balance=0)
    return owner, number


async def test_saved_card_keeps_only_what_identifies_it_and_pays(gql, viewers):
    owner, number = await owner_with_number()
    token = await viewers.token_for(owner)
    card = (await gql(ADD_CARD, {"t": "tok_mastercard"}, token=token)).ok()["addPaymentCard"]
    assert (card["brand"], card["last4"], card["expMonth"], card["expYear"]) == (
        "mastercard",
        "4444",
        12,
        2030,
    )
    stored = await PaymentCard.get(subscriber_id=owner.id)
    assert set(stored._meta.fields_map) >= {"brand", "last4", "provider_token"}
    assert (await gql(CARDS, token=token)).ok()["viewer"]["paymentCards"] == [
        {"id": card["id"], "brand": "mastercard", "last4": "4444"}
    ]
    paid = await gql(TOP_UP, {"m": number.msisdn, "card": card["id"], "k": "c1"}, token=token)
    assert paid.ok()["topUp"]["payment"]["status"] == "SUCCEEDED"

    assert (await gql(REMOVE_CARD, {"id": card["id"]}, token=token)).ok()
    assert (await gql(CARDS, token=token)).ok()["viewer"]["paymentCards"] == []
    again = await gql(TOP_UP, {"m": number.msisdn, "card": card["id"], "k": "c2"}, token=token)
    assert again.error_codes == ["NOT_FOUND"]


async def test_someone_elses_card_is_not_found(gql, viewers):
    owner, number = await owner_with_number()
    other = await family.subscriber("Other")
    other_token = await viewers.token_for(other)
    card = (await gql(ADD_CARD, {"t": "tok_visa"}, token=other_token)).ok()["addPaymentCard"]
    token = await viewers.token_for(owner)
    assert (
        await gql(TOP_UP, {"m": number.msisdn, "card": card["id"], "k": "x"}, token=token)
    ).error_codes == ["NOT_FOUND"]
    assert (await gql(REMOVE_CARD, {"id": card["id"]}, token=token)).error_codes == ["NOT_FOUND"]


async def test_unknown_card_token_is_bad_input(gql, viewers):
    owner, _ = await owner_with_number()
    result = await gql(ADD_CARD, {"t": "tok_nope"}, token=await viewers.token_for(owner))
    assert result.error_codes == ["BAD_USER_INPUT"]


async def test_history_pages_newest_first_and_filters_by_kind(gql, viewers):
    owner, number = await owner_with_number()
    token = await viewers.token_for(owner)
    card = (await gql(ADD_CARD, {"t": "tok_visa"}, token=token)).ok()["addPaymentCard"]
    for i in range(3):
        await gql(TOP_UP, {"m": number.msisdn, "card": card["id"], "k": f"h{i}"}, token=token)
    first = (await gql(HISTORY, {"m": number.msisdn, "kinds": ["TOPUP"]}, token=token)).ok()
    history = first["number"]["balanceHistory"]
    assert [n["balanceAfter"]["amount"] for n in history["nodes"]] == ["300.00", "200.00"]
    assert history["pageInfo"]["hasNextPage"] is True
    assert first["number"]["payments"]["pageInfo"]["hasNextPage"] is True
    rest = await gql(
        HISTORY,
        {"m": number.msisdn, "kinds": ["TOPUP"], "after": history["pageInfo"]["endCursor"]},
        token=token,
    )
    last = rest.ok()["number"]["balanceHistory"]
    assert [n["balanceAfter"]["amount"] for n in last["nodes"]] == ["100.00"]
    assert last["pageInfo"]["hasNextPage"] is False


async def test_history_as_topup_delegate_is_forbidden(gql, viewers):
    owner, number = await owner_with_number()
    relative = await family.subscriber("Relative")
    await family.grant(number, relative, AccessLevel.TOPUP, by=owner)
    result = await gql(HISTORY, {"m": number.msisdn}, token=await viewers.token_for(relative))
    assert set(result.error_codes) == {"FORBIDDEN"}
    assert result.data["number"]["payments"] is None


async def test_bad_cursor_is_bad_input(gql, viewers):
    owner, number = await owner_with_number()
    result = await gql(
        HISTORY, {"m": number.msisdn, "after": "garbage"}, token=await viewers.token_for(owner)
    )
    assert "BAD_USER_INPUT" in result.error_codes


async def test_history_filter_with_another_offset_means_the_same_instant(gql, viewers):
    owner, number = await owner_with_number()
    token = await viewers.token_for(owner)
    card = (await gql(ADD_CARD, {"t": "tok_visa"}, token=token)).ok()["addPaymentCard"]
    await gql(TOP_UP, {"m": number.msisdn, "card": card["id"], "k": "tz"}, token=token)
    paid_at = (await Payment.first()).created_at
    moscow = paid_at.astimezone(ZoneInfo("Europe/Moscow"))
    query = """query($m: String!, $from: DateTime) { number(msisdn: $m) {
      payments(from: $from) { nodes { status } } } }"""
    result = await gql(query, {"m": number.msisdn, "from": moscow.isoformat()}, token=token)
    assert len(result.ok()["number"]["payments"]["nodes"]) == 1
