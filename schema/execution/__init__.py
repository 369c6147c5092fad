"""Kabinet's executor: graphql-core's (through strawberry's subclass), with a fast path for
the fields that make up most of every answer.

Why: a family tree of 12 numbers is ~85 fields, and graphql-core + strawberry spend
~6–10 µs on each (a GraphQLResolveInfo, a strawberry Info, argument conversion, the field
extension chain, the generic completion dispatch) — most of the request. Most of those
fields only read what their object already holds (a dataclass attribute, a method of the
object) or ask a per-request loader for it (an async method).

What the fast path does, with plans made once per schema (plans.py):
- plain attribute fields are read with `getattr`;
- resolvers are called with the object (as `self`, `root` or `parent`, as strawberry
  passes it) and, if they ask for it, an Info built only for them; an async resolver's
  coroutine is awaited and its value completed here (`_complete_awaited`), as graphql-core's
  complete_awaitable_value does, without strawberry's extension chain per call;
- arguments given as scalar literals (`payments(first: 3)`) are coerced by graphql-core
  and converted by strawberry once per document, kept in the document's steps, and only
  when every converted value is immutable (shared by every request of the document);
- a field guarded by `@access` compares the viewer's level on the object first; when it
  refuses, the field goes the ordinary way, which raises FORBIDDEN exactly as before;
- leaves are coerced, objects and lists of objects are completed here, and their
  sub-selections come back through `execute_fields`;
- the sub-selections of a cached document are collected once, not once per request.

- a list of two or more objects is completed breadth-first (batches.py): each field of
  its selection once for the whole list, the async resolvers of a level awaited together by
  one driver (driver.py) rather than a task each; on anything unusual the list is done
  again item by item, the way above.

Where it lives: executor.py (fields: the fast step, the resolver call), completion.py
(values into answers), selections.py (selections collected once per kept document),
batches.py and driver.py (breadth-first lists), plans.py (what may go fast, per schema).

Everything else — arguments given by variables, lists or input objects, directives on a
field, abstract types (interfaces, unions: a `Line` interface goes this way),
nested lists, introspection, `@defer`/`@stream`, schema extensions that wrap resolvers —
goes through graphql-core unchanged. Errors keep graphql-core's semantics: the same
messages, paths, null propagation and error collection (`handle_field_error`). The test
suite answers every query with both executors and compares (tests/support/twin_executor.py).
"""

from schema.execution.executor import KabinetExecutor, executor_for

__all__ = ["KabinetExecutor", "executor_for"]
