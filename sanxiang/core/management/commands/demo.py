"""``sanxiang demo``: set up the demo (database, demo data, logins table) and serve it."""

import os
import shutil
import time
import unicodedata
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from sanxiang.core import demo_registry

from .serve import DEFAULT_HOST, DEFAULT_PORT, url

SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    columns = [max(width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    rule = "+" + "+".join("-" * (c + 2) for c in columns) + "+"

    def line(cells):
        return "| " + " | ".join(pad(cell, c) for cell, c in zip(cells, columns, strict=True)) + " |"

    return "\n".join([rule, line(headers), rule, *(line(r) for r in rows), rule])


def resettable_database(database: dict, var_dir: Path) -> Path:
    """The SQLite file ``--reset`` may delete: only the embedded database in the var directory."""
    if database["ENGINE"] != "django.db.backends.sqlite3":
        raise CommandError(
            f"--reset 只删除 {var_dir} 下的 SQLite 演示数据库；当前数据库不是 SQLite"
            f"（{database['ENGINE']}，库名 {database['NAME']}），未做任何改动。请由数据库管理员自行清理。"
        )
    name = str(database["NAME"] or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        raise CommandError(
            f"--reset 只删除 {var_dir} 下的 SQLite 数据库文件；当前数据库 {name or '（未命名）'} 不是这样的文件，"
            "未做任何改动。"
        )
    path = Path(name).resolve()
    if not path.is_relative_to(var_dir.resolve()):
        raise CommandError(
            f"--reset 只删除 {var_dir} 下的 SQLite 数据库；当前数据库 {path} 不在该目录中，未做任何改动。"
            "如确需重建，请自行删除该文件。"
        )
    return path


class Command(BaseCommand):
    help = (
        "准备并启动演示环境：迁移数据库，在没有执法主体数据时加载演示数据（再次运行不会重复加载），"
        "打印每个角色的演示账号和访问地址，然后启动内置服务器（见 sanxiang serve）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--setup-only", action="store_true", help="只准备数据库和演示数据，不启动服务器")
        parser.add_argument("--host", default=DEFAULT_HOST, help=f"监听地址（默认 {DEFAULT_HOST}）")
        parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"监听端口（默认 {DEFAULT_PORT}）")
        parser.add_argument(
            "--reset", action="store_true",
            help="先删除 var 目录下的 SQLite 演示数据库再重新准备（数据库不是 var 下的 SQLite 文件时拒绝执行）",
        )
        parser.add_argument(
            "--seed", type=int, default=demo_registry.DEFAULT_SEED,
            help=f"演示数据的随机种子（默认 {demo_registry.DEFAULT_SEED}；同一种子生成相同的数据）",
        )

    def handle(self, *args, setup_only, host, port, reset, seed, **options):
        if reset:
            self.reset_database()
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        if demo_registry.has_data():
            logins = demo_registry.loaded_logins()
            if logins:
                self.stdout.write("演示数据已加载，本次跳过。（使用 --reset 可删除后重新生成）")
            else:
                self.stdout.write(self.style.WARNING("数据库中已有执法主体数据（不是演示数据），未加载演示数据。"))
        else:
            logins = demo_registry.load_all(seed)
            self.stdout.write(self.style.SUCCESS(f"演示数据已加载（含数据库迁移，用时 {time.monotonic() - started:.1f} 秒）。"))
        if logins:
            self.stdout.write("\n演示账号（每个角色一个，密码相同，仅供演示）：")
            self.stdout.write(format_table(
                ["角色", "用户名", "密码", "姓名", "单位"],
                [[row.role, row.username, row.password, row.name, row.agency] for row in logins],
            ))
        self.stdout.write(f"\n访问地址：{url(host, port)}  （登录页 {url(host, port)}login/）")
        if setup_only:
            self.stdout.write(f"已完成准备。启动服务器：sanxiang serve --host {host} --port {port}")
            return
        call_command("serve", host=host, port=port, stdout=self.stdout, stderr=self.stderr)

    def reset_database(self):
        path = resettable_database(connections["default"].settings_dict, Path(settings.VAR_DIR))
        connections["default"].close()
        removed = []
        for suffix in SQLITE_SUFFIXES:
            candidate = path.with_name(path.name + suffix)
            if candidate.exists():
                candidate.unlink()
                removed.append(candidate.name)
        if removed:
            self.stdout.write(f"已删除演示数据库 {path}（{'、'.join(removed)}）。")
        else:
            self.stdout.write(f"演示数据库 {path} 不存在，无需删除。")
        self.reset_record_files()

    def reset_record_files(self):
        """The demo's evidence files and archives go with its database, but only inside the var directory."""
        root = Path(settings.RECORDS["ROOT"]).resolve()
        if root.is_dir() and root.is_relative_to(Path(settings.VAR_DIR).resolve()):
            for folder, _dirs, _files in os.walk(root):
                os.chmod(folder, 0o755)  # stored files are read-only; their folders must be writable to remove them
            shutil.rmtree(root)
            self.stdout.write(f"已删除演示证据文件 {root}。")
