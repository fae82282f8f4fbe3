"""``sanxiang retention`` — retention and removal at its end (保存期限与到期删除).

- ``due [--actor USERNAME]`` — records whose retention period has ended and that are not linked to a case;
- ``list [--status STATUS] [--actor USERNAME]`` — removal requests;
- ``request EVIDENCE_ID --reason TEXT --actor USERNAME`` — ask for a record's content to be removed;
- ``approve REQUEST_ID --actor USERNAME`` — the second person approves;
- ``reject REQUEST_ID --reason TEXT --actor USERNAME`` — close a request, nothing removed;
- ``execute REQUEST_ID --actor USERNAME`` — remove the content and append the tombstone log entry.

Without ``--actor``, ``due`` and ``list`` show everything (the operator's view). Exit status 1 when the
request was refused (nothing changed); 2 for a bad command line or an unknown account.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sanxiang.core.errors import Conflict
from sanxiang.records import retention
from sanxiang.records.models import EvidenceRecord, RemovalRequest
from sanxiang.records.views.retention import due_for_removal, refusal, requests_visible_to

ACTOR_HELP = "操作人的登录账号，记入删除申请和审计日志"


def _name(user) -> str:
    if user is None:
        return "—"
    person = getattr(user, "person", None)
    return f"{person.name}（{user.username}）" if person else user.username


class Command(BaseCommand):
    help = "保存期限与到期删除：due 列出期限已届满的记录，list 列出删除申请，request/approve/reject/execute 办理删除申请。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{due,list,request,approve,reject,execute}")
        due = sub.add_parser("due", help="保存期限已届满、未与案件关联的记录")
        due.add_argument("--actor", metavar="USERNAME", help="只列出该账号可查看的记录")
        listing = sub.add_parser("list", help="到期删除申请")
        listing.add_argument("--status", choices=RemovalRequest.Status.values, help="按状态筛选")
        listing.add_argument("--actor", metavar="USERNAME", help="只列出该账号可查看的申请")
        ask = sub.add_parser("request", help="申请删除一件记录的文件内容")
        ask.add_argument("evidence", metavar="EVIDENCE_ID", type=int, help="证据记录编号")
        ask.add_argument("--reason", required=True, metavar="TEXT", help="删除理由")
        ask.add_argument("--actor", required=True, metavar="USERNAME", help=ACTOR_HELP)
        for name, text in (("approve", "批准删除申请（须为申请人以外的本机关领导或系统管理员）"),
                           ("execute", "执行删除：删除文件内容并追加删除记录（墓碑）")):
            command = sub.add_parser(name, help=text)
            command.add_argument("request", metavar="REQUEST_ID", type=int, help="删除申请编号")
            command.add_argument("--actor", required=True, metavar="USERNAME", help=ACTOR_HELP)
        reject = sub.add_parser("reject", help="驳回删除申请")
        reject.add_argument("request", metavar="REQUEST_ID", type=int, help="删除申请编号")
        reject.add_argument("--reason", required=True, metavar="TEXT", help="驳回理由")
        reject.add_argument("--actor", required=True, metavar="USERNAME", help=ACTOR_HELP)

    def handle(self, *args, action, **options):
        user = self._user(options["actor"]) if options.get("actor") else None
        if action == "due":
            return self.due(user)
        if action == "list":
            return self.list(user, options.get("status"))
        if action == "request":
            evidence = EvidenceRecord.objects.filter(pk=options["evidence"]).first()
            if evidence is None:
                raise CommandError(f"证据记录 {options['evidence']} 不存在", returncode=1)
            row = self._do(retention.request_removal, user, evidence, options["reason"])
            self.stdout.write(f"已提出删除申请 #{row.pk}：“{evidence.title}”，待本机关领导或系统管理员（非申请人）批准")
            return
        row = RemovalRequest.objects.filter(pk=options["request"]).first()
        if row is None:
            raise CommandError(f"删除申请 #{options['request']} 不存在", returncode=1)
        if action == "approve":
            self._do(retention.approve_removal, user, row)
            self.stdout.write(f"已批准删除申请 #{row.pk}；可由本机关领导或系统管理员执行删除")
        elif action == "reject":
            self._do(retention.reject_removal, user, row, options["reason"])
            self.stdout.write(f"已驳回删除申请 #{row.pk}，文件内容保留")
        else:
            tombstone = self._do(retention.execute_removal, user, row)
            self.stdout.write(f"删除申请 #{row.pk} 已执行：文件内容已删除，删除记录（墓碑）为日志条目 #{tombstone.seq}")

    def _user(self, username: str):
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(f"登录账号“{username}”不存在或已停用", returncode=2)
        return user

    def _do(self, service, *args):
        try:
            return service(*args)
        except (PermissionDenied, ValidationError, Conflict) as error:
            raise CommandError(f"未办理：{refusal(error)}", returncode=1) from error

    def due(self, user):
        rows = due_for_removal(user, limit=None)
        for record, ends in rows:
            self.stdout.write(
                f"{record.pk}\t{record.title}\t{record.agency.short_name or record.agency.name}\t"
                f"届满 {timezone.localtime(ends):%Y-%m-%d %H:%M}\t{record.blob.size} 字节\t{record.blob_id}"
            )
        self.stdout.write(f"共 {len(rows)} 件记录保存期限已届满，可申请删除")

    def list(self, user, wanted: str | None):
        rows = RemovalRequest.objects.select_related("evidence", "requested_by__person", "approved_by__person")
        if user is not None:
            rows = requests_visible_to(user)
        if wanted:
            rows = rows.filter(status=wanted)
        rows = list(rows.order_by("requested_at", "pk"))
        for row in rows:
            self.stdout.write(
                f"#{row.pk}\t{row.get_status_display()}\t证据 {row.evidence_id} “{row.evidence.title}”\t"
                f"申请人 {_name(row.requested_by)}\t批准人 {_name(row.approved_by)}\t理由：{row.reason}"
            )
        self.stdout.write(f"共 {len(rows)} 件删除申请")

