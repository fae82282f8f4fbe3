"""``sanxiang archive build CASE_REF --actor USERNAME [--output DIR]`` and ``sanxiang archive verify BAG``.

``build`` archives a case (案卷归档, REC-08): writes its BagIt bag under ``RECORDS["ROOT"]/archives/`` and
seals the case; ``--output DIR`` also writes the bag as ``DIR/<bag name>.zip``. ``verify`` validates a
bag directory or zip fully (every file re-hashed with SHA-256 and SM3, tag manifests, missing and extra
files, the checkpoint's signature, every inclusion proof). Exit status 0 only when everything holds;
1 when the bag or the request was refused; 2 for a bad command line.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from sanxiang.core.errors import Conflict
from sanxiang.records import archive


class Command(BaseCommand):
    help = "案卷归档：build 生成并封存案件的归档包（BagIt），verify 全面校验归档包。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{build,verify}")
        build = sub.add_parser("build", help="归档一个案件", description="生成案件的 BagIt 归档包并封存案卷")
        build.add_argument("case_ref", metavar="CASE_REF", help="案件编号")
        build.add_argument("--actor", metavar="USERNAME", required=True,
                           help="归档人的登录账号（本机关领导、系统管理员或监督人员），记入归档记录和审计日志")
        build.add_argument("--output", metavar="DIR", help="另将归档包以 zip 写入该目录")
        verify = sub.add_parser("verify", help="校验归档包", description="全面校验归档包目录或 zip 文件")
        verify.add_argument("bag", metavar="BAG", help="归档包目录或 zip 文件")
        verify.add_argument("--key", metavar="FILE", help="检查点验证公钥文件（verifier-key）；默认用本系统的公钥")
        verify.add_argument("--offline", action="store_true", help="不与本系统数据库中的归档记录核对")

    def handle(self, *args, action, **options):
        if action == "build":
            return self.build(options["case_ref"], options["actor"], options.get("output"))
        return self.verify(options["bag"], options.get("key"), options.get("offline", False))

    def build(self, case_ref: str, username: str, output: str | None):
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(f"登录账号“{username}”不存在或已停用", returncode=2)
        target = None
        if output:
            target = Path(output)
            if target.exists() and not target.is_dir():
                raise CommandError(f"{output} 不是目录", returncode=2)
        try:
            row = archive.build_archive(user, case_ref)
        except PermissionDenied as error:
            raise CommandError(str(error) or "无权归档", returncode=1) from error
        except ValidationError as error:
            raise CommandError("；".join(error.messages), returncode=1) from error
        except Conflict as error:
            raise CommandError(str(error), returncode=1) from error
        bag = archive.bag_path(row)
        self.stdout.write(f"案件 {row.case_ref} 已归档：{bag}")
        self.stdout.write(f"包摘要（tagmanifest-sha256.txt 的 SHA-256）：{row.bag_sha256}")
        self.stdout.write(f"签名检查点：树大小 {row.checkpoint.tree_size}；归档日志条目序号 {row.log_entry_id}")
        if target is not None:
            target.mkdir(parents=True, exist_ok=True)
            zip_path = target / f"{row.bag_name}.zip"
            if zip_path.exists():
                raise CommandError(f"{zip_path} 已存在，不会覆盖", returncode=1)
            with open(zip_path, "xb") as handle:
                archive.write_zip(bag, handle)
            self.stdout.write(f"已写出 {zip_path}")

    def verify(self, bag: str, key_file: str | None, offline: bool):
        trusted = None
        if key_file:
            try:
                trusted = Path(key_file).read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"无法读取公钥文件 {key_file}：{error}", returncode=2) from error
        report = archive.validate_bag(bag, trusted_key=trusted, check_database=not offline)
        for note in report.notes:
            self.stdout.write(f"  · {note}")
        if report.ok:
            self.stdout.write(
                f"归档包完好：案件 {report.case_ref}，{report.payload_files} 个数据文件已用 SHA-256 和 SM3 重新计算，"
                f"{report.items_proved} 件的包含证明均成立"
            )
            return
        for problem in report.problems:
            self.stderr.write(f"  ✗ {problem}")
        raise CommandError(f"归档包校验未通过：发现 {len(report.problems)} 个问题（见上）", returncode=1)
