"""Where a hostile document's time goes, in one process: the app called as plain ASGI (as
bench.profile_tree does), one request at a time, each with a new text (so no cache helps),
and the CPU of each stage before and after execution summed by wrapping the functions
that do it:

    text      schema.limits.check_text: size, tokens, bracket nesting (lexes the text)
    parse     graphql-core's parser (lexes it again)
    limits    schema.limits.analyse + check_document: depth, aliases, directives, cost
    validate  graphql-core's validation with the gateway's rules (overlap on a budget)
    execute   the rest of strawberry's execute: resolvers, the database, result building
    encode    the answer's JSON
    http      everything else: starlette, middleware, auth (the token lookup), the view
    gc        of all these, the cyclic garbage collector's pauses (gc_max: the longest)

    .venv/bin/python -m bench.hostile_stages --database sqlite [--rules] [--profile KIND]

--rules adds the CPU of each validation rule's own visits, for the kinds that are
validated; --no-gc turns the cyclic garbage collector off, to see each stage's own CPU
apart from the collector's pauses.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import pstats
import secrets
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from graphql import parse
from graphql.language.visitor import EnterLeaveVisitor

import gateway.graphql_view as view_module
import schema.document_checks as checks_module
import schema.validation_cache as validation_module
from bench.databases import DEFAULT_POSTGRES_URL, fresh_database
from bench.hostile import seed_demo
from bench.hostile_documents import Kind, kinds
from bench.in_process import call
from bench.queries import Query
from gateway.app import create_app
from gateway.config import Settings
from gateway.db import close_database, open_database
from gateway.services import close_services
from schema import schema
from schema.build import KabinetSchema
from schema.document_checks import validation_rules
from schema.validation_cache import validate_document

STAGES = ("text", "parse", "limits", "validate", "execute", "encode", "http")
_spent: defaultdict[str, float] = defaultdict(float)
_gc_started = 0.0


def _gc_clock(phase: str, info: dict[str, int]) -> None:
    """The cyclic garbage collector's pauses, whatever stage they interrupt: documents the
    caches keep (256 texts, each with its tokens, nodes and locations) make them long."""
    global _gc_started
    if phase == "start":
        _gc_started = time.process_time()
    else:
        pause = time.process_time() - _gc_started
        _spent["gc"] += pause
        _spent[f"gc{info['generation']}"] += pause
        _spent["gc_max"] = max(_spent["gc_max"], pause)


def _timed(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            _spent[stage] += time.process_time() - started

    return timed


def _timed_async(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
    # One request at a time in this process: CPU while it awaits is its own (and the
    # database driver's thread, which is the request's too).
    async def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return await function(*args, **kwargs)
        finally:
            _spent[stage] += time.process_time() - started

    return timed


@contextmanager
def _stage_timers() -> Iterator[None]:
    """Wraps the module globals the gateway calls for each stage; restores them after."""
    patches = [
        (checks_module, "check_text", _timed("text", checks_module.check_text)),
        (checks_module, "parse", _timed("parse", checks_module.parse)),  # inside parse_checked
        (checks_module, "analyse", _timed("limits", checks_module.analyse)),
        (checks_module, "check_document", _timed("limits", checks_module.check_document)),
        (
            validation_module,
            "validate_document",
            _timed("validate", validation_module.validate_document),
        ),
        (KabinetSchema, "execute", _timed_async("graphql", KabinetSchema.execute)),
        (
            view_module.KabinetGraphQL,
            "encode_json",
            _timed("encode", view_module.KabinetGraphQL.encode_json),
        ),
    ]
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in patches]
    for owner, name, wrapper in patches:
        setattr(owner, name, wrapper)
    gc.callbacks.append(_gc_clock)
    try:
        yield
    finally:
        gc.callbacks.remove(_gc_clock)
        for owner, name, original in saved:
            setattr(owner, name, original)


def _breakdown(total: float, spent: dict[str, float]) -> dict[str, float]:
    before = sum(spent.get(stage, 0.0) for stage in ("text", "parse", "limits", "validate"))
    graphql = spent.get("graphql", 0.0)
    # A text refused before parsing never reaches execute: its checks ran inside it anyway
    # (strawberry's parse hook), so execute is what is left of it either way.
    return {
        **{stage: spent.get(stage, 0.0) for stage in ("text", "parse", "limits", "validate")},
        "execute": max(0.0, graphql - before),
        "encode": spent.get("encode", 0.0),
        "http": max(0.0, total - graphql - spent.get("encode", 0.0)),
        "total": total,
        "gc": spent.get("gc", 0.0),
    }


async def _measure_kind(app: Any, kind: Kind, token: str, requests: int) -> dict[str, float]:
    def query(n: int) -> Query:
        return Query(kind.name, kind.text(f"s{secrets.token_hex(3)}_{n}"), kind.authenticated)

    for n in range(3):  # warm the code paths (not the caches: every text is new)
        status, raw = await call(app, query(n), token)
        body = json.loads(raw)
        refused = (body.get("errors") or [{}])[0].get("extensions", {}).get("limit")
        if status != 200 or refused != kind.refused_by or (not refused and body.get("errors")):
            raise SystemExit(f"{kind.name}: unexpected answer {raw[:300]!r}")
    _spent.clear()
    started = time.process_time()
    with _stage_timers():
        for n in range(requests):
            await call(app, query(n), token)
    total = time.process_time() - started
    spent = {stage: 1e3 * value / requests for stage, value in _breakdown(total, _spent).items()}
    spent["gc_max"] = 1e3 * _spent["gc_max"]  # the longest single pause, not a mean
    spent["gc2_count"] = float(gc.get_stats()[2]["collections"])
    return spent


def _timed_rule(rule: type, spent: defaultdict[str, float]) -> type:
    """`rule` with the time of each of its enter/leave calls added to spent[its name]."""

    def get_enter_leave_for_kind(self: Any, kind: str) -> Any:
        enter, leave = rule.get_enter_leave_for_kind(self, kind)

        def timing(function: Callable[..., Any] | None) -> Callable[..., Any] | None:
            if function is None:
                return None

            def timed(*args: Any) -> Any:
                started = time.process_time()
                try:
                    return function(*args)
                finally:
                    spent[rule.__name__] += time.process_time() - started

            return timed

        return EnterLeaveVisitor(timing(enter), timing(leave))

    return type(rule.__name__, (rule,), {"get_enter_leave_for_kind": get_enter_leave_for_kind})


def _rule_costs(kind: Kind, repeats: int = 5) -> list[tuple[str, float]]:
    """CPU ms of each validation rule's own visits within one validation (they share one
    traversal); `(traversal)` is the rest: the walk and the type bookkeeping."""
    spent: defaultdict[str, float] = defaultdict(float)
    rules = tuple(_timed_rule(rule, spent) for rule in validation_rules(3000, True))
    total = 0.0
    for n in range(repeats):
        document = parse(kind.text(f"r{n}"))
        started = time.process_time()
        validate_document(schema._schema, document, rules)
        total += time.process_time() - started
    costs = [(name, 1e3 * value / repeats) for name, value in spent.items()]
    costs.append(("(traversal)", 1e3 * (total - sum(spent.values())) / repeats))
    costs.append(("(all of validation)", 1e3 * total / repeats))
    return costs


def _sign_in_body() -> Query:
    return Query(
        "sign_in",
        'mutation { signInWithPassword(phone: "+79990000001", password: "demo-password-1") '
        "{ accessToken } }",
        authenticated=False,
    )


async def _run(url: str, args: argparse.Namespace, workdir: Path) -> None:
    await open_database(url)
    try:
        settings = Settings(
            database_url=url,
            sms_outbox_path=workdir / "sms.jsonl",
            # One viewer, one address, many requests: rate limits are not what is measured.
            rate_limit_viewer="1000000/minute",
            rate_limit_ip="1000000/minute",
        )
        app = create_app(settings, manage_database=False)
        try:
            _, raw = await call(app, _sign_in_body(), "")
            token = json.loads(raw)["data"]["signInWithPassword"]["accessToken"]
            chosen = [k for k in kinds() if not args.kind_names or k.name in args.kind_names]
            columns = (*STAGES, "total", "gc", "gc_max")
            header = f"{'kind':16}" + "".join(f"{s:>10}" for s in columns)
            print(f"CPU ms per request (mean of {args.requests}, each a new text)\n{header}")
            for kind in chosen:
                spent = await _measure_kind(app, kind, token, args.requests)
                cells = "".join(f"{spent[s]:10.2f}" for s in columns)
                print(f"{kind.name:16}{cells}", flush=True)
            if args.rules:
                for kind in chosen:
                    if kind.refused_by in (None, "GRAPHQL_MAX_FIELD_COMPARISONS"):
                        costs = _rule_costs(kind)
                        print(f"\nvalidation of {kind.name}, CPU ms per rule (timers included):")
                        for name, ms in sorted(costs, key=lambda c: -c[1])[:12]:
                            print(f"  {name:42} {ms:8.2f}")
            for kind in chosen:
                if kind.name == args.profile:
                    profiler = cProfile.Profile()
                    profiler.enable()
                    for n in range(args.requests):
                        text = kind.text(f"p{n}")
                        await call(app, Query(kind.name, text, kind.authenticated), token)
                    profiler.disable()
                    stats = pstats.Stats(profiler).strip_dirs()
                    stats.sort_stats("cumulative").print_stats(40)
                    stats.sort_stats("tottime").print_stats(25)
        finally:
            await close_services(app.state.services)
    finally:
        await close_database()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--requests", type=int, default=20, help="per kind")
    parser.add_argument("--kinds", default="", help="comma-separated subset (default: all)")
    parser.add_argument("--rules", action="store_true", help="CPU of each validation rule")
    parser.add_argument("--profile", default="", help="a kind to run under cProfile")
    parser.add_argument(
        "--no-gc", action="store_true", help="cyclic GC off: each stage's own CPU, no pauses"
    )
    args = parser.parse_args()
    if args.no_gc:
        gc.disable()
    args.kind_names = [name.strip() for name in args.kinds.split(",") if name.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        with fresh_database(args.database, workdir, args.postgres_url) as url:
            seed_demo(url)
            asyncio.run(_run(url, args, workdir))


if __name__ == "__main__":
    main()
