"""Payment provider adapters behind resolvers.services.PaymentProvider."""

from __future__ import annotations

import asyncio
import hashlib

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
    acquirer's adapter implements the same two calls over HTTP."""

    name = "sandbox"

    def __init__(self, timeout_seconds: float = 0.05) -> None:
        self.timeout_seconds = timeout_seconds
        self.charges: dict[str, ChargeResult] = {}  # by idempotency key, like a real acquirer

    async def describe_card(self, token: str) -> CardDetails:
        if token not in SANDBOX_CARDS:
            raise InvalidCard(token)
        brand, last4, _ = SANDBOX_CARDS[token]
        return CardDetails(brand=brand, last4=last4, exp_month=12, exp_year=2030)

    async def lookup(self, idempotency_key: str) -> ChargeResult | None:
        """What the provider did with a charge key; None if it never saw it."""
        return self.charges.get(idempotency_key)

    async def charge(
        self, token: str, amount: int, currency: str, idempotency_key: str
    ) -> ChargeResult:
        if idempotency_key in self.charges:
            return self.charges[idempotency_key]
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
        self.charges[idempotency_key] = result
        return result
