"""``sanxiang verify [--against CHECKPOINT_FILE] [--quick] [--json]``: verify the record store.

Recomputes every leaf and root, checks the signatures of stored checkpoints, proves consistency
with an exported checkpoint, re-hashes every file (only presence and size with ``--quick``) and
reports each file as ok, changed, missing, untracked or removed (see docs/records.md).

Exit status: 0 when everything holds, 1 when something does not (each problem is printed),
2 when verification could not start (bad arguments, an exported checkpoint that cannot be
trusted, no verifier key).
"""

import json as jsonlib
import sys

from django.core.management.base import BaseCommand, CommandError

from sanxiang.records.verify import BATCH, STATUS_LABELS, VerifyConfigError, verify


class Command(BaseCommand):
    help = ("核验全过程记录：重算每个日志条目的叶哈希和根哈希，核对已存签名检查点，证明与导出检查点一致，"
            "重算每个文件的 SHA-256 和 SM3，逐个报告文件为 ok（完好）、changed（已改变）、missing（缺失）、"
            "untracked（未登记）或 removed（已按期删除）。全部成立时退出码为 0，否则为 1，参数或配置错误为 2。")

    def add_arguments(self, parser):
        parser.add_argument("--against", metavar="CHECKPOINT_FILE",
                            help="导出的签名检查点文件（或 sanxiang checkpoint export 的导出目录），证明当前日志与它一致")
        parser.add_argument("--trusted-key", metavar="VERIFIER_KEY_FILE",
                            help="另行保管的验证公钥文件（verifier-key）；默认用本系统配置的签名密钥的公钥")
        parser.add_argument("--quick", action="store_true", help="快速模式：不重算文件哈希，只核对文件是否存在和大小")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出核验报告")
        parser.add_argument("--list-files", action="store_true", help="逐个列出所有文件（默认只列出有问题的文件）")
        parser.add_argument("--batch-size", type=int, default=BATCH, help=f"每批读取的行数（默认 {BATCH}）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, against=None, trusted_key=None, quick=False, json=False, list_files=False,
               batch_size=BATCH, no_progress=False, **options):
        key_text = None
        if trusted_key:
            try:
                with open(trusted_key, encoding="utf-8") as handle:
                    key_text = handle.read()
            except OSError as exc:
                raise CommandError(f"无法读取验证公钥文件 {trusted_key}：{exc.strerror}", returncode=2) from exc
            except UnicodeDecodeError as exc:
                raise CommandError(f"验证公钥文件 {trusted_key} 不是 UTF-8 文本", returncode=2) from exc
        progress = None if no_progress else getattr(self.stderr, "_out", sys.stderr)
        try:
            report = verify(against=against, trusted_key=key_text, quick=quick, progress=progress,
                            batch_size=batch_size, list_files=list_files)
        except VerifyConfigError as exc:
            raise CommandError(f"{exc}；未进行核验", returncode=2) from exc

        if json:
            self.stdout.write(_json_dumps(report.as_dict()))
        else:
            self.print_report(report, list_files)
        if not report.ok:
            total = sum(report.problem_counts.values())
            raise CommandError(f"核验未通过：发现 {total} 处问题（见上方列表）", returncode=1)

    def print_report(self, report, list_files: bool) -> None:
        for line in report.summary_lines():
            self.stdout.write(line)
        if report.file_list:
            self.stdout.write("文件：" if list_files else "有问题或已删除的文件：")
            for item in report.file_list:
                detail = f"  {item.detail}" if item.detail else ""
                self.stdout.write(f"  {item.status:<9} {STATUS_LABELS[item.status]}  {item.name}{detail}")
        if report.ok:
            self.stdout.write(self.style.SUCCESS("核验通过：日志、检查点、证据记录和文件全部一致"))
            return
        self.stdout.write(self.style.ERROR("发现的问题："))
        for problem in report.problems:
            self.stdout.write(f"  [{problem.code}] {problem.message}")
        if report.unlisted:
            self.stdout.write(f"  另有 {report.unlisted} 处同类问题未逐条列出（用 --json 查看各类计数）")


def _json_dumps(data) -> str:
    return jsonlib.dumps(data, ensure_ascii=False, indent=2)
