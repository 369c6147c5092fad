import logging

from models import AuditEvent
from tests.schema.identity.conftest import OWNER_PASSWORD, OWNER_PHONE
from tests.support.outbox import last_code_sent_to

FLOW = [
    ("mutation($p: String!) { requestSignInCode(phone: $p) { resendAfter } }", {}),
]


async def test_security_events_are_audited_without_secrets(gql, owner, services, outbox, caplog):
    caplog.set_level(logging.DEBUG)
    await gql('mutation { requestSignInCode(phone: "+79990000001") { resendAfter } }')
    code = await last_code_sent_to(services, outbox, OWNER_PHONE)
    wrong = await gql(
        'mutation($c: String!) { signIn(phone: "+79990000001", code: $c) { accessToken } }',
        {"c": "999999" if code != "999999" else "888888"},
    )
    assert wrong.errors
    signed = await gql(
        'mutation($c: String!) { signIn(phone: "+79990000001", code: $c) '
        "{ accessToken refreshToken } }",
        {"c": code},
    )
    tokens = signed.ok()["signIn"]
    by_password = await gql(
        'mutation($w: String!) { signInWithPassword(phone: "+79990000001", password: $w) '
        "{ accessToken } }",
        {"w": OWNER_PASSWORD},
    )
    assert by_password.ok()
    await gql("mutation { signOut { revokedSessions } }", token=tokens["accessToken"])

    events = await AuditEvent.all().order_by("id").values_list("event", "outcome")
    assert events == [
        ("code_sent", "ok"),
        ("sign_in", "failed"),
        ("sign_in", "ok"),
        ("sign_in", "ok"),
        ("session_revoked", "ok"),
    ]
    secrets = [code, OWNER_PASSWORD, tokens["accessToken"], tokens["refreshToken"]]
    for row in await AuditEvent.all().values():
        text = " ".join(str(value) for value in row.values())
        assert not any(secret in text for secret in secrets), row
    for secret in secrets:
        assert secret not in caplog.text
