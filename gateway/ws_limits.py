"""Caps on live subscriptions over graphql-transport-ws: per connection, and per viewer
across their connections in this gateway process. Each `subscribe` is also counted, as one
root field, against the viewer's and the address's request rate limits.

Per process, not shared: a live subscription is held by the process serving its connection,
and a count in Redis would outlive a process that died with its subscriptions open. With N
gateway processes a viewer may hold up to N times the per-viewer cap.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage

from gateway.metrics import RATE_LIMIT_REFUSALS, SUBSCRIPTIONS_ACTIVE
from resolvers.context import RequestContext
from resolvers.errors import ClientError, SubscriptionLimitReached
from resolvers.rate_limits import take_rate, viewer_bucket


@dataclass
class SubscriptionCaps:
    """One per gateway process (the view holds it): live subscriptions by viewer bucket."""

    per_connection: int
    per_viewer: int
    _live: Counter[str] = field(default_factory=Counter)

    def take(self, bucket: str) -> bool:
        if self._live[bucket] >= self.per_viewer:
            return False
        self._live[bucket] += 1
        return True

    def release(self, bucket: str) -> None:
        self._live[bucket] -= 1
        if self._live[bucket] <= 0:
            del self._live[bucket]  # a viewer with nothing live costs no memory

    def live(self, bucket: str) -> int:
        return self._live[bucket]


class LimitedTransportWSHandler(BaseGraphQLTransportWSHandler[RequestContext, None]):
    """Refuses a `subscribe` over a cap with the protocol's `error` message for that id
    (SUBSCRIPTION_LIMIT, or RATE_LIMITED with retryAfter); the connection stays open."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        caps: SubscriptionCaps | None = getattr(self.view, "subscription_caps", None)
        if caps is None or not self.connection_acknowledged or message["id"] in self.operations:
            # No caps configured, or strawberry closes the connection (4401, 4409).
            await super().handle_subscribe(message)
            return
        context = self.context
        bucket = viewer_bucket(context.viewer)
        refused: ClientError | None = None
        # In-flight operations, as strawberry's own max_subscriptions_per_connection counts
        # them (it answers the same `error`, but without a code; this one comes first).
        if len(self.operations) >= caps.per_connection:
            refused = SubscriptionLimitReached(
                f"At most {caps.per_connection} subscriptions per connection.",
                limit="CONNECTION",
                max=caps.per_connection,
            )
        elif bucket is not None and not caps.take(bucket):
            refused = SubscriptionLimitReached(
                f"At most {caps.per_viewer} live subscriptions per viewer.",
                limit="VIEWER",
                max=caps.per_viewer,
            )
        else:
            refused = await take_rate(context.services, context.viewer, context.client_ip, 1)
            if refused is not None and bucket is not None:
                caps.release(bucket)
        if refused is not None:
            if refused.extensions.get("code") == "RATE_LIMITED":
                RATE_LIMIT_REFUSALS.labels("websocket").inc()
            await self._refuse(message["id"], refused)
            return
        await super().handle_subscribe(message)
        self._count_while_running(message["id"])
        if bucket is not None:
            self._release_when_done(caps, bucket, message["id"])

    def _count_while_running(self, operation_id: str) -> None:
        operation = self.operations.get(operation_id)
        if operation is None or operation.task is None:
            return
        SUBSCRIPTIONS_ACTIVE.inc()
        operation.task.add_done_callback(lambda _task: SUBSCRIPTIONS_ACTIVE.dec())

    def _release_when_done(self, caps: SubscriptionCaps, bucket: str, operation_id: str) -> None:
        """The slot lives as long as the operation's task: it ends when the stream ends,
        fails, is completed by the client, or the connection goes."""
        operation = self.operations.get(operation_id)
        if operation is None or operation.task is None:
            caps.release(bucket)
            return
        operation.task.add_done_callback(lambda _task: caps.release(bucket))

    async def _refuse(self, operation_id: str, error: ClientError) -> None:
        formatted: Any = GraphQLError(error.message, original_error=error).formatted
        await self.send_message({"id": operation_id, "type": "error", "payload": [formatted]})
