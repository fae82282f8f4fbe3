"""Deadlines of a case (办案时限): from the flows' time limits, the agency's parameters, approved extensions
and excluded periods (中止、听证、鉴定检测、公告 — LAW-03).

A limit of step S "within N days from step F" starts on the day the case last entered F (for
``F == S``: the day it entered S, and it is met when the case leaves S). It is met the day the case
enters S — or any step sharing that limit (e.g. the three ways of deciding within 90 days). A limit
whose step the case can no longer reach does not apply. Working days come from the calendar
(:mod:`sanxiang.core.workdays`, LAW-10); a missing holiday schedule raises ``CalendarYearMissing``.

Extensions (``EXTEND`` step records, ``data = {"clock": S, "days": n}``) add days; pauses (``PAUSE`` …
``RESUME``, ``data = {"clock": S}``) stop a calendar-day clock, and their days are added back.
"""

from __future__ import annotations

import datetime
from collections import deque
from dataclasses import dataclass

from django.utils import timezone

from sanxiang.catalog import flows
from sanxiang.core.workdays import add_working_days

from .models import StepRecord
from .rules import Params, params_for

ON_TIME, DUE_SOON, OVERDUE, PAUSED, MET, LATE = "on_time", "due_soon", "overdue", "paused", "met", "late"
STATE_LABELS = {ON_TIME: "正常", DUE_SOON: "即将到期", OVERDUE: "已超期", PAUSED: "计时中止", MET: "按时完成",
                LATE: "超期完成"}
OPEN_STATES = (ON_TIME, DUE_SOON, OVERDUE)


@dataclass(frozen=True)
class Limit:
    """A time limit as the clocks use it (from ``flows.TimeLimit``, or an extra one of this module)."""

    flow: str
    step: str
    from_step: str
    days: int
    working_days: bool
    basis: str
    label: str
    extension_days: int = 0
    hours: int = 0


@dataclass(frozen=True)
class Deadline:
    key: str  # the clock's name: the first step of the limit's group
    label: str
    start: datetime.date
    due: datetime.date
    state: str
    basis: str
    met_on: datetime.date | None = None
    extended_days: int = 0
    paused_days: int = 0

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _agency_days(flow_key: str, step_key: str, params: Params, days: int) -> int:
    """Agency parameters that replace a flow's default period (DESIGN §4.8)."""
    if step_key == "legal_review":
        return params.review_working_days
    if flow_key == "penalty" and step_key in ("penalty_decision", "no_penalty_decision", "withdraw_case"):
        return params.decision_days
    return days


def limits_for(case, params: Params) -> list[Limit]:
    flow = flows.get(case.flow_key)
    if flow is None:
        return []
    out = []
    for step in flow.steps:
        limit = step.time_limit
        if limit is None or limit.relation != "within" or not (limit.days or limit.hours):
            continue
        if limit.hours:  # e.g. 24 hours to report an on-the-spot coercive measure (LAW-09): counted as a day limit
            out.append(Limit(flow.key, step.key, limit.from_step, 0, False, limit.citation,
                             step.time_limit_text(flow) or step.name, 0, hours=limit.hours))
            continue
        days = _agency_days(flow.key, step.key, params, limit.days)
        if flow.key == "inspection" and step.key == "publish" and case.source == "random":
            days = params.random_inspection_publish_working_days
        out.append(Limit(flow.key, step.key, limit.from_step, days, limit.working_days, limit.citation,
                         step.time_limit_text(flow) or step.name, limit.extension_days))
    if flow.key == "penalty":
        out.append(Limit("penalty", "file", "register", params.filing_working_days, True,
                         "立案期限（部门规章；本机关办案参数）",
                         f"自发现案源之日起{params.filing_working_days}个工作日内立案或不予立案"))
        out.append(Limit("penalty", "not_filed", "register", params.filing_working_days, True, "", ""))
    return out


def _reachable(flow, start: str) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        for transition in flow.outgoing(queue.popleft()):
            if transition.target not in seen:
                seen.add(transition.target)
                queue.append(transition.target)
    return seen


def _entries(history: list[StepRecord]) -> list[tuple[str, datetime.date, int]]:
    """(step, day, index) of every entry into a step, in order."""
    return [(r.step, local_date(r.occurred_at), r.index) for r in history
            if r.action in (StepRecord.Action.REGISTER, StepRecord.Action.TRANSITION)]


