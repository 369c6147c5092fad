"""The GraphQL-over-HTTP rules: which media type a client gets for its Accept header, the
statuses each one brings, no `data` entry for a request that never ran, and UTF-8."""

from __future__ import annotations

import json

import pytest

from gateway.media_types import GRAPHQL_RESPONSE_JSON, JSON, encode_json, negotiate

TYPENAME = {"query": "{ __typename }"}
INVALID = {"query": '{ tariffs(filter: "Семейный") { name } }'}  # Cyrillic in the message


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/json", JSON),
        ("text/html", JSON),  # nothing we serve: our default, not 406
        (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON}, application/json;q=0.9", GRAPHQL_RESPONSE_JSON),
        (f"application/json, {GRAPHQL_RESPONSE_JSON}", GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=0.5, application/json", JSON),
        (f"application/json;q=0.8, {GRAPHQL_RESPONSE_JSON};q=0.9", GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=0, */*", JSON),
        (f"*/*;q=0.1, {GRAPHQL_RESPONSE_JSON}", GRAPHQL_RESPONSE_JSON),
        # application/json refused, anything else welcome: the other one
        ("application/json;q=0, */*;q=0.5", GRAPHQL_RESPONSE_JSON),
        ("APPLICATION/GRAPHQL-RESPONSE+JSON ; Q=1", GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=nonsense, application/json", JSON),
    ],
)
def test_a_client_gets_the_media_type_its_accept_header_prefers(accept, chosen):
    assert negotiate(accept) == chosen


async def test_a_client_sending_no_accept_gets_application_json_in_utf_8(http):
    response = await http.post("/graphql", json=TYPENAME)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_a_client_asking_for_graphql_response_json_gets_it_with_200_on_success(http):
    response = await http.post("/graphql", json=TYPENAME, headers={"accept": GRAPHQL_RESPONSE_JSON})
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_a_client_accepting_anything_gets_application_json(http):
    response = await http.post("/graphql", json=INVALID, headers={"accept": "*/*"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json()["data"] is None


async def test_a_get_query_with_graphql_response_json_is_answered_in_it(http):
    response = await http.get(
        "/graphql", params=TYPENAME, headers={"accept": GRAPHQL_RESPONSE_JSON}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE_JSON)


async def test_a_validation_error_with_graphql_response_json_is_400_without_data(http):
    response = await http.post(
        "/graphql", json=INVALID, headers={"accept": f"{GRAPHQL_RESPONSE_JSON}, {JSON};q=0.9"}
    )
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_validation_error_with_application_json_stays_200_with_data_null(http):
    response = await http.post("/graphql", json=INVALID, headers={"accept": JSON})
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_variable_that_cannot_be_coerced_is_400_with_graphql_response_json(http):
    body = {"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": 5.5}}
    response = await http.post("/graphql", json=body, headers={"accept": GRAPHQL_RESPONSE_JSON})
    assert response.status_code == 400
    assert "data" not in response.json()
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_client_reads_cyrillic_as_utf_8_not_escapes(http):
    response = await http.post("/graphql", json=INVALID)
    assert "Семейный".encode() in response.content
    assert b"\\u04" not in response.content
    assert "Семейный" in response.json()["errors"][0]["message"]


async def test_a_bad_request_with_graphql_response_json_has_no_data_and_says_its_type(http):
    response = await http.post(
        "/graphql",
        content=b"{not json",
        headers={"content-type": "application/json", "accept": GRAPHQL_RESPONSE_JSON},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
    assert response.json() == {
        "errors": [
            {
                "message": "The body is not valid JSON: Expecting property name enclosed in "
                "double quotes at position 1.",
                "extensions": {"code": "BAD_REQUEST"},
            }
        ]
    }


async def test_an_expired_token_with_graphql_response_json_is_401_without_data(http):
    response = await http.post(
        "/graphql",
        json=TYPENAME,
        headers={"authorization": "Bearer kst_expired", "accept": GRAPHQL_RESPONSE_JSON},
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "data" not in response.json()


async def test_a_mutation_over_get_is_405_allowing_post_and_runs_nothing(http, services):
    response = await http.get(
        "/graphql",
        params={"query": 'mutation { requestSignInCode(phone: "+79990000000") { expiresIn } }'},
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_the_healthz_and_oauth_endpoints_keep_their_own_shapes(http):
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    token = await http.post("/oauth/token", data={"grant_type": "client_credentials"})
    assert "errors" not in token.json()


def test_an_answer_is_compact_utf8_json_whatever_encoder_writes_it():
    answer = {"data": {"name": "Анна", "amount": "150.00", "n": 1, "ok": True, "x": None}}
    assert encode_json(answer) == (
        '{"data":{"name":"Анна","amount":"150.00","n":1,"ok":true,"x":null}}'
    )
    # orjson refuses an integer past 64 bits; the standard encoder writes it.
    assert encode_json({"big": 2**70}) == '{"big":1180591620717411303424}'
    assert json.loads(encode_json({"nested": [{"a": [1, 2.5]}]})) == {"nested": [{"a": [1, 2.5]}]}
