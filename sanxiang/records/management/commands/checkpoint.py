"""``sanxiang checkpoint``: signed checkpoints of the record log (签名检查点).

    sanxiang checkpoint make          # sign the current log head (run on a schedule, e.g. every 10 minutes)
    sanxiang checkpoint show [--json] # the latest stored checkpoint, its signed text and the verifier key
    sanxiang checkpoint export DIR    # write checkpoint, checkpoint-<size> and verifier-key to DIR

Every error is a ``CommandError`` with a Chinese message: a non-zero exit, no traceback.
"""

import base64
import json

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management.base import BaseCommand, CommandError

from sanxiang.org.services import SystemActor
from sanxiang.records import checkpoints, proofs

SCHEDULE_HELP = """\
checkpoint make 应定期运行，例如每 10 分钟一次（日志没有增长时不会产生新的检查点），并在运行后
用 checkpoint export 把最新的检查点写到数据库以外的位置（另一台机器、只读介质或监督部门）。
cron 示例：
  */10 * * * *  sanxiang checkpoint make && sanxiang checkpoint export /srv/witness/sanxiang
systemd 示例：一个 OnCalendar=*:0/10 的 timer 启动运行上述两条命令的 service。"""


def _errors(exc) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc)


class Command(BaseCommand):
    help = "记录日志的签名检查点：生成（定期运行，例如每 10 分钟）、查看、导出到数据库以外。\n\n" + SCHEDULE_HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        kwargs["formatter_class"] = RawDescriptionHelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{make,show,export}")
        sub.add_parser(
            "make", help="对日志当前的大小和根哈希签名并保存；应按计划定期运行（如每 10 分钟，cron 或 systemd timer）",
            description=SCHEDULE_HELP,
        )
        p = sub.add_parser("show", help="显示最新的签名检查点（签名文本、大小、根哈希）和验证公钥")
        p.add_argument("--json", action="store_true", help="以 JSON 输出（哈希为 base64）")
        p = sub.add_parser("export", help="把最新的签名检查点写到数据库以外的目录（见证副本），不覆盖内容不同的文件")
        p.add_argument("directory", help="导出目录：写入 checkpoint、checkpoint-<大小> 和 verifier-key")

    def handle(self, *args, action, **options):
        try:
            if action == "make":
                self._make()
            elif action == "show":
                self._show(options["json"])
            else:
                self._export(options["directory"])
        except (ValidationError, ImproperlyConfigured, proofs.MissingNode, OSError) as exc:
            raise CommandError(_errors(exc)) from None

    def _make(self):
        before = checkpoints.latest()
        row = checkpoints.make_checkpoint(SystemActor("system:checkpoint"))
        if before is not None and row.pk == before.pk:
            self.stdout.write(f"日志没有增长，沿用已有的检查点：大小 {row.tree_size}")
        else:
            self.stdout.write(self.style.SUCCESS(f"已生成签名检查点：大小 {row.tree_size}，"
                                                 f"根哈希 {base64.b64encode(bytes(row.root)).decode()}"))

    def _show(self, as_json):
        row = checkpoints.latest()
        if row is None:
            raise CommandError("还没有签名检查点：请先运行 sanxiang checkpoint make")
        checkpoints.verify_note(row.note)
        if as_json:
            self.stdout.write(json.dumps({
                "origin": row.origin, "tree_size": row.tree_size, "root": base64.b64encode(bytes(row.root)).decode(),
                "key_name": row.key_name, "algorithm": row.algorithm, "created_at": row.created_at.isoformat(),
                "note": row.note, "verifier_key": checkpoints.verifier_key_text(),
            }, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"日志标识：{row.origin}\n树大小：{row.tree_size}\n"
                          f"根哈希：{base64.b64encode(bytes(row.root)).decode()}\n"
                          f"签名：{row.algorithm}（{row.key_name}），签名有效\n生成时间：{row.created_at.isoformat()}\n")
        self.stdout.write("签名文本：\n" + row.note)
        self.stdout.write("验证公钥：" + checkpoints.verifier_key_text())

    def _export(self, directory):
        path = checkpoints.export(directory)
        size = checkpoints.load_exported(path).size
        self.stdout.write(self.style.SUCCESS(f"已导出大小为 {size} 的签名检查点到 {path}"))