def _pauses(history, clock: str, today: datetime.date) -> tuple[int, bool]:
    total, since = 0, None
    for record in history:
        if (record.data or {}).get("clock") != clock:
            continue
        day = local_date(record.occurred_at)
        if record.action == StepRecord.Action.PAUSE and since is None:
            since = day
        elif record.action == StepRecord.Action.RESUME and since is not None:
            total += (day - since).days
            since = None
    if since is not None:
        total += (today - since).days
    return total, since is not None


# Limits on a period the case spends in a step (查封扣押期间): met when the case leaves the step for good,
# not when it enters it (a loop such as 延长期限 → 查封扣押期间 does not meet it).
HOLDING_STEPS = {("coercion_measure", "custody")}


def extended_days(history, clock: str) -> int:
    """Days added to ``clock``: approved extensions (``EXTEND``) and steps recorded with ``{"clock", "days"}`` (延长期限)."""
    return sum(int((r.data or {}).get("days") or 0) for r in history
               if r.action in (StepRecord.Action.EXTEND, StepRecord.Action.TRANSITION)
               and (r.data or {}).get("clock") == clock)


def deadlines(case, history: list[StepRecord] | None = None, today: datetime.date | None = None,
              params: Params | None = None) -> list[Deadline]:
    """Every deadline that applies to the case now: open ones and those already met."""
    flow = flows.get(case.flow_key)
    if flow is None:
        return []
    today = today or timezone.localdate()
    params = params or params_for(case.agency_id)
    history = list(history) if history is not None else list(case.steps.order_by("index"))
    entries = _entries(history)
    reachable = _reachable(flow, case.current_step) if case.status in ("open", "closed") else set()
    groups: dict[tuple, list[Limit]] = {}
    for limit in limits_for(case, params):
        groups.setdefault((limit.from_step, limit.days, limit.hours, limit.working_days,
                           limit.from_step == limit.step and limit.step),
                          []).append(limit)
    out: list[Deadline] = []
    for group in groups.values():
        first = group[0]
        steps = {limit.step for limit in group}
        self_timed = first.from_step == first.step
        starts = [(day, index) for step, day, index in entries if step == first.from_step]
        if not starts:
            continue
        start, start_index = starts[-1]
        if self_timed:
            after = [(day) for step, day, index in entries if index > start_index]
        elif (flow.key, first.step) in HOLDING_STEPS:
            loop = {s.key for s in flow.steps if first.step in _reachable(flow, s.key)}
            after = [day for step, day, index in entries if index > start_index and step not in loop]
        else:
            after = [day for step, day, index in entries if index > start_index and step in steps]
        met_on = after[0] if after else None
        if met_on is None and not (steps & reachable if not self_timed else case.current_step in steps):
            continue  # the case can no longer reach the step: the limit does not apply
        extended = extended_days(history, first.step)
        paused, paused_now = (0, False) if first.working_days else _pauses(history, first.step, today)
        if first.hours:
            moment = max(r.occurred_at for r in history if r.index == start_index)
            due = local_date(moment + datetime.timedelta(hours=first.hours))
        elif first.working_days:
            due = add_working_days(start, first.days + extended)
        else:
            due = start + datetime.timedelta(days=first.days + extended + paused)
        if met_on is not None:
            state = MET if met_on <= due else LATE
        elif paused_now:
            state = PAUSED
        elif today > due:
            state = OVERDUE
        elif (due - today).days <= params.due_soon_days:
            state = DUE_SOON
        else:
            state = ON_TIME
        label = first.label or flow.step(first.step).name
        if len(group) > 1:
            names = "／".join(flow.step(limit.step).name for limit in group if flow.has_step(limit.step))
            label = f"{names}：{label}"
        out.append(Deadline(first.step, label, start, due, state, first.basis, met_on, extended, paused))
    out.sort(key=lambda d: d.due)
    return out


def due_date(case, clock: str, history=None, today=None) -> datetime.date | None:
    """The due date of the clock named ``clock`` (a step key), open or met; None if it does not apply."""
    for deadline in deadlines(case, history, today):
        if deadline.key == clock:
            return deadline.due
    return None


def nearest(deadline_list: list[Deadline]) -> Deadline | None:
    open_ones = [d for d in deadline_list if d.is_open]
    return min(open_ones, key=lambda d: d.due) if open_ones else None


def badge_state(due: datetime.date | None, today: datetime.date, due_soon_days: int) -> str:
    """The badge of a stored nearest deadline (case lists): '' (none), on_time, due_soon or overdue."""
    if due is None:
        return ""
    if today > due:
        return OVERDUE
    if (due - today).days <= due_soon_days:
        return DUE_SOON
    return ON_TIME
