"""``sanxiang catalog`` — export and import an agency's lists (see docs/catalog-import.md).

- ``export AGENCY_ID DIR [--on DATE] [--format xlsx|json] [--kind KIND] [--drafts --user USERNAME]`` —
  write the lists in force on DATE (default today) to ``DIR/清单-<agency id>-<date>.xlsx`` (or ``.json``);
  with ``--drafts``, the latest version of every entry USERNAME may see, drafts included.
- ``import AGENCY_ID FILE --user USERNAME`` — read an XLSX into drafts of the agency's lists, as
  USERNAME (checked against that account's rights, audited). All rows or none.
- ``example FILE`` — write a small example workbook to fill in (the one in docs/examples/catalog-items.xlsx).

Exit status: 0 done; 1 some rows were refused (every problem listed, nothing imported); 2 the file,
the agency or the account was refused as a whole (nothing imported).
"""

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sanxiang.catalog import spreadsheets
from sanxiang.catalog.models import ListKind
from sanxiang.org.models import Agency


class Command(BaseCommand):
    help = "清单的导出（XLSX/JSON）与导入（XLSX，导入为草稿，须审核后发布）。列说明见 docs/catalog-import.md。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{export,import,example}")
        export = sub.add_parser("export", help="导出执法主体的清单")
        export.add_argument("agency", metavar="AGENCY_ID", help="执法主体编号")
        export.add_argument("directory", metavar="DIR", help="输出目录")
        export.add_argument("--on", metavar="DATE", help="导出该日施行中的清单（默认今天），格式如 2026-03-01")
        export.add_argument("--format", choices=["xlsx", "json"], default="xlsx", help="文件格式（默认 xlsx）")
        export.add_argument("--kind", choices=ListKind.values, help="只导出一类清单")
        export.add_argument("--drafts", action="store_true", help="导出各事项的最新版本（含草稿），须同时给出 --user")
        export.add_argument("--user", metavar="USERNAME", help="以该账号可查看的范围导出草稿")
        imp = sub.add_parser("import", help="从 XLSX 导入为草稿")
        imp.add_argument("agency", metavar="AGENCY_ID", help="执法主体编号")
        imp.add_argument("file", metavar="FILE", help="XLSX 文件")
        imp.add_argument("--user", metavar="USERNAME", required=True,
                         help="以该登录账号的身份导入（按其权限校验，并记入审计日志）")
        example = sub.add_parser("example", help="生成一份可直接导入的样例表格")
        example.add_argument("file", metavar="FILE", help="输出的 .xlsx 文件")

    def handle(self, *args, action, agency=None, **options):
        if action == "example":
            path = Path(options["file"])
            path.write_bytes(spreadsheets.example_workbook())
            self.stdout.write(f"已生成样例表格：{path}")
            return
        agency = self._agency(agency)
        if action == "export":
            self.export(agency, **options)
        else:
            self.import_(agency, **options)

    def export(self, agency, *, directory, on=None, format="xlsx", kind=None, drafts=False, user=None, **options):
        day = timezone.localdate()
        if on:
            try:
                day = datetime.date.fromisoformat(on)
            except ValueError as error:
                raise CommandError(f"日期“{on}”格式不正确，应写成 2026-03-01", returncode=2) from error
        drafts_for = None
        if drafts:
            if not user:
                raise CommandError("导出草稿须用 --user 指明账号", returncode=2)
            drafts_for = self._user(user)
        folder = Path(directory)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"无法创建目录“{folder}”：{error.strerror or error}", returncode=2) from error
        writer = spreadsheets.export_json if format == "json" else spreadsheets.export_workbook
        data = writer(agency, kind=kind, on=day, drafts_for=drafts_for)
        stem = f"清单-{agency.pk}-{'草稿' if drafts else day.isoformat()}{'-' + kind if kind else ''}"
        path = folder / f"{stem}.{format}"
        path.write_bytes(data)
        self.stdout.write(f"已导出“{agency.name}”的清单：{path}")

    def import_(self, agency, *, file, user, **options):
        account = self._user(user)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}", returncode=2)
        try:
            result = spreadsheets.import_workbook(account, agency, path.read_bytes(), path.name)
        except spreadsheets.ImportFileError as error:
            raise CommandError(f"{error}；未导入任何数据", returncode=2) from error
        except PermissionDenied as error:
            raise CommandError(f"{error}；未导入任何数据", returncode=2) from error
        except spreadsheets.ImportRowsError as error:
            self.stdout.write(f"{path.name}：有{len(error.errors)}处错误，未导入任何数据：")
            for line in error.errors:
                self.stdout.write(f"  {line}")
            raise CommandError("请改正以上各行后重新导入", returncode=1) from error
        self.stdout.write(result.summary())

    def _agency(self, value) -> Agency:
        agency = Agency.objects.filter(pk=int(value)).first() if str(value).isdigit() else None
        if agency is None:
            raise CommandError(f"执法主体 {value} 不存在", returncode=2)
        return agency

    def _user(self, username: str):
        account = get_user_model().objects.filter(username=username).first()
        if account is None:
            raise CommandError(f"登录账号“{username}”不存在", returncode=2)
        if not account.is_active:
            raise CommandError(f"登录账号“{username}”已停用", returncode=2)
        return account
