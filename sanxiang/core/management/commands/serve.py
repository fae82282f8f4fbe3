"""``sanxiang serve``: the embedded web server of the demo and of single-machine set-ups."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def address(host: str, port: int) -> str:
    """``host:port`` as runserver takes it, IPv6 hosts in brackets."""
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


def url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else "[::1]" if host in ("::", "[::]") else host
    return f"http://{address(shown, port)}/"


class Command(BaseCommand):
    help = (
        "启动内置 Web 服务器（Django 开发服务器，不自动重载；即使 DEBUG 关闭也提供静态文件），"
        "用于演示和单机试用。生产环境请勿使用：应以 WSGI 服务器（如 gunicorn sanxiang.wsgi）运行多个应用进程，"
        "置于反向代理（如 nginx）之后，并由代理提供 collectstatic 收集的静态文件。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=DEFAULT_HOST, help=f"监听地址（默认 {DEFAULT_HOST}）")
        parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"监听端口（默认 {DEFAULT_PORT}）")

    def handle(self, *args, host, port, **options):
        if not 0 < port < 65536:
            raise CommandError(f"端口号 {port} 无效，应在 1–65535 之间")
        self.stdout.write(f"服务地址：{url(host, port)}  （按 Ctrl+C 停止）")
        call_command(
            "runserver", address(host.strip("[]"), port), use_reloader=False, insecure_serving=True,
            use_ipv6=":" in host, stdout=self.stdout, stderr=self.stderr,
        )
