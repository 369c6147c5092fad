"""setNotificationPreferences and viewer.notificationPreferences, as each viewer kind."""

from __future__ import annotations

import pytest

from models import LowBalanceThreshold, Notification, NotificationTopic
from resolvers.money.charges import ingest
from resolvers.notifications import notify
from tests.schema.notifications.world import household, partner_token

PREFERENCES = """
{ viewer { notificationPreferences {
  topics { topic sms email isDefault }
  lowBalanceThresholds { number { msisdn } amount { amount currency } }
} } }
"""
SET = """
mutation($input: NotificationPreferencesInput!) { setNotificationPreferences(input: $input) {
  topics { topic sms email isDefault }
  lowBalanceThresholds { number { msisdn } amount { amount } }
} }
"""


@pytest.fixture
async def world():
    return await household()


def by_topic(preferences: dict) -> dict:
    return {t["topic"]: (t["sms"], t["email"], t["isDefault"]) for t in preferences["topics"]}


async def test_a_subscriber_sees_the_defaults_before_choosing(gql, viewers, world):
    result = await gql(PREFERENCES, token=await viewers.token_for(world.anna))
    preferences = result.ok()["viewer"]["notificationPreferences"]
    assert by_topic(preferences) == {
        "CHARGES": (False, False, True),
        "TOPUPS": (True, False, True),
        "LOW_BALANCE": (True, False, True),
        "ACCESS": (True, False, True),
        "TICKETS": (True, True, True),
        "BLOCKS": (True, False, True),
        "LIMITS": (True, False, True),
    }
    assert preferences["lowBalanceThresholds"] == []


async def test_the_owner_chooses_channels_and_a_threshold_and_notify_follows(
    gql, viewers, services, world
):
    token = await viewers.token_for(world.anna)
    result = await gql(
        SET,
        {
            "input": {
                "topics": [
                    {"topic": "CHARGES", "sms": True, "email": False},
                    {"topic": "TOPUPS", "sms": False, "email": False},
                ],
                "lowBalanceThresholds": [{"msisdn": world.number.msisdn, "amount": "95.50"}],
            }
        },
        token=token,
    )
    chosen = result.ok()["setNotificationPreferences"]
    assert by_topic(chosen)["CHARGES"] == (True, False, False)
    assert by_topic(chosen)["TOPUPS"] == (False, False, False)
    assert by_topic(chosen)["BLOCKS"] == (True, False, True)
    assert chosen["lowBalanceThresholds"] == [
        {"number": {"msisdn": world.number.msisdn}, "amount": {"amount": "95.50"}}
    ]

    await notify(world.anna.id, NotificationTopic.TOPUPS, "s", "no channel: nothing")
    assert await Notification.all().count() == 0
    await ingest(
        [
            {
                "id": "u1",
                "msisdn": world.number.msisdn,
                "type": "sms",
                "start": "2026-11-20T10:00:00Z",
                "cost": "5.00",
            }
        ],
        services.clock(),
    )
    topics = await Notification.filter(subscriber_id=world.anna.id).values_list("topic", flat=True)
    assert sorted(topics) == ["CHARGES", "LOW_BALANCE"]  # 100.00 -> 95.00, below 95.50


async def test_choosing_again_keeps_what_is_not_named_and_null_removes_a_threshold(
    gql, viewers, world
):
    token = await viewers.token_for(world.anna)
    first = {
        "topics": [{"topic": "ACCESS", "sms": False, "email": True}],
        "lowBalanceThresholds": [
            {"msisdn": world.number.msisdn, "amount": "10"},
            {"msisdn": world.annas.msisdn, "amount": "20"},
        ],
    }
    await gql(SET, {"input": first}, token=token)
    second = {"lowBalanceThresholds": [{"msisdn": world.number.msisdn, "amount": None}]}
    chosen = (await gql(SET, {"input": second}, token=token)).ok()["setNotificationPreferences"]
    assert by_topic(chosen)["ACCESS"] == (False, True, False)
    assert [t["number"]["msisdn"] for t in chosen["lowBalanceThresholds"]] == [world.annas.msisdn]


async def test_a_full_delegate_sets_a_threshold_on_the_granted_number(gql, viewers, world):
    variables = {
        "input": {"lowBalanceThresholds": [{"msisdn": world.number.msisdn, "amount": "30"}]}
    }
    result = await gql(SET, variables, token=await viewers.token_for(world.granny))
    assert result.ok()["setNotificationPreferences"]["lowBalanceThresholds"][0]["amount"] == {
        "amount": "30.00"
    }
    assert await LowBalanceThreshold.filter(subscriber_id=world.granny.id).count() == 1


async def test_a_topup_delegate_may_not_set_a_threshold(gql, viewers, world):
    variables = {
        "input": {"lowBalanceThresholds": [{"msisdn": world.number.msisdn, "amount": "30"}]}
    }
    result = await gql(SET, variables, token=await viewers.token_for(world.uncle))
    assert result.error_codes == ["FORBIDDEN"]
    assert result.errors[0]["message"] == "This needs FULL access to the number."
    assert await LowBalanceThreshold.all().count() == 0


async def test_a_stranger_gets_not_found_for_a_number_they_cannot_see(gql, viewers, world):
    token = await viewers.token_for(world.stranger)
    for msisdn in (world.number.msisdn, "+79995550000"):
        variables = {"input": {"lowBalanceThresholds": [{"msisdn": msisdn, "amount": "30"}]}}
        result = await gql(SET, variables, token=token)
        assert result.error_codes == ["NOT_FOUND"]
        assert result.errors[0]["message"] == "No such number."


@pytest.mark.parametrize(
    ("thresholds", "topics", "message"),
    [
        ([{"amount": "10.001"}], [], "up to 2 decimals"),
        ([{"amount": "-1"}], [], "digits, an optional point"),
        ([{"amount": "100000.01"}], [], "between 0.00 and 100000.00 RUB."),
        ([{"amount": "1"}, {"amount": "2"}], [], "Name each number at most once."),
        ([], ["TOPUPS", "TOPUPS"], "Name each topic at most once."),
    ],
)
async def test_bad_input_is_named(gql, viewers, world, thresholds, topics, message):
    variables = {
        "input": {
            "lowBalanceThresholds": [{"msisdn": world.annas.msisdn, **t} for t in thresholds],
            "topics": [{"topic": t, "sms": True, "email": True} for t in topics],
        }
    }
    result = await gql(SET, variables, token=await viewers.token_for(world.anna))
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert message in result.errors[0]["message"]


async def test_a_partner_app_has_no_notification_settings(gql, viewers, world):
    token = await partner_token(viewers, world)
    read = await gql(PREFERENCES, token=token)
    assert read.error_codes == ["UNAUTHENTICATED"]
    assert read.errors[0]["message"] == "Sign in as a subscriber first."
    write = await gql(SET, {"input": {"topics": []}}, token=token)
    assert write.error_codes == ["UNAUTHENTICATED"]


async def test_anonymous_is_unauthenticated(gql, world):
    assert (await gql(SET, {"input": {"topics": []}})).error_codes == ["UNAUTHENTICATED"]
    assert (await gql(PREFERENCES)).ok()["viewer"] is None
