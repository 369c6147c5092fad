"""The `kabinet` command as an operator runs it, in a subprocess."""

import sqlite3

import pytest

from tests.support.processes import run_kabinet as kabinet


def test_serve_in_prod_without_secret_key_exits_with_one_line():
    result = kabinet("serve", env={"KABINET_ENV": "prod"})
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "kabinet: SECRET_KEY is required when KABINET_ENV=prod (at least 32 characters)"
    ]


def test_serve_with_unreachable_database_says_so_without_traceback():
    result = kabinet("serve", env={"DATABASE_URL": "postgres://kabinet:pw@127.0.0.1:9/kabinet"})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("kabinet: cannot reach the database at postgres://kabinet:***@")
    assert "Traceback" not in result.stderr


def test_migrate_then_seed_on_a_fresh_sqlite_file(tmp_path):
    env = {"DATABASE_URL": f"sqlite://{tmp_path}/k.sqlite3"}
    for _ in range(2):  # both are safe to run again
        migrate = kabinet("migrate", env=env)
        assert migrate.returncode == 0, migrate.stderr
    seed = kabinet("seed", "--demo", env=env)
    assert seed.returncode == 0, seed.stderr
    assert "demo data loaded" in seed.stdout
    again = kabinet("seed", "--demo", env=env)
    assert "seed skipped" in again.stdout


def test_schema_command_prints_the_sdl():
    result = kabinet("schema", env={})
    assert result.returncode == 0
    assert "type Query" in result.stdout


def test_partner_create_prints_the_secret_once_and_list_never(tmp_path):
    env = {"DATABASE_URL": f"sqlite://{tmp_path}/k.sqlite3"}
    assert kabinet("migrate", env=env).returncode == 0
    created = kabinet("partner", "create", "Bank", "--scopes", "topup,numbers:read", env=env)
    assert created.returncode == 0, created.stderr
    fields = dict(line.split(":", 1) for line in created.stdout.splitlines())
    client_id, secret = fields["client_id"].strip(), fields["client_secret"].strip()
    assert fields["scopes"].strip() == "numbers:read topup"
    listed = kabinet("partner", "list", env=env)
    assert client_id in listed.stdout and "active" in listed.stdout
    assert secret not in listed.stdout
    assert kabinet("partner", "disable", client_id, env=env).returncode == 0
    assert "disabled" in kabinet("partner", "list", env=env).stdout


def test_partner_create_with_unknown_scope_fails_clearly(tmp_path):
    env = {"DATABASE_URL": f"sqlite://{tmp_path}/k.sqlite3"}
    result = kabinet("partner", "create", "Bank", "--scopes", "everything", env=env)
    assert result.returncode == 2
    assert "unknown scope(s): everything" in result.stderr


def test_a_developer_resets_the_demo_data_with_seed_reset(tmp_path):
    env = {"DATABASE_URL": f"sqlite://{tmp_path}/k.sqlite3"}
    assert kabinet("migrate", env=env).returncode == 0
    assert "demo data loaded" in kabinet("seed", "--demo", env=env).stdout
    assert "seed skipped" in kabinet("seed", "--demo", env=env).stdout
    reset = kabinet("seed", "--demo", "--reset", env=env)
    assert reset.returncode == 0, reset.stderr
    assert reset.stdout.splitlines() == [
        "kabinet: every table emptied",
        "kabinet: demo data loaded",
    ]


def test_seed_reset_is_refused_in_production(tmp_path):
    env = {
        "DATABASE_URL": f"sqlite://{tmp_path}/k.sqlite3",
        "KABINET_ENV": "prod",
        "SECRET_KEY": "prod-secret-key-for-tests-0123456789",
    }
    result = kabinet("seed", "--demo", "--reset", env=env)
    assert result.returncode == 2
    assert "refused with KABINET_ENV=prod" in result.stderr


def test_a_developer_reads_the_last_sms_to_a_phone(tmp_path):
    outbox = tmp_path / "outbox.jsonl"
    outbox.write_text(
        '{"to": "+79990000001", "text": "Код: 111111", "at": "2026-01-01T00:00:00+00:00"}\n'
        '{"to": "+79990000001", "text": "Код: 222222", "at": "2026-01-01T00:01:00+00:00"}\n'
        '{"to": "+79990000002", "text": "Код: 333333", "at": "2026-01-01T00:02:00+00:00"}\n',
        encoding="utf-8",
    )
    env = {"SMS_OUTBOX_PATH": str(outbox)}
    result = kabinet("sms", "last", "8 (999) 000-00-01", env=env)
    assert result.returncode == 0, result.stderr
    assert "+79990000001" in result.stdout and "222222" in result.stdout
    assert "111111" not in result.stdout
    nobody = kabinet("sms", "last", "+79990000009", env=env)
    assert nobody.returncode == 1
    assert "no message to +79990000009" in nobody.stderr


