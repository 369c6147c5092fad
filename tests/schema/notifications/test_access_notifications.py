"""Grants given and revoked, access requests and their answers: told by each person's
ACCESS channels, written with the change and sent after its commit."""

from __future__ import annotations

from strawberry.relay import to_base64

from models import AccessLevel, Notification, NotificationPreference, NotificationTopic
from tests.schema.access.test_access_requests import APPROVE, DENY, ask, setup
from tests.schema.access.test_grants import GRANT, REVOKE
from tests.support import family
from tests.support.outbox import sent_messages


async def texts_to(services, settings, phone: str) -> list[str]:
    return [
        m["text"]
        for m in await sent_messages(services, settings.sms_outbox_path)
        if m["to"] == phone
    ]


async def test_a_grant_and_its_revocation_are_told_to_the_grantee(gql, viewers, services, settings):
    owner = await family.subscriber("Анна")
    number = await family.number(await family.account(owner))
    granny = await family.subscriber("Бабушка")
    token = await viewers.token_for(owner)
    variables = {"input": {"msisdn": number.msisdn, "granteePhone": granny.phone, "level": "FULL"}}
    grant_id = (await gql(GRANT, variables, token=token)).ok()["grantAccess"]["id"]
    await gql(REVOKE, {"id": grant_id}, token=token)
    await gql(REVOKE, {"id": grant_id}, token=token)  # revoking again tells nothing

    assert await texts_to(services, settings, granny.phone) == [
        f"Вам выдан доступ FULL к номеру {number.msisdn} в личном кабинете.",
        f"Ваш доступ к номеру {number.msisdn} в личном кабинете отозван.",
    ]
    assert await texts_to(services, settings, owner.phone) == []


async def test_a_grant_to_a_partner_app_tells_no_one(gql, viewers, services, settings):
    owner = await family.subscriber("Анна")
    number = await family.number(await family.account(owner))
    app = await family.partner_app(["numbers:read"])
    variables = {
        "input": {"msisdn": number.msisdn, "partnerClientId": app.client_id, "level": "FULL"}
    }
    assert (await gql(GRANT, variables, token=await viewers.token_for(owner))).ok()
    assert await Notification.all().count() == 0


async def test_a_refused_revocation_tells_no_one(gql, viewers, services):
    owner = await family.subscriber("Анна")
    number = await family.number(await family.account(owner))
    granny = await family.subscriber("Бабушка")
    grant = await family.grant(number, granny, AccessLevel.FULL, by=owner)
    stranger = await family.subscriber("Чужой")
    result = await gql(
        REVOKE, {"id": to_base64("Grant", grant.id)}, token=await viewers.token_for(stranger)
    )
    assert result.error_codes == ["NOT_FOUND"]
    assert await Notification.all().count() == 0


async def test_an_approved_request_is_told_to_the_asker(gql, viewers, services, settings):
    owner, number, asker, owner_token, asker_token = await setup(viewers)
    request = await ask(gql, services, asker_token, number.msisdn)
    await gql(APPROVE, {"id": request["id"], "l": "TOPUP"}, token=owner_token)

    assert await texts_to(services, settings, asker.phone) == [
        f"Владелец номера {number.msisdn} одобрил ваш запрос: доступ TOPUP."
    ]
    [to_owner] = await texts_to(services, settings, owner.phone)
    assert to_owner.startswith(f"Абонент {asker.phone} просит доступ FULL к номеру")


async def test_an_owner_who_chose_e_mail_only_gets_no_request_sms(gql, viewers, services, settings):
    owner, number, _, owner_token, asker_token = await setup(viewers)
    await NotificationPreference.create(
        subscriber=owner, topic=NotificationTopic.ACCESS, sms=False, email=True
    )
    await ask(gql, services, asker_token, number.msisdn)
    assert await texts_to(services, settings, owner.phone) == []  # and no confirmed e-mail
    incoming = "{ viewer { accessRequestsIncoming { status } } }"
    assert (await gql(incoming, token=owner_token)).ok()["viewer"]["accessRequestsIncoming"]


async def test_a_denied_request_is_told_once(gql, viewers, services, settings):
    _, number, asker, owner_token, asker_token = await setup(viewers)
    request = await ask(gql, services, asker_token, number.msisdn)
    await gql(DENY, {"id": request["id"], "b": False}, token=owner_token)
    again = await gql(DENY, {"id": request["id"], "b": False}, token=owner_token)
    assert again.errors
    assert len(await texts_to(services, settings, asker.phone)) == 1
