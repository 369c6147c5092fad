"""What every resolver receives as `info.context`: who asks, and this request's loaders."""

from __future__ import annotations

from dataclasses import dataclass, field

from permissions.viewer import ANONYMOUS, Viewer
from resolvers.loaders import Loaders


@dataclass
class RequestContext:
    viewer: Viewer = ANONYMOUS
    loaders: Loaders = field(default_factory=Loaders)
    request_id: str = ""
    client_ip: str = ""
    user_agent: str = ""
