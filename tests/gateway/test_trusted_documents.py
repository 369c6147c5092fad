"""First-party clients send operations by id (Apollo's persistedQuery, or GraphQL over
HTTP's documentId), from a manifest made of the project's own documents; with
TRUSTED_DOCUMENTS=require they may send nothing else, while partner apps still may."""

from __future__ import annotations

import json

import pytest
from graphql import parse, validate

from gateway.trusted_documents import MANIFEST_PATH, build_manifest, document_id
from resolvers.policy import DocumentLimits
from schema import schema
from schema.document_checks import validation_rules
from schema.limits import analyse, check_document
from tests.support import family
from tests.support.apps import gateway_with

MANIFEST = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
BY_NAME = {entry["name"]: entry for entry in MANIFEST["operations"]}
CATALOGUE = BY_NAME["Catalogue"]


def test_the_manifest_is_made_from_the_documents_as_they_are_now():
    assert build_manifest() == MANIFEST, "run `make documents` and commit documents/manifest.json"


@pytest.mark.parametrize("entry", MANIFEST["operations"], ids=lambda e: e["name"])
def test_every_trusted_document_is_valid_and_within_the_limits(entry):
    document = parse(entry["body"])
    assert entry["id"] == document_id(entry["body"])
    assert validate(schema._schema, document, validation_rules(3000, False)) == []
    limits = DocumentLimits()
    assert check_document(analyse(schema._schema, document, limits, {"first": 20}), limits) == []


async def test_a_web_client_runs_an_operation_by_its_document_id(http):
    response = await http.post("/graphql", json={"documentId": f"sha256:{CATALOGUE['id']}"})
    assert response.json() == {"data": {"tariffs": [], "services": []}}


async def test_an_apollo_client_runs_an_operation_by_its_persisted_query_hash(http):
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": CATALOGUE["id"]}}
    posted = await http.post("/graphql", json={"extensions": extensions})
    assert posted.json() == {"data": {"tariffs": [], "services": []}}
    got = await http.get("/graphql", params={"extensions": json.dumps(extensions)})
    assert got.json() == {"data": {"tariffs": [], "services": []}}


async def test_an_unknown_id_is_not_found_as_apollo_clients_expect(http):
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
    response = await http.post("/graphql", json={"extensions": extensions})
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["message"] == "PersistedQueryNotFound"
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_an_id_with_another_query_is_refused(http):
    body = {"query": "{ viewer { kind } }", "documentId": f"sha256:{CATALOGUE['id']}"}
    response = await http.post("/graphql", json=body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_MISMATCH"


@pytest.mark.parametrize("bad", ["sha256:xyz", "md5:" + "0" * 32, 42, "sha256:" + "A" * 64])
async def test_a_malformed_document_id_is_a_bad_request(http, bad):
    response = await http.post("/graphql", json={"documentId": bad})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_with_trusted_documents_required_first_party_clients_send_ids_only(settings, viewers):
    owner = await family.subscriber("Анна")
    token = await viewers.token_for(owner)
    async with gateway_with(settings, trusted_documents="require") as gql:
        for sent_token in (None, token):
            refused = await gql("{ tariffs { name } }", token=sent_token)
            assert refused.status_code == 400
            assert refused.error_codes == ["TRUSTED_DOCUMENT_REQUIRED"]
        response = await gql.http.post(
            "/graphql",
            json={"documentId": f"sha256:{BY_NAME['FamilyTree']['id']}"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.json() == {"data": {"viewer": {"accounts": [], "numbers": []}}}


async def test_with_trusted_documents_required_a_partner_app_still_sends_its_own(settings, viewers):
    app = await family.partner_app(["numbers:read"])
    token = await viewers.partner_token(app)
    async with gateway_with(settings, trusted_documents="require") as gql:
        assert (await gql("{ viewer { kind } }", token=token)).ok() == {
            "viewer": {"kind": "PARTNER_APP"}
        }
