from datetime import UTC, datetime, timedelta

from models import (
    AccessGrant,
    AccessLevel,
    Account,
    Balance,
    HomeContract,
    LedgerEntry,
    LineKind,
    Number,
    PartnerApp,
    Service,
    Subscriber,
    Tariff,
    UsageKind,
    UsageRecord,
)
from resolvers.demo import DEMO_PASSWORD, DEMO_PHONES, seed_demo
from resolvers.identity.passwords import verify_password


async def test_seed_loads_the_documented_family():
    assert await seed_demo() is True
    owner = await Subscriber.get(phone=DEMO_PHONES["owner"])
    assert await verify_password(owner.password_hash, DEMO_PASSWORD)

    family = await Account.get(owner=owner, parent=None)
    children = await Account.get(parent=family)
    assert children.owner_id == owner.id
    child_numbers = await Number.filter(account=children).order_by("msisdn")
    assert [n.msisdn for n in child_numbers] == [DEMO_PHONES["daughter"], DEMO_PHONES["son"]]
    for number in child_numbers:
        user = await Subscriber.get(id=number.user_id)
        assert user.phone == number.msisdn  # each child uses their own number

    tablet = await Number.get(msisdn=DEMO_PHONES["tablet"])
    assert tablet.account_id == family.id

    mother_number = await Number.get(msisdn=DEMO_PHONES["mother"])
    mother_account = await Account.get(id=mother_number.account_id)
    assert mother_account.parent_id is None
    assert mother_account.owner_id != owner.id
    grant = await AccessGrant.get(number=mother_number)
    assert grant.grantee_subscriber_id == owner.id
    assert grant.level is AccessLevel.TOPUP

    stranger_number = await Number.get(msisdn=DEMO_PHONES["stranger"])
    assert (await Account.get(id=stranger_number.account_id)).owner_id != owner.id

    home = await HomeContract.get(login_key="petrova-home").select_related("line")
    assert home.line.account_id == family.id and home.line.user_id is None
    assert home.internet and home.tv
    assert await verify_password(home.password_hash, "demo-home-1")
    mother_home = await HomeContract.get(login_key="ivanova-home").select_related("line")
    assert mother_home.line.account_id == mother_account.id and not mother_home.tv
    home_grant = await AccessGrant.get(number_id=mother_home.line_id)
    assert home_grant.grantee_subscriber_id == owner.id
    assert home_grant.level is AccessLevel.TOPUP

    assert await PartnerApp.filter(client_id="demo-partner").exists()
    assert await Tariff.all().count() >= 6
    assert await Service.all().count() >= 10


async def test_seed_balances_equal_the_sum_of_their_ledger_entries():
    await seed_demo()
    for number in await Number.all():
        balance = await Balance.get(number=number)
        entries = await LedgerEntry.filter(number=number).values_list("amount", flat=True)
        assert balance.amount == sum(entries)
        assert balance.amount > 0


async def test_seed_gives_every_number_three_months_of_usage():
    now = datetime.now(UTC)
    await seed_demo(now)
    for number in await Number.filter(kind=LineKind.MOBILE):
        oldest = await UsageRecord.filter(number=number).order_by("started_at").first()
        assert oldest is not None, number.msisdn
        expected_start = max(number.activated_at, now - timedelta(days=85))
        assert oldest.started_at <= expected_start + timedelta(days=2)


async def test_seed_twice_changes_nothing():
    assert await seed_demo() is True
    counts = [await model.all().count() for model in (Subscriber, Number, UsageRecord)]
    assert await seed_demo() is False
    assert [await model.all().count() for model in (Subscriber, Number, UsageRecord)] == counts


async def test_seed_gives_each_number_a_year_of_usage_or_all_its_life():
    now = datetime.now(UTC)
    await seed_demo(now)
    for number in await Number.filter(kind=LineKind.MOBILE):
        oldest = await UsageRecord.filter(number=number).order_by("started_at").first()
        assert oldest is not None
        expected_start = max(number.activated_at, now - timedelta(days=360))
        assert expected_start <= oldest.started_at <= expected_start + timedelta(days=32), (
            number.msisdn
        )
    owner_number = await Number.get(msisdn=DEMO_PHONES["owner"])
    abroad = await UsageRecord.filter(number=owner_number, roaming_zone="turkey")
    assert abroad and all(r.cost > 0 for r in abroad if r.kind is not UsageKind.SMS)


async def test_seed_gives_each_home_contract_four_months_of_internet_sessions():
    now = datetime.now(UTC)
    await seed_demo(now)
    contracts = await Number.filter(kind=LineKind.HOME)
    assert len(contracts) == 2
    for line in contracts:
        records = await UsageRecord.filter(number=line, kind=UsageKind.DATA).order_by("started_at")
        assert now - timedelta(days=121) <= records[0].started_at <= now - timedelta(days=119)
        assert all(r.cost == 0 and r.bytes for r in records)


async def test_seed_charges_the_tv_contracts_packages_monthly_as_tv_usage():
    now = datetime.now(UTC)
    await seed_demo(now)
    with_tv = await Number.get(home_contract__tv=True)
    charges = await UsageRecord.filter(number=with_tv, kind=UsageKind.TV)
    assert len(charges) == 3 * 2  # three months of two packages
    assert all(r.cost > 0 and r.counterpart for r in charges)
    internet_only = await Number.get(kind=LineKind.HOME, home_contract__tv=False)
    assert not await UsageRecord.filter(number=internet_only, kind=UsageKind.TV).exists()


async def test_seed_ledgers_never_run_a_demo_balance_below_zero_before_the_last_purchase():
    await seed_demo()
    for number in await Number.all():
        entries = await LedgerEntry.filter(number=number).order_by("id")
        running = 0
        for entry in entries:
            running += entry.amount
            assert entry.balance_after == running
        assert min(e.balance_after for e in entries if e.reason != "Игра в магазине") >= 0, (
            number.msisdn
        )
