"""The hostile documents: the worst the default document limits allow, and the worst they
refuse. Each kind says who sends it and what must come back.

Allowed documents are built up to a limit by measuring them with the gateway's own
analysis (`schema.limits.analyse`), so they stay just under the defaults even when the
schema or LIST_SIZES change. Every document carries the placeholder `__N__` in a name;
the load generator replaces it with a counter, so no two requests send the same text and
none is answered from the parse, analysis or validation caches (a hostile client would
not be so kind as to repeat itself).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from graphql import GraphQLError, Source, TokenKind, parse
from graphql.language.lexer import Lexer

from resolvers.policy import DocumentLimits
from schema import schema
from schema.limits import analyse, check_text
from schema.limits.analysis import Totals

PLACEHOLDER = "__N__"
ROOM = 64  # bytes kept free under the size limit for the counter that replaces PLACEHOLDER
LIMITS = DocumentLimits()
# The demo numbers the owner holds at OWNER: FULL-level fields answer without FORBIDDEN.
# (+79990000005, her mother's, is reached at TOPUP only; it is left out on purpose.)
OWNED = ("+79990000001", "+79990000002", "+79990000003", "+79990000004")
# The owner's own number has the longest ledger in the demo data (48 entries), so a page
# of up to 48 entries is priced exactly what it returns.
LONGEST_LEDGER = "+79990000001"
LEDGER_PAGE = 48

MONEY = "{ amount currency }"
TARIFF = f"id code name description monthlyFee {MONEY} minutes sms dataMb tags"
SERVICE = f"id code name description category monthlyFee {MONEY} connectionFee {MONEY}"
LEDGER_NODE = f"id kind amount {MONEY} balanceAfter {MONEY} reason createdAt"
PAGE_INFO = "pageInfo { hasNextPage endCursor }"


@dataclass(frozen=True)
class Kind:
    name: str
    document: str  # contains PLACEHOLDER once
    authenticated: bool
    refused_by: str | None  # the limit that must refuse it; None: it must be answered
    about: str

    def text(self, n: int | str = 0) -> str:
        return self.document.replace(PLACEHOLDER, str(n), 1)

    def body(self, n: int | str = PLACEHOLDER) -> str:
        return json.dumps({"query": self.text(n)})


def totals(document: str) -> Totals:
    """What the gateway's limits analysis makes of the document (uncapped up to limit+1)."""
    return analyse(schema._schema, parse(document.replace(PLACEHOLDER, "0")), LIMITS).totals


def limits_totals(text: str) -> Totals | None:
    """The totals of a document the text checks let through; None for one they refuse."""
    try:
        check_text(text, LIMITS)
    except GraphQLError:
        return None
    return analyse(schema._schema, parse(text), LIMITS).totals


def tokens(document: str) -> int:
    lexer = Lexer(Source(document))
    count = 0
    while lexer.advance().kind is not TokenKind.EOF:
        count += 1
    return count


def _fill(
    head: str, parts: Callable[[int], str], tail: str = "", most: int = 10_000
) -> tuple[str, int]:
    """`head` + parts(0) + parts(1) + ... + `tail`, as many parts as keep the document
    within every limit; returns the document and how many parts it took."""
    taken = ""
    count = 0
    while count < most:
        candidate = taken + " " + parts(count)
        document = head + candidate + " }" + tail
        if not _within_limits(document):
            break
        taken, count = candidate, count + 1
    return head + taken + " }" + tail, count


def _within_limits(document: str) -> bool:
    found = totals(document)
    return (
        found.cost <= LIMITS.max_cost
        and found.depth <= LIMITS.max_depth
        and found.aliases <= LIMITS.max_aliases
        and found.directives <= LIMITS.max_directives
        and tokens(document) <= LIMITS.max_tokens
        and len(document.encode()) <= LIMITS.max_document_bytes - ROOM
    )


