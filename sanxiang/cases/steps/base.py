"""Step specifications (环节规格): the fields a step asks for, the gates it checks, what it changes on the case.

A :class:`StepSpec` is registered for ``(flow key, step key)``. The engine (:mod:`sanxiang.cases.engine`)
cleans the input with ``fields`` (plus :data:`COMMON_FIELDS`), checks the transition's guard, the
officers (``officers_act``: LAW-01), the AV requirement of the step's ``av_activity`` (REC-03/05),
then each of ``checks`` in order; only when all pass does it write the step record and call ``apply``.
Checks may add computed values to ``ctx.data`` (they are stored with the step record) but write
nothing to the database.

- ``checks``: ``check(ctx) -> None``, raising ``RuleViolation`` (a legal gate, naming its rule) or
  ``ValidationError`` (bad input). They must not write anything.
- ``apply``: ``apply(ctx, record) -> None``: updates the :class:`~sanxiang.cases.models.Case` row's
  fields (``ctx.case``; the engine saves it) — e.g. ``filed_on``, the proposed penalty.
- ``documents``: the document codes issued automatically when the step is recorded (default: none;
  the step's ``flows.Step.documents`` are offered in the UI and can be issued with their values).
- ``av_when``: ``av_when(ctx) -> bool``: whether the step's AV activity applies to this act (e.g. the
  AV rule of 留置送达 applies to a delivery only when it is made by leaving it) — default: always.
- ``officers_act``: the step is an act of officers on the party (investigation, inspection, seizure,
  delivery …): at least two officers with valid certificates on the day of the act.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..fields import Field

COMMON_FIELDS: tuple[Field, ...] = (
    Field("occurred_at", "发生时间", "datetime", required=False,
          help="环节实际发生的时间，默认为现在；不能晚于现在，也不能早于上一环节"),
    Field("note", "情况说明", "textarea", required=False),
    Field("evidence", "关联的证据和音像记录", "evidence", required=False,
          help="本案已上传的证据、音像记录的编号"),
)
OFFICERS_FIELD = Field("officers", "执法人员", "people", required=False,
                       help="实施本环节的执法人员，不填则为本案承办人员；不得少于两人")


@dataclass(frozen=True)
class StepSpec:
    flow: str
    step: str
    fields: tuple[Field, ...] = ()
    checks: tuple[Callable, ...] = ()
    apply: Callable | None = None
    documents: tuple[str, ...] = ()
    officers_act: bool = False
    help: str = ""
    av_when: Callable | None = None

    def all_fields(self) -> tuple[Field, ...]:
        own = {f.name for f in self.fields}
        common = tuple(f for f in COMMON_FIELDS if f.name not in own)
        extra = (OFFICERS_FIELD,) if self.officers_act and "officers" not in own else ()
        return self.fields + extra + common

    def form_fields(self) -> tuple[Field, ...]:
        """The fields a person fills in (staff forms, the API's form definitions): without internal ones."""
        return tuple(f for f in self.all_fields() if not f.internal)


SPECS: dict[tuple[str, str], StepSpec] = {}


def register(*specs: StepSpec) -> None:
    for spec in specs:
        key = (spec.flow, spec.step)
        if key in SPECS:
            raise ValueError(f"step spec {key} registered twice")
        SPECS[key] = spec


def spec_for(flow: str, step: str) -> StepSpec:
    """The registered spec, or a plain one (only the common fields) for a step nobody specified."""
    return SPECS.get((flow, step)) or StepSpec(flow=flow, step=step)
