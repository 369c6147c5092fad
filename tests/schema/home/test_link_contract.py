"""Linking someone's home contract: the code goes to the contract holder's phone; confirming
it gives the asker FULL on the contract (as linking a number does)."""

from __future__ import annotations

from models import HomeContract
from tests.support import family
from tests.support.outbox import last_code_sent_to, sent_messages

LINK = "mutation($c: String!) { linkHomeContract(contractNumber: $c) { resendAfter expiresIn } }"
CONFIRM = """
mutation($c: String!, $k: String!) { confirmLinkHomeContract(contractNumber: $c, code: $k) {
  level source active contractNumber msisdn } }
"""
UNLINK = "mutation($c: String!) { unlinkHomeContract(contractNumber: $c) { revokedGrants } }"
MY_LINES = "{ viewer { lines { accessLevel ... on HomeContract { contractNumber address } } } }"


async def _grandmas_contract():
    grandma = await family.subscriber("Бабушка")
    line = await family.home_contract(await family.account(grandma), user=grandma)
    contract = await HomeContract.get(line_id=line.id)
    grandson = await family.subscriber("Внук")
    return grandma, contract, grandson


async def test_linking_a_contract_with_its_holders_code_gives_full_access(
    gql, viewers, services, settings
):
    grandma, contract, grandson = await _grandmas_contract()
    token = await viewers.token_for(grandson)
    sent = (await gql(LINK, {"c": contract.contract_number}, token=token)).ok()
    assert sent["linkHomeContract"] == {"resendAfter": 60, "expiresIn": 300}
    code = await last_code_sent_to(services, settings.sms_outbox_path, grandma.phone)
    message = (await sent_messages(services, settings.sms_outbox_path))[-1]["text"]
    assert grandson.phone in message and contract.contract_number in message
    linked = (await gql(CONFIRM, {"c": contract.contract_number, "k": code}, token=token)).ok()
    assert linked["confirmLinkHomeContract"] == {
        "level": "FULL",
        "source": "LINK",
        "active": True,
        "contractNumber": contract.contract_number,
        "msisdn": None,
    }
    lines = (await gql(MY_LINES, token=token)).ok()["viewer"]["lines"]
    assert lines == [
        {
            "accessLevel": "FULL",
            "contractNumber": contract.contract_number,
            "address": contract.address,
        }
    ]
    unlinked = (await gql(UNLINK, {"c": contract.contract_number}, token=token)).ok()
    assert unlinked == {"unlinkHomeContract": {"revokedGrants": 1}}
    assert (await gql(MY_LINES, token=token)).ok()["viewer"]["lines"] == []


async def test_linking_answers_the_same_for_a_contract_that_does_not_exist(
    gql, viewers, services, settings
):
    _, contract, grandson = await _grandmas_contract()
    token = await viewers.token_for(grandson)
    real = await gql(LINK, {"c": contract.contract_number}, token=token)
    missing = await gql(LINK, {"c": "999999999"}, token=token)
    assert real.ok() == {"linkHomeContract": missing.ok()["linkHomeContract"]}
    assert len(await sent_messages(services, settings.sms_outbox_path)) == 1


async def test_a_contracts_link_code_does_not_confirm_for_someone_else(
    gql, viewers, services, settings
):
    grandma, contract, grandson = await _grandmas_contract()
    await gql(LINK, {"c": contract.contract_number}, token=await viewers.token_for(grandson))
    code = await last_code_sent_to(services, settings.sms_outbox_path, grandma.phone)
    thief = await viewers.token_for(await family.subscriber("Thief"))
    stolen = await gql(CONFIRM, {"c": contract.contract_number, "k": code}, token=thief)
    assert stolen.error_codes == ["BAD_USER_INPUT"]


async def test_a_malformed_contract_number_is_bad_input_naming_the_field(gql, viewers):
    token = await viewers.token_for(await family.subscriber("Someone"))
    result = await gql(LINK, {"c": "12-ab"}, token=token)
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == "contractNumber"