def owner_at_cost_limit() -> str:
    """(a) The signed-in owner's family tree, her sessions and grants, the catalogue, and
    then as many aliased pages of her ledger as fit under the cost limit (the last page
    trimmed to fit): the pages are priced exactly what they return, so this is the most
    real work per unit of cost the demo data offers."""
    line = (
        "id msisdn label accessLevel canTopUp status balance " + MONEY + " tariff { id code "
        "name } user { id fullName } services { connectedAt service { id code name } }"
    )
    viewer = (
        "viewer { kind subscriber { id phone fullName } "
        "sessions { id method createdAt lastUsedAt userAgent ip current } "
        "numbers { id msisdn label accessLevel canTopUp } "
        f"accounts {{ id name numbers {{ {line} }} children {{ id name numbers {{ {line} }} "
        "children { id name } } } grantsGiven { id level active source msisdn } } "
        f"t0: tariffs {{ {TARIFF} }} s0: services {{ {SERVICE} }}"
    )

    def page(first: int) -> Callable[[int], str]:
        return lambda i: (
            f"h{first}_{i}: number(msisdn: {json.dumps(LONGEST_LEDGER)}) {{ "
            f"balanceHistory(first: {first}) {{ nodes {{ {LEDGER_NODE} }} {PAGE_INFO} }} }}"
        )

    head = f"query Owner{PLACEHOLDER} {{ {viewer}"
    document, _ = _fill(head, page(LEDGER_PAGE))
    # The rest of the budget: one more page, as long as still fits.
    for first in range(LEDGER_PAGE - 1, 0, -1):
        longer = document[: -len(" }")] + " " + page(first)(0) + " }"
        if _within_limits(longer):
            return longer
    return document


def anonymous_catalogue() -> str:
    """(b) Anyone, signed in or not: the whole catalogue, every field, in aliased copies
    (services first: they cost most) while the cost allows, the aliases left on cheap
    copies, then unaliased cheap copies up to the cost limit."""
    head = f"query Catalogue{PLACEHOLDER} {{ tariffs {{ {TARIFF} }} services {{ {SERVICE} }}"
    document, count = _fill(head, lambda i: f"s{i}: services {{ {SERVICE} }}", most=15)
    aliases = LIMITS.max_aliases
    document, more = _fill(
        document[: -len(" }")], lambda i: f"t{i}: tariffs {{ {TARIFF} }}", most=aliases - count
    )
    # The aliases left go to cheap copies, then unaliased ones close the gap to the limit.
    document, _ = _fill(
        document[: -len(" }")], lambda i: f"c{i}: tariffs {{ id }}", most=aliases - count - more
    )
    document, _ = _fill(document[: -len(" }")], lambda i: "tariffs { id }")
    document, _ = _fill(document[: -len(" }")], lambda i: "__typename")
    return document


def _number_everything(alias: str, msisdn: str) -> str:
    """Every field of a number the owner may read, one level into each, pages of one.
    Not `grants { msisdn }`: on Number.grants it fails with an internal error (KeyError
    'msisdn' in schema/types/grant.py; reported, not this benchmark's to fix)."""
    return (
        f"{alias}: number(msisdn: {json.dumps(msisdn)}) {{ id msisdn label accessLevel "
        f"canTopUp status balance {MONEY} tariff {{ {TARIFF} }} user {{ id phone fullName }} "
        "services { connectedAt service { id code name description category } } "
        f"payments(first: 1) {{ nodes {{ id status amount {MONEY} failureCode createdAt }} "
        f"{PAGE_INFO} }} balanceHistory(first: 1) {{ nodes {{ {LEDGER_NODE} }} {PAGE_INFO} }} "
        f"trustPayment {{ offer {{ amount {MONEY} fee {MONEY} dueInDays }} unavailableReason "
        f"current {{ id amount {MONEY} outstanding {MONEY} status takenAt dueAt repaidAt }} }} "
        f"autopay {{ id kind amount {MONEY} threshold {MONEY} dayOfMonth armed cardLast4 }} "
        "account { id name parent { id name } } acceptsAccessRequests "
        "grants { id level expiresAt revokedAt createdAt active source "
        "grantee { ... on Subscriber { id fullName } ... on PartnerApp { id name clientId } } } }"
    )


def many_fields() -> str:
    """(c) Near the token limit: every field of the owner's numbers, aliased up to the
    alias limit, then the viewer's lists to the token limit."""
    head = f"query Fields{PLACEHOLDER} {{"
    document, _ = _fill(head, lambda i: _number_everything(f"n{i}", OWNED[i % len(OWNED)]))
    extras = [
        "viewer { kind scopes subscriber { id phone fullName } }",
        "viewer { sessions { id method createdAt lastUsedAt userAgent ip current } }",
        "viewer { grantsGiven { id level active source msisdn } }",
        "viewer { grantsReceived { id level active source msisdn } }",
        "viewer { accessRequestsIncoming { id status } accessRequestsOutgoing { id status } }",
        "viewer { paymentCards { id brand last4 expMonth expYear } }",
        "viewer { numbers { id msisdn label accessLevel canTopUp } }",
    ]
    document, _ = _fill(document[: -len(" }")], lambda i: extras[i], most=len(extras))
    return document


