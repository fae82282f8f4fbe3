"""``sanxiang draw``: run a double-random draw (双随机抽取) again from its published inputs.

    sanxiang draw replay DRAW_ID            # recompute a stored draw and compare with its stored result
    sanxiang draw replay --file inputs.json [--result-digest HEX] [--json]

Exit status: 0 when the recomputed result equals the stored one (or, with ``--file``, when the
draw could be computed and matches ``--result-digest`` if given); 1 when they differ or the inputs
cannot be drawn, naming the difference; 2 when the draw does not exist or the file cannot be read.
The algorithm is :mod:`sanxiang.catalog.draw` (docs/draw.md).
"""

import hashlib
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sanxiang.catalog import draw as algorithm
from sanxiang.catalog import inspections
from sanxiang.catalog.models import Draw


class Command(BaseCommand):
    help = "双随机抽取复核：按公布的种子和输入重新计算抽取结果，并与保存（或公示）的结果比对。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{replay}")
        p = sub.add_parser("replay", help="重新计算一次抽取（按编号，或按下载的输入文件）")
        p.add_argument("draw_id", nargs="?", help="抽取编号（公示页地址中的数字）")
        p.add_argument("--file", help="从公示页下载的抽取输入 JSON 文件")
        p.add_argument("--result-digest", help="与之比对的结果摘要（公示页上的“结果摘要”，仅与 --file 同用）")
        p.add_argument("--json", action="store_true", help="以 JSON 输出重新计算的结果")

    def handle(self, *args, action, **options):
        if options["file"] and options["draw_id"]:
            raise CommandError("请只给出抽取编号或 --file 之一", returncode=2)
        if options["file"]:
            return self._from_file(Path(options["file"]), options["result_digest"], options["json"])
        if not options["draw_id"]:
            raise CommandError("请给出抽取编号，或用 --file 指定输入文件", returncode=2)
        return self._stored(options["draw_id"], options["json"])

    def _stored(self, draw_id, as_json):
        try:
            draw = Draw.objects.select_related("agency").get(pk=int(draw_id))
        except (ValueError, Draw.DoesNotExist):
            raise CommandError(f"没有编号为 {draw_id} 的抽取", returncode=2) from None
        outcome = inspections.check(draw)
        if as_json and outcome.result is not None:
            self.stdout.write(algorithm.canonical(outcome.result).decode("utf-8"))
        else:
            self.stdout.write(f"抽取 #{draw.pk}「{draw.title}」（{draw.agency.name}，{draw.get_status_display()}）")
            self.stdout.write(f"算法：{draw.algorithm}\n随机种子：{draw.seed}")
            self.stdout.write(f"输入摘要：{draw.inputs_digest}（公布）／{outcome.inputs_digest}（按保存的输入计算）")
            self.stdout.write(f"结果摘要：{draw.result_digest or '—'}（保存）／{outcome.result_digest or '—'}（重新计算）")
        if not outcome.ok:
            raise CommandError("不一致：" + "；".join(outcome.problems), returncode=1)
        if not as_json:
            self.stdout.write(self.style.SUCCESS(f"一致：重新计算的结果与保存的结果相同（抽中{outcome.result['object_count']}户）"))

    def _from_file(self, path: Path, expected_digest, as_json):
        try:
            raw = path.read_bytes()
            inputs = json.loads(raw.decode("utf-8"))
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror or exc}", returncode=2) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"文件 {path} 不是有效的 UTF-8 JSON：{exc}", returncode=2) from None
        try:
            result = algorithm.compute(inputs)
        except algorithm.DrawRefused as exc:
            raise CommandError(str(exc), returncode=1) from None
        result_digest = algorithm.digest(result)
        if as_json:
            self.stdout.write(algorithm.canonical(result).decode("utf-8"))
        else:
            context = inputs.get("context") or {}
            self.stdout.write(f"抽取输入：{path}（{context.get('title') or '未写明任务名称'}）")
            self.stdout.write(f"文件摘要（SHA-256）：{hashlib.sha256(raw).hexdigest()}")
            self.stdout.write(f"输入摘要（规范化 JSON 的 SHA-256）：{result['inputs_digest']}")
            self.stdout.write(f"随机种子：{inputs['seed']}（{context.get('seed_source') or '来源未写明'}）")
            self.stdout.write(f"检查对象 {result['candidates']} 户，比例 {inputs['ratio_percent']}%，"
                              f"抽中 {result['object_count']} 户：")
            for row in result["assignments"]:
                people = "、".join(f"{i['name']}（{i['certificate']}）" for i in row["inspectors"])
                self.stdout.write(f"  {row['order']:>3}. {row['subject']['name']}（{row['subject']['uscc']}）→ {people}")
            self.stdout.write(f"结果摘要（SHA-256）：{result_digest}")
        if expected_digest:
            if expected_digest.strip().lower() != result_digest:
                raise CommandError(f"不一致：重新计算的结果摘要为 {result_digest}，与给出的 {expected_digest.strip()} 不同",
                                   returncode=1)
            if not as_json:
                self.stdout.write(self.style.SUCCESS("一致：重新计算的结果摘要与给出的结果摘要相同"))
