"""Trusted documents: first-party clients send an operation's sha256 id instead of its text.

Two request forms are understood: Apollo's `extensions.persistedQuery.sha256Hash`
(automatic persisted queries, without automatic registration: only ids in the manifest are
known) and the GraphQL-over-HTTP `documentId: "sha256:<hex>"`. The manifest is made from
the project's own `.graphql` files in documents/ (`kabinet documents`, `make documents`).
With TRUSTED_DOCUMENTS=require, subscribers and anonymous callers (the web cabinet) may
send nothing else, over HTTP and over the WebSocket alike (a `subscribe` payload names its
document the same ways); partner apps may still send their own documents, within the limits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.request_guards import RequestRefused
from permissions.viewer import Viewer

DOCUMENTS_DIR = Path(__file__).resolve().parents[1] / "documents"
MANIFEST_PATH = DOCUMENTS_DIR / "manifest.json"
MANIFEST_FORMAT = "apollo-persisted-query-manifest"


def document_id(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def build_manifest(directory: Path = DOCUMENTS_DIR) -> dict[str, Any]:
    """One entry per .graphql file (one operation each, with the fragments it uses), in
    Apollo's persisted-query manifest format, sorted so the file only changes with them."""
    from graphql import OperationDefinitionNode, parse

    operations = []
    for path in sorted(directory.glob("*.graphql")):
        body = path.read_text(encoding="utf-8")
        definitions = [
            node for node in parse(body).definitions if isinstance(node, OperationDefinitionNode)
        ]
        if len(definitions) != 1 or definitions[0].name is None:
            raise ValueError(f"{path.name}: one named operation per file")
        operation = definitions[0]
        operations.append(
            {
                "id": document_id(body),
                "name": operation.name.value,
                "type": operation.operation.value,
                "body": body,
            }
        )
    return {"format": MANIFEST_FORMAT, "version": 1, "operations": operations}


@dataclass(frozen=True)
class TrustedDocuments:
    bodies: Mapping[str, str]  # sha256 hex -> document text
    required: bool  # first-party clients may send only these

    @classmethod
    def load(cls, required: bool, path: Path = MANIFEST_PATH) -> TrustedDocuments:
        if not path.exists():
            return cls({}, required)
        manifest = json.loads(path.read_text(encoding="utf-8"))
        return cls({entry["id"]: entry["body"] for entry in manifest["operations"]}, required)

    def resolve(self, query: str | None, extensions: Mapping[str, Any], viewer: Viewer) -> str:
        """The text to run: the trusted document the request names, or the text it sent
        (refused under `required` for first-party callers)."""
        wanted = _requested_id(extensions)
        if wanted is None:
            if self.required and not viewer.is_partner:
                raise RequestRefused(
                    400,
                    "Send a trusted document's id (documentId or persistedQuery), not its text.",
                    "TRUSTED_DOCUMENT_REQUIRED",
                )
            return query or ""
        body = self.bodies.get(wanted)
        if body is None:
            # Apollo clients recognise this message; with registration off, the id must be
            # one of the manifest's.
            raise RequestRefused(200, "PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
        if query and query != body:
            raise RequestRefused(
                400, "The query does not match its document id.", "PERSISTED_QUERY_MISMATCH"
            )
        return body


def subscribe_request(payload: Mapping[str, Any]) -> tuple[str | None, Mapping[str, Any]]:
    """A graphql-transport-ws `subscribe` payload's text and extensions, checked as strawberry
    checks an HTTP body's (its WebSocket handler checks neither), with a top-level
    `documentId` read as the HTTP view reads it: the same forms name a document on both."""
    query = payload.get("query")
    if not isinstance(query, str | None):
        raise RequestRefused(
            400,
            "The GraphQL operation's `query` must be a string or null, if provided.",
            "BAD_REQUEST",
        )
    extensions = payload.get("extensions")
    if not isinstance(extensions, Mapping | None):
        raise RequestRefused(
            400,
            "The GraphQL operation's `extensions` must be an object or null, if provided.",
            "BAD_REQUEST",
        )
    extensions = extensions or {}
    if "documentId" in payload:
        extensions = {**extensions, "documentId": payload["documentId"]}
    return query, extensions


def _requested_id(extensions: Mapping[str, Any]) -> str | None:
    document = extensions.get("documentId")
    if document is not None:
        if not isinstance(document, str) or not document.startswith("sha256:"):
            raise RequestRefused(
                400, 'documentId must look like "sha256:<64 hex digits>".', "BAD_REQUEST"
            )
        return _hex(document.removeprefix("sha256:"))
    persisted = extensions.get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise RequestRefused(
            400, "persistedQuery must be {version: 1, sha256Hash: ...}.", "BAD_REQUEST"
        )
    return _hex(persisted.get("sha256Hash"))


def _hex(value: Any) -> str:
    if (
        not isinstance(value, str)
        or len(value) != 64
        or any(c not in "0123456789abcdef" for c in value)
    ):
        raise RequestRefused(400, "A document id is 64 lowercase hex digits.", "BAD_REQUEST")
    return value