def many_fragments() -> str:
    """(c) Near the size and token limits: the owner's numbers read through many named
    fragments with long names (each fragment is validated and analysed on its own), a
    few fragments per aliased number so that the overlap rule compares only a few pairs
    in each selection set."""
    groups = (
        "id msisdn label accessLevel canTopUp",
        f"status balance {MONEY} tariff {{ id code name monthlyFee {MONEY} }}",
        "user { id phone fullName } services { connectedAt service { id code name } }",
        f"balanceHistory(first: 1) {{ nodes {{ id kind amount {MONEY} }} {PAGE_INFO} }}",
        "account { id name } acceptsAccessRequests grants { id level active }",
    )
    # Long names fill the bytes the token limit leaves (a name is one token however long).
    pad = "_" + "x" * 40

    def name(i: int, g: int) -> str:
        return f"N{i}G{g}{pad}"

    def alias(i: int) -> str:
        spreads = " ".join(f"...{name(i, g)}" for g in range(len(groups)))
        return f"n{i}: number(msisdn: {json.dumps(OWNED[i % len(OWNED)])}) {{ {spreads} }}"

    def with_fragments(count: int) -> str:
        body = " ".join(alias(i) for i in range(count))
        defs = " ".join(
            f"fragment {name(i, g)} on Number {{ {fields} }}"
            for i in range(count)
            for g, fields in enumerate(groups)
        )
        return f"query Fragments{PLACEHOLDER} {{ {body} }} {defs}"

    count = 1
    while count < LIMITS.max_aliases and _within_limits(with_fragments(count + 1)):
        count += 1
    document = with_fragments(count)
    # Then lengthen the names as far as the size limit allows.
    while True:
        pad += "x" * 8
        longer = with_fragments(count)
        if not _within_limits(longer):
            return document
        document = longer


def fragment_chain(links: int = 40) -> str:
    """(d) Each fragment spreads the next twice: expanded, 2^40 copies of the leaf."""
    parts = [f"query Chain{PLACEHOLDER} {{ ...F0 }}"]
    parts += [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(links)]
    parts.append(f"fragment F{links} on Query {{ tariffs {{ name }} }}")
    return "\n".join(parts)


def repeated_field(copies: int = 200) -> str:
    """(d) The same field 200 times, within the token and cost limits: the overlap rule
    would compare ~20,000 pairs (and as many sub-selections); its budget stops it."""
    return f"query Copies{PLACEHOLDER} {{ " + "tariffs { name } " * copies + "}"


def deep_brackets(depth: int = 1000) -> str:
    """(d) Brackets 1,000 deep: would exhaust the recursive parser's stack."""
    return f"query Deep{PLACEHOLDER} {{ tariffs(filter: {'[' * depth}1{']' * depth}) {{ name }} }}"


def too_many_tokens() -> str:
    """(d) One-letter fields filling the size limit: the lexer stops one token past the
    token limit."""
    head = f"query Tokens{PLACEHOLDER} {{ "
    return head + "a " * ((LIMITS.max_document_bytes - len(head) - ROOM) // 2) + "}"


def oversize(body_bytes: int = 250_000) -> str:
    """(d) A document as large as the HTTP body limit (256 KiB) lets through: decoded from
    JSON, then refused by its length before it is lexed."""
    head = f"query Big{PLACEHOLDER} {{ __typename }} #"
    return head + "x" * (body_bytes - len(head) - 20)


def kinds() -> list[Kind]:
    return [
        Kind(
            "owner_cost",
            owner_at_cost_limit(),
            True,
            None,
            "owner: family tree + catalogue + ledger pages to cost 5000",
        ),
        Kind(
            "anon_catalogue",
            anonymous_catalogue(),
            False,
            None,
            "anonymous: whole catalogue, 15 aliases, cost 5000",
        ),
        Kind(
            "many_fields",
            many_fields(),
            True,
            None,
            "owner: every field of her numbers, aliased, near the token limit",
        ),
        Kind(
            "many_fragments",
            many_fragments(),
            True,
            None,
            "owner: long-named fragments, near the size and token limits",
        ),
        Kind("fragment_chain", fragment_chain(), False, "GRAPHQL_MAX_COST", "40 links, x2"),
        Kind(
            "copies_200",
            repeated_field(),
            False,
            "GRAPHQL_MAX_FIELD_COMPARISONS",
            "200 x tariffs { name }",
        ),
        Kind("brackets_1000", deep_brackets(), False, "GRAPHQL_MAX_DEPTH", "1000-deep [[["),
        Kind("tokens_8k", too_many_tokens(), False, "GRAPHQL_MAX_TOKENS", "4000 tokens"),
        Kind(
            "oversize_250k",
            oversize(),
            False,
            "GRAPHQL_MAX_DOCUMENT_BYTES",
            "250 kB document",
        ),
    ]