def test_seed_usage_records_fills_the_busy_number_with_exactly_n(tmp_path):
    env = {"DATABASE_URL": f"sqlite://{tmp_path}/k.sqlite3"}
    assert kabinet("migrate", env=env).returncode == 0
    first = kabinet("seed", "--demo", "--usage-records", "3000", env=env)
    assert first.returncode == 0, first.stderr
    assert "demo data loaded" in first.stdout
    assert "+79990000010 has 3,000 usage records" in first.stdout
    # on a loaded demo it only refills the busy number: exactly N again, not N more
    again = kabinet("seed", "--demo", "--usage-records", "1200", env=env)
    assert "seed skipped" in again.stdout and "has 1,200 usage records" in again.stdout
    counted = sqlite3.connect(tmp_path / "k.sqlite3").execute(
        "SELECT COUNT(*) FROM usage_records u JOIN numbers n ON n.id = u.number_id "
        "WHERE n.msisdn = '+79990000010'"
    )
    assert counted.fetchone() == (1200,)


@pytest.mark.parametrize("count", ["-1", "10000001", "many"])
def test_seed_usage_records_out_of_range_is_refused(tmp_path, count):
    env = {"DATABASE_URL": f"sqlite://{tmp_path}/k.sqlite3"}
    result = kabinet("seed", "--demo", "--usage-records", count, env=env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_seed_usage_records_without_the_demo_says_what_to_do(tmp_path):
    env = {"DATABASE_URL": f"sqlite://{tmp_path}/k.sqlite3"}
    assert kabinet("migrate", env=env).returncode == 0
    sqlite3.connect(tmp_path / "k.sqlite3").execute(
        "INSERT INTO subscribers (phone, full_name, accepts_access_requests, created_at, "
        "time_zone) VALUES ('+70000000001', '', 1, '2026-01-01 00:00:00+00:00', 'UTC')"
    ).connection.commit()
    result = kabinet("seed", "--demo", "--usage-records", "10", env=env)
    assert result.returncode == 2
    assert "load the demo first" in result.stderr


def test_a_developer_reads_the_last_email_to_an_address(tmp_path):
    mail = tmp_path / "mail"
    mail.mkdir()
    for name, to, subject in (
        ("20260101T000000000000-aaaa.eml", "anna@example.org", "Первое"),
        ("20260101T000100000000-bbbb.eml", "anna@example.org", "Пополнение баланса"),
        ("20260101T000200000000-cccc.eml", "boris@example.org", "Чужое"),
    ):
        (mail / name).write_bytes(
            f"From: k@kabinet.test\nTo: {to}\nSubject: {subject}\n"
            "Content-Type: text/plain; charset=utf-8\n\nБаланс пополнен\n".encode()
        )
    env = {"EMAIL_OUTBOX_DIR": str(mail)}
    result = kabinet("mail", "last", "Anna@Example.org", env=env)
    assert result.returncode == 0, result.stderr
    assert "Subject: Пополнение баланса" in result.stdout
    assert "Баланс пополнен" in result.stdout
    assert "Первое" not in result.stdout and "Чужое" not in result.stdout
    nobody = kabinet("mail", "last", "nobody@example.org", env=env)
    assert nobody.returncode == 1
    assert "no e-mail to nobody@example.org" in nobody.stderr


def test_an_operator_lists_failed_notifications_and_queues_them_again(tmp_path):
    env = {"DATABASE_URL": f"sqlite://{tmp_path}/k.sqlite3"}
    assert kabinet("migrate", env=env).returncode == 0
    listing = kabinet("notifications", "failed", env=env)
    assert listing.returncode == 0, listing.stderr
    assert "no failed notifications" in listing.stderr
    retry = kabinet("notifications", "retry", "41", env=env)
    assert retry.returncode == 1
    assert "0 notification(s) queued again" in retry.stdout


def test_ledger_verify_names_exactly_the_balance_moved_by_hand(tmp_path):
    database = tmp_path / "k.sqlite3"
    env = {"DATABASE_URL": f"sqlite://{database}"}
    assert kabinet("migrate", env=env).returncode == 0
    assert kabinet("seed", "--demo", env=env).returncode == 0
    clean = kabinet("ledger", "verify", env=env)
    assert clean.returncode == 0, clean.stderr
    checked = int(clean.stdout.split()[1])
    assert clean.stdout.strip() == f"kabinet: {checked} balances checked, 0 mismatched"
    with sqlite3.connect(database) as connection:
        msisdn, amount = connection.execute(
            "SELECT n.msisdn, b.amount FROM numbers n JOIN balances b ON b.number_id = n.id"
            " ORDER BY n.id LIMIT 1"
        ).fetchone()
        connection.execute(
            "UPDATE balances SET amount = amount + 101"
            " WHERE number_id = (SELECT id FROM numbers WHERE msisdn = ?)",
            [msisdn],
        )
    moved = kabinet("ledger", "verify", env=env)
    assert moved.returncode == 1
    assert moved.stderr.strip().splitlines() == [
        f"MISMATCH {msisdn}: balance {amount + 101} != ledger sum {amount}"
    ]
    assert moved.stdout.strip() == f"kabinet: {checked} balances checked, 1 mismatched"
