"""Mutation score per module from mutmut's results (`make mutate`, docs/mutation.md).

    .venv/bin/mutmut results --all true | .venv/bin/python -m bench.mutation_scores

mutmut prints one line per mutant ("    <module>.x_<function>__mutmut_<n>: <status>") but no
score per module. Here: killed (a test failed) and timeout (the mutant hung a test) count as
caught, as mutmut's own score counts them; survivors judged equivalent (listed with their
reason in docs/mutation.md) count as caught too; "no tests" counts as survived. A module
with mutants still "not checked" is marked partial.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

_LINE = re.compile(r"^\s*(?P<name>\S+__mutmut_\d+): (?P<status>.+?)\s*$")
# The module is the name up to mutmut's mangled function: ".x_name" or ".xǁClassǁmethod".
_MODULE = re.compile(r"^(?P<module>.+?)\.x(?:_|ǁ)")
_LISTED = re.compile(r"`(?P<name>[\w.ǁ]+__mutmut_\d+)`")
CAUGHT = {"killed", "timeout"}
UNCOUNTED = {"not checked", "skipped"}


def equivalent_mutants(notes: Path) -> set[str]:
    """The mutant names written in backquotes in the notes' equivalent-mutants list."""
    if not notes.exists():
        return set()
    return {m["name"] for m in _LISTED.finditer(notes.read_text(encoding="utf-8"))}


def scores(lines: Iterable[str], equivalent: set[str]) -> dict[str, Counter[str]]:
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for line in lines:
        matched = _LINE.match(line)
        if matched is None:
            continue
        name, status = matched["name"], matched["status"]
        module = _MODULE.match(name)
        if module is None:
            continue
        if status == "survived" and name in equivalent:
            status = "equivalent"
        by_module[module["module"]][status] += 1
    return by_module


def report(by_module: dict[str, Counter[str]]) -> list[str]:
    rows = [
        f"{'module':<28} {'mutants':>7} {'killed':>6} {'timeout':>7} {'equiv.':>6} "
        f"{'survived':>8} {'no tests':>8} {'score':>6}"
    ]
    for module, counts in sorted(by_module.items()):
        counted = sum(n for status, n in counts.items() if status not in UNCOUNTED)
        caught = sum(counts[s] for s in CAUGHT) + counts["equivalent"]
        score = f"{100 * caught / counted:.1f}%" if counted else "-"
        partial = (
            f"  (partial: {counts['not checked']} not checked)" if counts["not checked"] else ""
        )
        rows.append(
            f"{module:<28} {counted:>7} {counts['killed']:>6} {counts['timeout']:>7} "
            f"{counts['equivalent']:>6} {counts['survived']:>8} {counts['no tests']:>8} "
            f"{score:>6}{partial}"
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=Path, default=Path("docs/mutation.md"))
    args = parser.parse_args()
    by_module = scores(sys.stdin, equivalent_mutants(args.notes))
    print("\n".join(report(by_module)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
