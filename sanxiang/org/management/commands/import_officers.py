"""``sanxiang import-officers FILE.xlsx|FILE.csv``: import an officer list (see docs/import-officers.md).

Exit status: 0 when every row was imported, 1 when some rows were rejected (the good ones are
kept), 2 when the file was refused as a whole (nothing imported).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from sanxiang.org.importer import ImportFileError, import_officers


class Command(BaseCommand):
    help = ("导入行政执法人员清单（.xlsx 或 .csv）：逐行校验，错误行附行号和原因拒绝，正确行保留。"
            "列说明见 docs/import-officers.md。")

    def add_arguments(self, parser):
        parser.add_argument("file", help="人员清单文件（.xlsx 或 .csv）")
        parser.add_argument("--actor", metavar="USERNAME",
                            help="以该登录账号的身份导入（按其权限校验，并记入审计日志）；默认为命令行系统操作")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, file, actor=None, no_progress=False, **options):
        user = self.user(actor) if actor else None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}", returncode=2)
        try:
            result = import_officers(path.read_bytes(), path.name, actor=user,
                                     progress=None if no_progress else self.stderr._out)
        except ImportFileError as error:
            raise CommandError(f"{path.name}：{error}；未导入任何数据", returncode=2) from error
        self.stdout.write(result.summary())
        if result.rejected:
            raise CommandError(f"有{len(result.rejected)}行被拒绝（见上方列表），其余{result.imported}行已导入", returncode=1)

    def user(self, username: str):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as missing:
            raise CommandError(f"登录账号“{username}”不存在", returncode=2) from missing
        if not user.is_active:
            raise CommandError(f"登录账号“{username}”已停用", returncode=2)
        return user
