"""Live events published after a transaction commits (balance changes), fanned out to
subscribers in every gateway process through the EventBus port (resolvers/services.py)."""

from __future__ import annotations

from resolvers.services import Services


async def publish_balance_changed(services: Services, number_id: int) -> None:
    """Announces that a number's balance changed; call it AFTER the transaction commits so
    subscribers read the committed balance."""
    events = getattr(services, "events", None)
    if events is not None:
        await events.publish(f"balance:{number_id}", str(number_id))
