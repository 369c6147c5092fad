"""Every kind of viewer against every field of a home contract: the same levels as on a
phone number (OWNER through the tree, FULL as its user or by grant, TOPUP by grant), and
NONE looks exactly like a contract that does not exist, by `node(id:)`, in `viewer.lines`
and in a mutation naming its contract number."""

import pytest
from strawberry.relay import to_base64

from models import HomeContract
from permissions.levels import Level
from tests.schema.access.test_access_matrix import FIELD_RULES as NUMBER_RULES
from tests.schema.access.test_access_matrix import KINDS, may
from tests.schema.access.world import EXPECTED_LEVEL, build_world

ALL_FIELDS = """
query($id: ID!) { node(id: $id) { ... on HomeContract {
  id contractNumber label accessLevel canTopUp status balance { amount currency }
  tariff { name } user { phone } services { service { code } } address internet tv login
  connectedAt tvPackages { service { code } } account { name } acceptsAccessRequests
  grants { level }
} } }
"""
VIEWER_LINES = "{ viewer { lines { ... on HomeContract { contractNumber accessLevel } } } }"
CANCEL = """
mutation($c: String) { cancelTariffChange(contractNumber: $c) { operation { id } } }
"""
# A phone number's rules, with the contract's own fields in place of its msisdn.
FIELD_RULES = {field: rule for field, rule in NUMBER_RULES.items() if field != "msisdn"} | {
    "contractNumber": (Level.TOPUP, None),
    **dict.fromkeys(
        ("address", "internet", "tv", "login", "connectedAt", "tvPackages"),
        (Level.FULL, "numbers:read"),
    ),
}


@pytest.mark.parametrize("kind", KINDS)
async def test_contract_fields_as_each_viewer(gql, viewers, kind):
    world = await build_world(viewers, home=True)
    contract_id = to_base64("HomeContract", world.number.id)
    result = await gql(ALL_FIELDS, {"id": contract_id}, token=world.tokens[kind])
    expected = EXPECTED_LEVEL[kind]
    if expected is Level.NONE:
        missing = await gql(
            ALL_FIELDS, {"id": to_base64("HomeContract", 999999)}, token=world.tokens[kind]
        )
        assert result.body == missing.body
        assert result.error_codes == ["NOT_FOUND"]
        return
    contract = result.data["node"]
    assert contract["accessLevel"] == expected.name
    forbidden_paths = {tuple(e["path"]) for e in result.errors}
    assert set(result.error_codes) <= {"FORBIDDEN"}
    for field, (level, scope) in FIELD_RULES.items():
        if may(kind, world.scopes, level, scope):
            assert contract[field] is not None, field
        else:
            assert contract[field] is None, field
            assert ("node", field) in forbidden_paths, field


@pytest.mark.parametrize("kind", KINDS)
async def test_contract_in_viewer_lines_and_by_contract_number_as_each_viewer(gql, viewers, kind):
    world = await build_world(viewers, home=True)
    expected = EXPECTED_LEVEL[kind]
    contract_number = (await HomeContract.get(line_id=world.number.id)).contract_number
    listed = await gql(VIEWER_LINES, token=world.tokens[kind])
    lines = (listed.data.get("viewer") or {}).get("lines") or []
    mine = [line for line in lines if line.get("contractNumber") == contract_number]
    named = await gql(CANCEL, {"c": contract_number}, token=world.tokens[kind])
    missing = await gql(CANCEL, {"c": "999999999"}, token=world.tokens[kind])
    if expected is Level.NONE:
        assert mine == []
        assert named.body == missing.body  # UNAUTHENTICATED or NOT_FOUND, the same words
    else:
        assert mine == [{"contractNumber": contract_number, "accessLevel": expected.name}]
        assert named.error_codes != ["NOT_FOUND"]
