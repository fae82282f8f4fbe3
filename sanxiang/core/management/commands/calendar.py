"""``sanxiang calendar``: the working-day calendar (工作日日历, LAW-10) on the command line.

    sanxiang calendar load FILE [--source TEXT] [--year YEAR] [--user USERNAME]
    sanxiang calendar show YEAR
    sanxiang calendar add-workdays DATE N        # prints only YYYY-MM-DD
    sanxiang calendar count-workdays START END   # prints only the number of working days in (START, END]

Every error is a ``CommandError`` with a Chinese message: a non-zero exit, no traceback.
"""

import argparse
import getpass
import os
import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sanxiang.core import workdays
from sanxiang.core.calendar_files import load_calendar_file, parse_date
from sanxiang.core.errors import Conflict


def _date_arg(text: str):
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _int_arg(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是整数") from None


def _year_arg(text: str) -> int:
    value = _int_arg(text)
    if not 1 <= value <= 9999:
        raise argparse.ArgumentTypeError(f"年份 {value} 无效")
    return value


class Command(BaseCommand):
    help = "工作日日历：载入和查看国务院节假日安排（放假与调休上班），按工作日推算和计数日期。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{load,show,add-workdays,count-workdays}")

        p = sub.add_parser("load", help="从 CSV 或 JSON 文件载入一年的节假日安排（替换该年已载入的数据）")
        p.add_argument("file", help="CSV（date,kind,name）或 JSON 文件，格式见 docs/calendar.md")
        p.add_argument("--source", help="来源，例如国务院办公厅通知文号（覆盖 JSON 文件中的 source）")
        p.add_argument("--year", type=_year_arg, help="文件应属的年份；给出时，文件中的日期必须都在该年内")
        p.add_argument("--user", help="以该用户名记录载入人（默认记录为命令行的操作系统用户）")

        p = sub.add_parser("show", help="列出一年的放假日和调休上班日，并说明数据来自已载入的表还是 chinesecalendar 软件包")
        p.add_argument("year", type=_year_arg)

        p = sub.add_parser("add-workdays", help="DATE 之后第 N 个工作日（不含 DATE 当天；N 为负数时向前推算），输出 YYYY-MM-DD")
        p.add_argument("date", type=_date_arg)
        p.add_argument("n", type=_int_arg)

        p = sub.add_parser("count-workdays", help="START 之后到 END（含 END）之间的工作日数；END 早于 START 时为负数")
        p.add_argument("start", type=_date_arg)
        p.add_argument("end", type=_date_arg)

    def handle(self, *args, **options):
        action = options["action"].replace("-", "_")
        try:
            getattr(self, f"do_{action}")(options)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        except Conflict as exc:
            raise CommandError(str(exc)) from None
        except BrokenPipeError:  # e.g. `sanxiang calendar show 2024 | head`
            sys.stdout = open(os.devnull, "w")  # keeps the exit-time flush quiet

    def do_load(self, options):
        actor = f"cli:{getpass.getuser()}"
        if options["user"]:
            User = get_user_model()
            try:
                actor = User.objects.get(**{User.USERNAME_FIELD: options["user"]})
            except User.DoesNotExist:
                raise CommandError(f"用户“{options['user']}”不存在，未做任何修改。") from None
        cal = load_calendar_file(options["file"], actor=actor, source=options["source"], year=options["year"])
        counts = {kind: cal.days.filter(kind=kind).count() for kind in ("holiday", "workday")}
        self.stdout.write(
            f"已载入 {cal.year} 年节假日安排：放假 {counts['holiday']} 天，调休上班 {counts['workday']} 天"
            f"（来源：{cal.source or '未注明'}）。该年的工作日计算从现在起以此为准。"
        )
        if not cal.source:
            self.stderr.write("提示：未注明来源，建议用 --source 注明国务院办公厅通知文号后重新载入。")

    def do_show(self, options):
        schedule = workdays.year_schedule(options["year"])
        out = self.stdout
        out.write(f"{schedule.year} 年节假日安排")
        out.write(f"数据来源：{schedule.source_label}")
        for title, days in (("放假", schedule.holidays), ("调休上班", schedule.workdays)):
            out.write(f"{title}（{len(days)} 天）：")
            if not days:
                out.write("  （无）")
            for d, name in days.items():
                out.write(f"  {d.isoformat()} {workdays.WEEKDAYS_ZH[d.weekday()]} {name}".rstrip())
        out.write(f"全年工作日：{len(schedule.working_ordinals)} 天")

    def do_add_workdays(self, options):
        self.stdout.write(workdays.add_working_days(options["date"], options["n"]).isoformat())

    def do_count_workdays(self, options):
        self.stdout.write(str(workdays.working_days_between(options["start"], options["end"])))
