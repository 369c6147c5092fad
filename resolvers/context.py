"""What every resolver receives as `info.context`: who asks, this request's loaders, and
the process-wide services."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Protocol

from permissions.viewer import ANONYMOUS, Viewer
from resolvers.loaders import Loaders
from resolvers.policy import RequestPolicy
from resolvers.services import Services


class ResponseHead(Protocol):
    """Status and headers of the HTTP answer being built (strawberry's sub-response)."""

    status_code: int
    headers: MutableMapping[str, str]


@dataclass
class RequestContext:
    services: Services
    viewer: Viewer = ANONYMOUS
    loaders: Loaders = field(default_factory=Loaders)
    request_id: str = ""
    client_ip: str = ""
    user_agent: str = ""
    policy: RequestPolicy = field(default_factory=RequestPolicy)
    # X-Introspection-Key as sent (prod allows introspection only with the configured key)
    introspection_key: str | None = None
    # HTTP only (None over the WebSocket): lets a refusal answer 429 with Retry-After.
    response: ResponseHead | None = None
