"""Who a request is counted against, and what a refused one is told."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network

from permissions.viewer import Viewer
from resolvers.errors import RateLimited
from resolvers.services import RateLimitRefusal, Services


def viewer_bucket(viewer: Viewer) -> str | None:
    """A signed-in subscriber by subscriber id, a partner app by its app (one per client
    id), so a viewer's several sessions or tokens share one bucket; anonymous: none (the
    client address is all there is)."""
    if viewer.subscriber_id is not None:
        return f"subscriber:{viewer.subscriber_id}"
    if viewer.partner_app_id is not None:
        return f"partner:{viewer.partner_app_id}"
    return None


@lru_cache(maxsize=4096)  # parsing an address is most of the limit's own cost
def address_bucket(client_ip: str) -> str:
    """IPv4 by address; IPv6 by its /64: a phone or a home network is given a whole /64 and
    may take a fresh address in it for every request."""
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return client_ip  # "" (no address known) stays "", which counts nothing
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


async def take_rate(
    services: Services, viewer: Viewer, client_ip: str, cost: int
) -> RateLimited | None:
    """Counts `cost` root fields; the error to answer with when a bucket is empty."""
    if services.rate_limiter is None:
        return None
    bucket = viewer_bucket(viewer)
    address = address_bucket(client_ip)
    if bucket is not None and _shared(client_ip, services.shared_networks):
        address = ""  # thousands of subscribers behind the operator's NAT: per viewer only
    refusal = await services.rate_limiter.take(bucket, address, cost)
    return None if refusal is None else rate_limited(refusal)


def _shared(client_ip: str, networks: tuple[IPv4Network | IPv6Network, ...]) -> bool:
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return False
    return any(address in network for network in networks)


def rate_limited(refusal: RateLimitRefusal) -> RateLimited:
    seconds = max(1, refusal.retry_after)
    return RateLimited(
        f"Too many requests; try again in {seconds} s.", seconds, limit=refusal.limit
    )
