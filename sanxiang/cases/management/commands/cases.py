"""``sanxiang cases refresh-deadlines``: recompute the stored nearest deadline of every open case (run daily).

A case row keeps its nearest open deadline (``deadline_on``, ``deadline_label``, ``deadline_state``) for
lists and badges; the services refresh it on every act, but the badge also changes as days pass
(正常 → 即将到期 → 已超期) and a paused clock's due date moves on. Run once a day, e.g. just after
midnight (cron: ``5 0 * * *  sanxiang cases refresh-deadlines``). Open cases are read in batches by
primary key with their step records (two queries a batch) and only changed rows are written.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from sanxiang.cases import clocks
from sanxiang.cases.models import Case, CaseStatus, StepRecord
from sanxiang.cases.rules import params_for
from sanxiang.core.workdays import CalendarYearMissing

FIELDS = ("deadline_on", "deadline_label", "deadline_state")


def refresh_deadlines(*, batch: int = 2000, today=None, stdout=None) -> dict:
    """Recompute the nearest deadline of every open case; returns counts (checked, changed, failed)."""
    today = today or timezone.localdate()
    params: dict = {}
    counts = {"checked": 0, "changed": 0, "failed": 0}
    last_pk = 0
    while True:
        cases = list(Case.objects.filter(status=CaseStatus.OPEN, pk__gt=last_pk).order_by("pk")
                     .only("pk", "agency_id", "flow_key", "current_step", "status", "source", *FIELDS)[:batch])
        if not cases:
            break
        last_pk = cases[-1].pk
        history: dict[int, list] = {}
        for record in StepRecord.objects.filter(case_id__in=[c.pk for c in cases]).order_by("case_id", "index").only(
                "case_id", "index", "action", "step", "data", "occurred_at"):
            history.setdefault(record.case_id, []).append(record)
        changed = []
        for case in cases:
            counts["checked"] += 1
            if case.agency_id not in params:
                params[case.agency_id] = params_for(case.agency_id)
            try:
                found = clocks.nearest(clocks.deadlines(case, history.get(case.pk, []), today, params[case.agency_id]))
            except CalendarYearMissing as exc:
                counts["failed"] += 1
                if stdout is not None:
                    stdout.write(f"案件 {case.pk}：{exc}")
                continue
            values = (found.due, found.label[:100], found.state) if found else (None, "", "")
            if values != tuple(getattr(case, f) for f in FIELDS):
                case.deadline_on, case.deadline_label, case.deadline_state = values
                changed.append(case)
        if changed:
            with transaction.atomic():
                Case.objects.bulk_update(changed, FIELDS, batch_size=1000)
            counts["changed"] += len(changed)
    return counts


class Command(BaseCommand):
    help = "执法案件维护命令。refresh-deadlines：重新计算办理中案件的最近时限和时限状态（每日运行一次）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh-deadlines", help="重新计算办理中案件的最近时限（即将到期、已超期）")
        refresh.add_argument("--batch", type=int, default=2000, help="每批读取的案件数（默认 2000）")

    def handle(self, *args, action, batch=2000, **options):
        if action != "refresh-deadlines":
            raise CommandError(f"未知操作：{action}")
        started = time.monotonic()
        counts = refresh_deadlines(batch=max(batch, 1), stdout=self.stdout)
        self.stdout.write(f"已核对 {counts['checked']} 件办理中案件，更新 {counts['changed']} 件，"
                          f"无法计算 {counts['failed']} 件（缺少节假日安排），用时 {time.monotonic() - started:.1f} 秒。")
        if counts["failed"]:
            raise CommandError("部分案件的时限无法计算：请先用 sanxiang calendar load 导入下一年度的节假日安排")
