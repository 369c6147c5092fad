import pytest

from gateway.app import create_app
from gateway.config import Settings
from models import Balance, LedgerEntry, NumberService, Service, UsageRecord
from resolvers.money.fees import charge_month
from resolvers.money.ledger import verify
from tests.support import family
from tests.support.processes import run_kabinet

INTERNAL = "i" * 40


def record(rid: str, msisdn: str, cost: str = "12.50", **extra) -> dict:
    return {
        "id": rid,
        "msisdn": msisdn,
        "type": "call",
        "start": "2026-11-20T10:00:00Z",
        "duration": "300",
        "counterpart": "+79161234567",
        "cost": cost,
        **extra,
    }


@pytest.fixture
async def internal_http(database_url, tmp_path):
    import httpx

    app = create_app(
        Settings(
            database_url=database_url,
            internal_api_token=INTERNAL,
            sms_outbox_path=tmp_path / "o.jsonl",
        ),
        manage_database=False,
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://k"
    ) as client:
        yield client


async def post_usage(http, records, token=INTERNAL):
    return await http.post(
        "/internal/usage", json={"records": records}, headers={"Authorization": f"Bearer {token}"}
    )


async def test_usage_batch_lands_with_its_charges_and_a_retry_changes_nothing(internal_http):
    owner = await family.subscriber()
    number = await family.number(await family.account(owner), balance=10000)
    batch = [
        record("r1", number.msisdn),
        record("r2", number.msisdn, cost="0"),
        record("r3", number.msisdn, type="data", bytes="1048576", duration=""),
    ]
    first = await post_usage(internal_http, batch)
    assert first.status_code == 200
    assert first.json() == {"accepted": 3, "duplicates": 0, "rejected": []}
    again = await post_usage(internal_http, batch)
    assert again.json() == {"accepted": 0, "duplicates": 3, "rejected": []}
    assert await UsageRecord.filter(number_id=number.id).count() == 3
    assert (await Balance.get(number_id=number.id)).amount == 10000 - 1250 - 1250
    assert await LedgerEntry.filter(number_id=number.id, kind="CHARGE").count() == 2
    assert (await verify())[1] == []


async def test_bad_records_are_rejected_by_index_and_the_rest_land(internal_http):
    owner = await family.subscriber()
    number = await family.number(await family.account(owner))
    batch = [
        record("ok", number.msisdn),
        record("x1", "+79995550000"),
        record("x2", number.msisdn, start="yesterday"),
        record("x3", number.msisdn, cost="-1"),
        {"msisdn": number.msisdn},
    ]
    body = (await post_usage(internal_http, batch)).json()
    assert body["accepted"] == 1
    assert [r["index"] for r in body["rejected"]] == [2, 3, 4, 1]


async def test_internal_api_needs_the_service_token(internal_http):
    assert (await post_usage(internal_http, [], token="wrong" * 10)).status_code == 401
    bad = await internal_http.post(
        "/internal/usage", content=b"[]", headers={"Authorization": f"Bearer {INTERNAL}"}
    )
    assert bad.status_code == 400


async def test_internal_api_is_off_without_a_token(http):
    assert (await http.post("/internal/usage", json={"records": []})).status_code == 404


async def test_fees_for_a_month_are_charged_once(services):
    owner = await family.subscriber()
    number = await family.number(await family.account(owner), balance=100000)
    service = await Service.create(code="music", name="Музыка", category="fun", monthly_fee=19900)
    await NumberService.create(number=number, service=service, connected_at=services.clock())
    first = await charge_month("2026-11", services.clock())
    assert (first.fees_posted, first.already_charged) == (2, 0)
    again = await charge_month("2026-11", services.clock())
    assert (again.fees_posted, again.already_charged) == (0, 2)
    assert (await Balance.get(number_id=number.id)).amount == 100000 - 30000 - 19900
    next_month = await charge_month("2026-12", services.clock())
    assert next_month.fees_posted == 2


async def test_bad_month_is_refused(services):
    with pytest.raises(ValueError, match="2026-11"):
        await charge_month("November", services.clock())


def test_usage_import_cli_twice_changes_nothing(tmp_path):
    env = {"DATABASE_URL": f"sqlite://{tmp_path}/k.sqlite3"}
    assert run_kabinet("migrate", env=env).returncode == 0
    assert run_kabinet("seed", "--demo", env=env).returncode == 0
    csv_file = tmp_path / "usage.csv"
    csv_file.write_text(
        "id,msisdn,type,start,duration,bytes,counterpart,roaming_zone,cost\n"
        "net-1,+79990000001,CALL,2026-11-20T10:00:00Z,60,,+79160000000,,4.90\n"
        "net-2,+79990000002,SMS,2026-11-20T10:05:00Z,,,+79160000000,,1.90\n"
        "net-3,+70000000000,SMS,2026-11-20T10:05:00Z,,,+79160000000,,1.90\n",
        encoding="utf-8",
    )
    first = run_kabinet("usage", "import", str(csv_file), env=env)
    assert "2 records imported, 0 seen before, 1 rejected" in first.stdout
    assert "row 4: unknown msisdn" in first.stderr
    again = run_kabinet("usage", "import", str(csv_file), env=env)
    assert "0 records imported, 2 seen before" in again.stdout
    verified = run_kabinet("ledger", "verify", env=env)
    assert verified.returncode == 0, verified.stderr
    assert "0 mismatched" in verified.stdout
    fees = run_kabinet("fees", "charge", "--month", "2026-11", env=env)
    assert "already charged" in fees.stdout and fees.returncode == 0
