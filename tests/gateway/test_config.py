import pytest

from gateway.config import DEFAULT_DATABASE_URL, ConfigError, load_settings, redact_url


def test_defaults_need_no_setup():
    settings = load_settings({})
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.env == "dev"
    assert settings.graphiql_enabled
    assert settings.redis_url is None


def test_prod_refuses_to_start_without_secret_key():
    with pytest.raises(ConfigError, match="SECRET_KEY is required"):
        load_settings({"KABINET_ENV": "prod"})


def test_prod_turns_graphiql_off():
    settings = load_settings({"KABINET_ENV": "prod", "SECRET_KEY": "x" * 40})
    assert not settings.graphiql_enabled


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"KABINET_ENV": "staging"}, "KABINET_ENV must be one of"),
        ({"SECRET_KEY": "short"}, "at least 32 characters"),
        ({"DATABASE_URL": "mysql://root@localhost/db"}, "DATABASE_URL must be"),
        ({"DATABASE_URL": "sqlite://"}, "needs a file path"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL must start with"),
        ({"PORT": "http"}, "PORT must be a number"),
        ({"SMS_BACKEND": "pigeon"}, "SMS_BACKEND must be"),
        ({"SMS_BACKEND": "http"}, "SMS_HTTP_URL is required"),
    ],
)
def test_bad_setting_names_itself(environ, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(environ)


def test_database_password_is_never_printed():
    assert redact_url("postgres://kabinet:s3cret@db:5432/kabinet") == (
        "postgres://kabinet:***@db:5432/kabinet"
    )


def test_prod_refuses_the_development_key():
    from gateway.config import DEV_SECRET_KEY

    with pytest.raises(ConfigError, match="development key"):
        load_settings({"KABINET_ENV": "prod", "SECRET_KEY": DEV_SECRET_KEY})


def test_trusted_proxies_are_none_unless_listed_and_networks_are_normalised():
    assert load_settings({}).trusted_proxies == ()
    # uvicorn would read a network with host bits set as a name that never matches.
    listed = load_settings({"TRUSTED_PROXIES": "10.0.0.7/8, 192.168.1.1 ::1"}).trusted_proxies
    assert listed == ("10.0.0.0/8", "192.168.1.1", "::1")
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES must list"):
        load_settings({"TRUSTED_PROXIES": "proxy.internal"})


def test_export_settings_default_to_an_hour_a_week_and_var_exports():
    settings = load_settings({})
    assert settings.export_link_ttl == 3600
    assert settings.export_retention == 7 * 86400
    assert str(settings.export_storage_dir) == "var/exports"


def test_export_settings_take_seconds_or_a_unit():
    settings = load_settings(
        {"EXPORT_LINK_TTL": "15m", "EXPORT_RETENTION": "30d", "EXPORT_JOB_LEASE": "90"}
    )
    assert settings.export_link_ttl == 900
    assert settings.export_retention == 30 * 86400
    assert settings.export_job_lease == 90


@pytest.mark.parametrize("raw", ["0", "-1h", "soon", "h", "1w"])
def test_a_bad_export_duration_names_itself(raw):
    with pytest.raises(ConfigError, match="EXPORT_LINK_TTL must be"):
        load_settings({"EXPORT_LINK_TTL": raw})
