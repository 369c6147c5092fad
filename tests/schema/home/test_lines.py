"""Home contracts beside phone numbers: one account lists both, each kind in its own list,
`node(id:)` answers a contract, and mutations name a line by msisdn or contract number."""

from __future__ import annotations

from models import AccessLevel, HomeContract
from tests.support import family

LINES = """
{ viewer {
    accounts {
      lines { __typename label accessLevel balance { amount }
        ... on Number { msisdn }
        ... on HomeContract { contractNumber address internet tv login tariff { name } } }
      numbers { msisdn }
      homeContracts { contractNumber }
    }
    lines { __typename id }
    numbers { msisdn }
} }
"""
NODE = """
query($id: ID!) { node(id: $id) { __typename ... on HomeContract { contractNumber } } }
"""
CANCEL = """
mutation($msisdn: String, $contract: String) {
  cancelTariffChange(msisdn: $msisdn, contractNumber: $contract) { operation { kind } }
}
"""
ROAMING = """
mutation($contract: String) {
  setRoaming(contractNumber: $contract, enabled: true) { operation { kind } }
}
"""


async def _family_with_contract():
    owner = await family.subscriber("Owner")
    account = await family.account(owner)
    phone = await family.number(account, balance=5000)
    contract = await family.home_contract(account, balance=20000, label="Дом")
    return owner, phone, contract


async def _contract_number(line) -> str:
    return (await HomeContract.get(line_id=line.id)).contract_number


async def test_owner_lists_numbers_and_contracts_in_one_selection(gql, viewers):
    owner, phone, contract = await _family_with_contract()
    token = await viewers.token_for(owner)
    data = (await gql(LINES, token=token)).ok()["viewer"]
    [account] = data["accounts"]
    kinds = [line["__typename"] for line in account["lines"]]
    assert kinds == ["Number", "HomeContract"]
    home = account["lines"][1]
    assert home["contractNumber"] == await _contract_number(contract)
    assert home["accessLevel"] == "OWNER"
    assert home["balance"] == {"amount": "200.00"}
    assert home["internet"] is True and home["tv"] is True
    assert home["tariff"] == {"name": "Домашний 100"}
    assert account["numbers"] == [{"msisdn": phone.msisdn}]
    assert account["homeContracts"] == [{"contractNumber": home["contractNumber"]}]
    assert [line["__typename"] for line in data["lines"]] == ["Number", "HomeContract"]
    assert data["numbers"] == [{"msisdn": phone.msisdn}]


async def test_node_answers_a_contract_to_its_owner_and_not_found_to_a_stranger(gql, viewers):
    owner, _, contract = await _family_with_contract()
    stranger = await family.subscriber("Stranger")
    data = (await gql(LINES, token=await viewers.token_for(owner))).ok()["viewer"]
    contract_id = data["lines"][1]["id"]
    found = (await gql(NODE, {"id": contract_id}, token=await viewers.token_for(owner))).ok()
    assert found["node"] == {
        "__typename": "HomeContract",
        "contractNumber": await _contract_number(contract),
    }
    hidden = await gql(NODE, {"id": contract_id}, token=await viewers.token_for(stranger))
    assert hidden.error_codes == ["NOT_FOUND"]


async def test_a_mutation_names_a_line_by_exactly_one_of_msisdn_and_contract_number(gql, viewers):
    owner, phone, _ = await _family_with_contract()
    token = await viewers.token_for(owner)
    both = await gql(CANCEL, {"msisdn": phone.msisdn, "contract": "123456"}, token=token)
    assert both.error_codes == ["BAD_USER_INPUT"]
    assert both.errors[0]["extensions"]["field"] == "contractNumber"
    neither = await gql(CANCEL, {}, token=token)
    assert neither.error_codes == ["BAD_USER_INPUT"]
    assert neither.errors[0]["extensions"]["field"] == "msisdn"


async def test_a_contract_out_of_reach_is_not_found_like_a_missing_one(gql, viewers):
    _, _, contract = await _family_with_contract()
    stranger = await family.subscriber("Stranger")
    token = await viewers.token_for(stranger)
    theirs = await gql(CANCEL, {"contract": await _contract_number(contract)}, token=token)
    missing = await gql(CANCEL, {"contract": "999999999"}, token=token)
    assert theirs.error_codes == missing.error_codes == ["NOT_FOUND"]
    assert theirs.errors[0]["message"] == missing.errors[0]["message"]


async def test_roaming_on_a_contract_is_refused_as_bad_input(gql, viewers):
    owner, _, contract = await _family_with_contract()
    token = await viewers.token_for(owner)
    refused = await gql(ROAMING, {"contract": await _contract_number(contract)}, token=token)
    assert refused.error_codes == ["BAD_USER_INPUT"]
    assert "phone numbers" in refused.errors[0]["message"]


async def test_a_topup_grantee_sees_the_contract_but_not_its_address(gql, viewers):
    owner, _, contract = await _family_with_contract()
    relative = await family.subscriber("Relative")
    await family.grant(contract, relative, AccessLevel.TOPUP, by=owner)
    token = await viewers.token_for(relative)
    query = "{ viewer { lines { accessLevel ... on HomeContract { contractNumber address } } } }"
    result = await gql(query, token=token)
    [line] = result.data["viewer"]["lines"]
    assert line["accessLevel"] == "TOPUP"
    assert line["contractNumber"] == await _contract_number(contract)
    assert line["address"] is None
    assert result.error_codes == ["FORBIDDEN"]
