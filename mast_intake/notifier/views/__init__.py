"""Plain, frozen view models that the message templates and the agenda document render.

A view carries already-decided facts as plain fields (strings, numbers, dates, tuples), so the
templates hold no business logic and the notifier does not depend on the validation package's
API. Whatever builds a view (the pipeline) copies the facts in; the small ``from_*`` helpers
here only cover the common conversions.

Child data rules kept by these types:

- Subjects are built from ``reference`` only (see ``compose``), never from a child's name or a
  file name, which workers often name after the child.
- ``AlertView`` holds no child data at all: only ids, counts and reason codes, and it refuses
  free text in those fields.
"""
