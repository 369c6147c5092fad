"""`kabinet ticket ...`: the support desk answers the demo's ticket from the command line,
as an operator runs it (in a subprocess, on its own SQLite file)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support.processes import ROOT, kabinet_env
from tests.support.processes import run_kabinet as kabinet


@pytest.fixture
def desk_env(tmp_path) -> dict[str, str]:
    env = {
        "DATABASE_URL": f"sqlite://{tmp_path}/k.sqlite3",
        "SMS_OUTBOX_PATH": str(tmp_path / "sms.jsonl"),
        "KABINET_OPERATOR": "olga",
    }
    assert kabinet("migrate", env=env).returncode == 0
    assert "demo data loaded" in kabinet("seed", "--demo", env=env).stdout
    return env


def kabinet_with_stdin(text: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gateway", *args],
        env=kabinet_env(env),
        cwd=ROOT,
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_an_operator_answers_the_demo_ticket_and_resolves_it(desk_env, tmp_path):
    listed = kabinet("ticket", "list", env=desk_env)
    assert listed.returncode == 0, listed.stderr
    [line] = listed.stdout.splitlines()
    assert line.split("\t")[:5] == [
        "1",
        "PENDING_CUSTOMER",
        "BILLING",
        "+79990000001",
        "+79990000001",
    ]
    shown = kabinet("ticket", "show", "1", env=desk_env)
    assert shown.returncode == 0, shown.stderr
    assert "number +79990000001, for Анна Петрова (+79990000001)" in shown.stdout
    assert "Почему в этом месяце списали больше обычного?" in shown.stdout
    assert "ACKNOWLEDGED -> PENDING_CUSTOMER  by support-demo" in shown.stdout

    replied = kabinet_with_stdin(
        "Перезвоним сегодня.\n<b>без разметки</b>\n", "ticket", "reply", "1", env=desk_env
    )
    assert replied.returncode == 0, replied.stderr
    assert replied.stdout == (
        "kabinet: ticket 1 is PENDING_CUSTOMER; the subscriber's notice waits in the outbox "
        "for the worker\n"
    )
    resolved = kabinet(
        "ticket", "resolve", "1", "Списание вернули.", "--operator", "ivan", env=desk_env
    )
    assert resolved.stdout.startswith("kabinet: ticket 1 is RESOLVED;")

    after = kabinet("ticket", "show", "1", env=desk_env).stdout
    assert "OPERATOR olga:\nПерезвоним сегодня.\n<b>без разметки</b>\n" in after
    assert "OPERATOR ivan:\nСписание вернули." in after
    assert "PENDING_CUSTOMER -> RESOLVED  by ivan" in after
    assert kabinet("ticket", "list", env=desk_env).stdout.split("\t")[1] == "RESOLVED"
    assert kabinet("ticket", "list", "--status", "PENDING_CUSTOMER", env=desk_env).stdout == ""
    # The worker delivers the notices (SMS: the TICKETS topic's default channel).
    assert kabinet("worker", "--once", env=desk_env).returncode == 0
    sms = [
        json.loads(line)
        for line in (tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [(m["to"], m["text"].split("\n")[0]) for m in sms] == [
        ("+79990000001", "Ответ по обращению №1: Перезвоним сегодня."),
        ("+79990000001", "Обращение №1 решено: Списание вернули."),
    ]


def test_the_desk_refuses_clearly(desk_env):
    unknown = kabinet("ticket", "show", "42", env=desk_env)
    assert (unknown.returncode, unknown.stderr) == (1, "kabinet: No such ticket.\n")
    not_a_number = kabinet("ticket", "reply", "1x", "hello", env=desk_env)
    assert (not_a_number.returncode, not_a_number.stderr) == (
        2,
        "kabinet: '1x' is not a ticket number\n",
    )
    empty = kabinet("ticket", "reply", "1", "   ", env=desk_env)
    assert (empty.returncode, empty.stderr) == (
        2,
        "kabinet: Write what happened: the text is empty.\n",
    )
    assert kabinet("ticket", "resolve", "1", env=desk_env).returncode == 0
    again = kabinet("ticket", "resolve", "1", env=desk_env)
    assert (again.returncode, again.stderr) == (1, "kabinet: The ticket is already resolved.\n")
    bad_status = kabinet("ticket", "list", "--status", "OPEN", env=desk_env)
    assert bad_status.returncode == 2 and "invalid choice: 'OPEN'" in bad_status.stderr
