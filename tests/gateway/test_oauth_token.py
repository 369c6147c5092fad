import base64

import pytest

from models import AuditEvent, PartnerApp
from resolvers.identity.partners import disable_partner_app, register_partner_app

VIEWER = "{ viewer { kind scopes subscriber { phone } } }"


@pytest.fixture
async def partner() -> tuple[PartnerApp, str]:
    return await register_partner_app("Partner", ["numbers:read", "balance:read", "topup"])


def basic(client_id: str, secret: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


async def token(http, data, headers=None):
    return await http.post("/oauth/token", data=data, headers=headers or {})


async def test_partner_gets_a_token_with_http_basic(http, gql, partner):
    app, secret = partner
    response = await token(http, {"grant_type": "client_credentials"}, basic(app.client_id, secret))
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "numbers:read balance:read topup"
    assert response.headers["cache-control"] == "no-store"
    viewer = (await gql(VIEWER, token=body["access_token"])).ok()["viewer"]
    assert viewer == {
        "kind": "PARTNER_APP",
        "scopes": ["balance:read", "numbers:read", "topup"],
        "subscriber": None,
    }


async def test_partner_gets_a_narrower_token_with_form_credentials(http, partner):
    app, secret = partner
    response = await token(
        http,
        {
            "grant_type": "client_credentials",
            "client_id": app.client_id,
            "client_secret": secret,
            "scope": "topup",
        },
    )
    assert response.status_code == 200
    assert response.json()["scope"] == "topup"


async def test_scope_the_app_is_not_allowed_is_invalid_scope(http, partner):
    app, secret = partner
    for scope in ("manage", "topup:any", "topup bogus"):
        response = await token(
            http,
            {"grant_type": "client_credentials", "scope": scope},
            basic(app.client_id, secret),
        )
        assert response.status_code == 400, scope
        assert response.json()["error"] == "invalid_scope"
    assert await AuditEvent.filter(event="partner_token", outcome="refused").count() == 3


async def test_wrong_secret_is_invalid_client(http, partner):
    app, _ = partner
    response = await token(http, {"grant_type": "client_credentials"}, basic(app.client_id, "x"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic")


async def test_unknown_client_is_invalid_client(http):
    response = await token(http, {"grant_type": "client_credentials"}, basic("pa_nobody", "x"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


async def test_other_grant_types_are_unsupported(http, partner):
    app, secret = partner
    response = await token(http, {"grant_type": "password"}, basic(app.client_id, secret))
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


async def test_json_body_is_an_invalid_request(http, partner):
    response = await http.post("/oauth/token", json={"grant_type": "client_credentials"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_disabled_app_loses_its_tokens_at_once(http, gql, partner):
    app, secret = partner
    issued = await token(http, {"grant_type": "client_credentials"}, basic(app.client_id, secret))
    access = issued.json()["access_token"]
    assert (await gql(VIEWER, token=access)).ok()
    assert await disable_partner_app(app.client_id)
    assert (await gql(VIEWER, token=access)).status_code == 401
    again = await token(http, {"grant_type": "client_credentials"}, basic(app.client_id, secret))
    assert again.json()["error"] == "invalid_client"


async def test_guessing_secrets_is_cut_off(http, partner):
    app, secret = partner
    for _ in range(20):
        await token(http, {"grant_type": "client_credentials"}, basic(app.client_id, "guess"))
    right = await token(http, {"grant_type": "client_credentials"}, basic(app.client_id, secret))
    assert right.status_code == 401


async def test_partner_secret_is_stored_only_as_argon2_hash(partner):
    app, secret = partner
    stored = await PartnerApp.get(id=app.id)
    assert stored.secret_hash.startswith("$argon2id$")
    assert secret not in stored.secret_hash


@pytest.mark.parametrize("client_id", ["x" * 10_000, "pa_\x00", "\x00"])
async def test_app_sending_a_client_id_no_app_can_have_is_refused_not_crashed(http, client_id):
    # Was a 500 on PostgreSQL: it refuses a NUL in the counter key and the audit row of the
    # refusal. (A 10,000-character id is refused earlier, as a malformed request.)
    data = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": "s"}
    response = await token(http, data)
    assert response.status_code in {400, 401}
    assert response.json()["error"] in {"invalid_client", "invalid_request"}
