"""A family tree in which every field of every line has something to show: a user,
grants to a person and to a partner app, payments, ledger entries, a trust payment or an
offer, an autopay rule, a connected service, a pending tariff change; a home contract (in
the top account) has all that and a TV package too. Built with
a few bulk inserts, so 500 numbers take seconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models import (
    AccessGrant,
    AccessLevel,
    ActorRole,
    AutopayKind,
    AutopayRule,
    Balance,
    CatalogSegment,
    GrantSource,
    LedgerEntry,
    LedgerKind,
    Number,
    NumberService,
    Operation,
    OperationKind,
    OperationStatus,
    Payment,
    PaymentCard,
    PaymentStatus,
    Service,
    Tariff,
    TrustPayment,
)
from tests.support import family


async def _catalogue() -> tuple[Tariff, Tariff, Service]:
    """The family's tariff, a cheaper one (so a recommendation is made) and a service."""
    basic = await family.tariff()
    cheaper = await Tariff.get_or_none(code="mini") or await Tariff.create(
        code="mini", name="Мини", monthly_fee=10000, minutes=100, sms=50, data_mb=1024
    )
    service = await Service.get_or_none(code="extra-1gb") or await Service.create(
        code="extra-1gb", name="1 GB", category="internet", monthly_fee=100, data_mb=1024
    )
    return basic, cheaper, service


async def _tv_package() -> Service:
    return await Service.get_or_none(code="tv-kino") or await Service.create(
        code="tv-kino",
        name="Кино",
        category="TV_PACKAGE",
        monthly_fee=29900,
        segment=CatalogSegment.HOME,
    )


async def full_family(total_numbers: int) -> family.Tree:
    """A two-level tree of `total_numbers`, every number with every kind of data. Even
    numbers have an open trust payment; odd ones a low balance, so they are offered one.
    Balances are set, not posted: the ledger does not add up to them."""
    tree = await family.family_tree(total_numbers=total_numbers, depth=2)
    tree.contracts = await family.home_contracts_in(tree.accounts[0], 1)
    owner, numbers = tree.owner, [*tree.numbers, *tree.contracts]
    basic, cheaper, service = await _catalogue()
    child = await family.subscriber("Child")
    relative = await family.subscriber("Relative")
    partner = await family.partner_app(["numbers:read", "topup"], name="Bank")
    now = datetime.now(UTC)
    card = await PaymentCard.create(
        subscriber=owner,
        brand="visa",
        last4="4242",
        exp_month=12,
        exp_year=2030,
        provider="sandbox",
        provider_token="tok_visa",
        created_at=now,
    )
    ids = [n.id for n in numbers]
    await Number.filter(id__in=ids).update(user_id=child.id)
    await Balance.filter(number_id__in=ids[1::2]).update(amount=5000)
    await AccessGrant.bulk_create(
        [
            AccessGrant(
                number=n,
                granted_by=owner,
                level=level,
                source=GrantSource.DIRECT,
                topup_monthly_limit=limit,
                **grantee,
            )
            for n in numbers
            for level, limit, grantee in [
                (AccessLevel.FULL, None, {"grantee_subscriber": relative}),
                (AccessLevel.TOPUP, 50000, {"grantee_partner": partner}),
            ]
        ]
    )
    await Payment.bulk_create(
        [
            Payment(
                number=n,
                amount=10000 * (i + 1),
                status=status,
                payer_subscriber=owner,
                card=card,
                provider="sandbox",
                failure_code="card_declined" if status is PaymentStatus.FAILED else None,
                idempotency_key=f"full:{n.id}:{i}",
                request_hash="x",
                created_at=now - timedelta(days=3 - i),
                updated_at=now,
            )
            for n in numbers
            for i, status in enumerate([PaymentStatus.SUCCEEDED, PaymentStatus.FAILED])
        ]
    )
    await LedgerEntry.bulk_create(
        [
            LedgerEntry(
                number=n,
                kind=LedgerKind.CHARGE,
                amount=-30000,
                balance_after=-20000,
                idempotency_key=f"full-fee:{n.id}",
                reason="Monthly fee",
            )
            for n in numbers
        ]
    )
    await TrustPayment.bulk_create(
        [
            TrustPayment(
                number=n,
                amount=50000,
                fee=2500,
                outstanding=50000,
                taken_by=owner,
                taken_at=now - timedelta(days=1),
                due_at=now + timedelta(days=2),
            )
            for n in numbers[0::2]
        ]
    )
    await AutopayRule.bulk_create(
        [
            AutopayRule(
                number=n,
                subscriber=owner,
                card=card,
                kind=AutopayKind.THRESHOLD,
                amount=20000,
                threshold=10000,
                monthly_cap=100000,
                created_at=now,
            )
            for n in numbers
        ]
    )
    await NumberService.bulk_create(
        [NumberService(number=n, service=service, connected_at=n.activated_at) for n in numbers]
        + [
            NumberService(number=n, service=await _tv_package(), connected_at=n.activated_at)
            for n in tree.contracts
        ]
    )
    await Operation.bulk_create(
        [
            Operation(
                number=n,
                kind=OperationKind.TARIFF_CHANGE,
                status=OperationStatus.CREATED,
                details={
                    "tariff_id": cheaper.id,
                    "from_tariff_id": basic.id,
                    "effective": "NEXT_PERIOD",
                    "service_id": service.id,
                    "dropped_service_ids": [service.id],
                    "fee": 500,
                },
                actor_role=ActorRole.OWNER,
                actor_subscriber=owner,
                created_at=now,
                scheduled_for=now + timedelta(days=20),
            )
            for n in numbers
        ]
    )
    return tree
