"""What the gateway enforces on each request before and around execution: the document
limits, production-mode rules and the execution deadline. Built once from the settings
(gateway/config.py), carried on every RequestContext, read by the schema's extensions."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DocumentLimits:
    """Bounds on one GraphQL document, each checked before any execution in time linear in
    the document (schema/limits/). Defaults in the spirit of public GraphQL APIs."""

    max_depth: int = 10  # nested selection sets, counted through fragments
    max_aliases: int = 15  # aliased fields, counted through fragments
    max_directives: int = 50  # directive uses, counted through fragments
    max_tokens: int = 1000  # lexical tokens of the document
    max_cost: int = 5000  # fields, list fields multiplied by `first` or the list's maximum
    max_document_bytes: int = 8192  # the query text, UTF-8
    max_json_depth: int = 32  # nesting of the JSON body and of variables
    # Pairs of same-named fields the overlap rule may compare (its work is quadratic).
    max_field_comparisons: int = 3000


@dataclass(frozen=True)
class RequestPolicy:
    limits: DocumentLimits = field(default_factory=DocumentLimits)
    # Production: no "Did you mean ...?" in any error, introspection only with the key.
    hide_suggestions: bool = False
    introspection_key: str | None = None  # prod: the X-Introspection-Key that allows it
    introspection_open: bool = True  # dev: introspection for everyone
    request_timeout: float = 5.0  # seconds for one request's execution, then cancelled
    # "require": first-party clients (subscribers, anonymous) may only send documents
    # from the trusted-documents manifest, by id; partner apps may still send text.
    trusted_documents: str = "accept"
