"""The access rules as plain functions: what each kind of viewer is told it lacks."""

from permissions.levels import TOP_UP, Level, allows, missing_scope
from permissions.viewer import Viewer

SUBSCRIBER = Viewer(subscriber_id=1, session_id=1)
APP_WITH_TOP_UP = Viewer(partner_app_id=7, scopes=frozenset({TOP_UP}))
APP_WITHOUT_SCOPES = Viewer(partner_app_id=7)


def test_a_subscriber_never_lacks_a_token_scope():
    # Subscribers' sessions carry no scopes: only partner apps' tokens are limited by them.
    assert missing_scope(SUBSCRIBER, TOP_UP) is None
    assert missing_scope(SUBSCRIBER, None) is None


def test_a_partner_app_lacks_the_scope_its_token_does_not_carry():
    assert missing_scope(APP_WITHOUT_SCOPES, TOP_UP) == TOP_UP
    assert missing_scope(APP_WITH_TOP_UP, TOP_UP) is None


def test_a_partner_app_lacks_nothing_where_no_scope_is_needed():
    assert missing_scope(APP_WITHOUT_SCOPES, None) is None


def test_a_subscriber_is_allowed_by_level_alone():
    assert allows(SUBSCRIBER, Level.FULL, Level.FULL, TOP_UP)
    assert not allows(SUBSCRIBER, Level.TOPUP, Level.FULL, TOP_UP)


def test_a_partner_app_needs_the_level_and_the_scope():
    assert allows(APP_WITH_TOP_UP, Level.TOPUP, Level.TOPUP, TOP_UP)
    assert not allows(APP_WITHOUT_SCOPES, Level.TOPUP, Level.TOPUP, TOP_UP)
    assert not allows(APP_WITH_TOP_UP, Level.NONE, Level.TOPUP, TOP_UP)
    assert allows(APP_WITHOUT_SCOPES, Level.FULL, Level.FULL)
