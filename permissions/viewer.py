"""Who is asking: a subscriber, a partner app with scopes, or nobody."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Viewer:
    subscriber_id: int | None = None
    partner_app_id: int | None = None
    # Session the subscriber's token belongs to (None for partner apps and anonymous callers).
    session_id: int | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    # Signed in with a home contract's login: the session reaches this one line only.
    line_id: int | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.subscriber_id is None and self.partner_app_id is None

    @property
    def is_subscriber(self) -> bool:
        return self.subscriber_id is not None

    @property
    def is_partner(self) -> bool:
        return self.partner_app_id is not None


ANONYMOUS = Viewer()
