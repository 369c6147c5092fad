"""Payment provider adapters behind resolvers.services.PaymentProvider."""

from __future__ import annotations

import asyncio
import hashlib

from tortoise.exceptions import IntegrityError

from models import SandboxCharge
from resolvers.services import CardDetails, ChargeResult, InvalidCard

# The sandbox's test cards: token -> (brand, last4, outcome).
SANDBOX_CARDS = {
    "tok_visa": ("visa", "4242", "approved"),
    "tok_mastercard": ("mastercard", "4444", "approved"),
    "tok_declined": ("visa", "0002", "card_declined"),
    "tok_insufficient_funds": ("visa", "9995", "insufficient_funds"),
    "tok_timeout": ("visa", "0119", "timeout"),
}


class SandboxPaymentProvider:
    """Dev and test provider: deterministic outcomes per test token, no network. A real
    acquirer's adapter implements the same calls over HTTP.

    Like a real acquirer it remembers every charge by its idempotency key across restarts
    and processes (its `sandbox_charges` table), so a payment interrupted by a killed
    worker is settled from what the provider did, not given up as abandoned."""

    name = "sandbox"

    def __init__(self, timeout_seconds: float = 0.05) -> None:
        self.timeout_seconds = timeout_seconds

    async def describe_card(self, token: str) -> CardDetails:
        if token not in SANDBOX_CARDS:
            raise InvalidCard(token)
        brand, last4, _ = SANDBOX_CARDS[token]
        return CardDetails(brand=brand, last4=last4, exp_month=12, exp_year=2030)

    async def lookup(self, idempotency_key: str) -> ChargeResult | None:
        """What the provider did with a charge key; None if it never saw it."""
        row = await SandboxCharge.get_or_none(idempotency_key=idempotency_key)
        if row is None:
            return None
        return ChargeResult(
            succeeded=row.succeeded, reference=row.reference, failure_code=row.failure_code
        )

    async def charge(
        self, token: str, amount: int, currency: str, idempotency_key: str
    ) -> ChargeResult:
        # Decide, then record: the unique key makes the first charge of a key the answer
        # for every later one (one statement on the usual path, as the top-up is hot).
        result = await self._decide(token, idempotency_key)
        try:
            await SandboxCharge.create(
                idempotency_key=idempotency_key,
                succeeded=result.succeeded,
                reference=result.reference,
                failure_code=result.failure_code,
                amount=amount,
                currency=currency,
            )
        except IntegrityError:
            # The key was charged before (or concurrently elsewhere): that charge stands.
            first = await self.lookup(idempotency_key)
            assert first is not None
            return first
        return result

    async def _decide(self, token: str, idempotency_key: str) -> ChargeResult:
        if token not in SANDBOX_CARDS:
            return ChargeResult(succeeded=False, failure_code="invalid_card")
        outcome = SANDBOX_CARDS[token][2]
        if outcome == "timeout":
            await asyncio.sleep(self.timeout_seconds)
            result = ChargeResult(succeeded=False, failure_code="timeout")
        elif outcome == "approved":
            reference = "sbx_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:16]
            result = ChargeResult(succeeded=True, reference=reference)
        else:
            result = ChargeResult(succeeded=False, failure_code=outcome)
        return result
