"""A fingerprint of the gateway's source, so a run notices code that changed under it
(several people edit the tree while benchmarks run)."""

from __future__ import annotations

from hashlib import sha256

from bench.databases import ROOT

PACKAGES = ("gateway", "schema", "resolvers", "permissions", "models")


def source_fingerprint() -> str:
    """12 hex digits over the path and content of every .py file the gateway runs."""
    digest = sha256()
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]
