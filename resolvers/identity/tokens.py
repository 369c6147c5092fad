"""Opaque bearer tokens, stored only as keyed hashes: checking one is a single indexed
lookup (no argon2 per request), and a leaked table does not yield usable tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets

ACCESS_PREFIX = "kat_"
REFRESH_PREFIX = "krt_"
PARTNER_PREFIX = "kpt_"


def new_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def keyed_hash(secret_key: str, value: str) -> str:
    return hmac.new(secret_key.encode(), value.encode(), hashlib.sha256).hexdigest()
