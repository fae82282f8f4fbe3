"""``sanxiang gen-data --cases N [--agencies K] [--seed S]``: large realistic case data for tests and benchmarks.

See :mod:`sanxiang.cases.gen_data`. Works on PostgreSQL (COPY) and SQLite (bulk inserts); every step
record gets its record-log entry, so ``sanxiang verify`` still passes afterwards (after a
``sanxiang checkpoint make``, everything is under a signed checkpoint).
"""

from django.core.management.base import BaseCommand, CommandError

from sanxiang.cases.gen_data import generate


class Command(BaseCommand):
    help = ("生成大批量模拟案件数据（用于测试和性能基准，切勿用于真实数据库）：当事人、承办人员、符合流程的办案环节记录"
            "及其记录日志条目。已有组织机构数据时沿用，没有时创建演示组织机构。")

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True, help="生成的案件数")
        parser.add_argument("--agencies", type=int, default=None, help="使用（不足时创建）的执法主体数，默认全部现有主体")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1；同一种子、同一数据库得到相同数据）")
        parser.add_argument("--batch", type=int, default=10000, help="每个事务写入的案件数（默认 10000）")

    def handle(self, *args, cases, agencies, seed, batch, verbosity=1, **options):
        if cases < 1 or batch < 1 or (agencies is not None and agencies < 1):
            raise CommandError("--cases、--batch、--agencies 须为正整数")

        def progress(done, total, seconds):
            if verbosity >= 1:
                self.stdout.write(f"  {done}/{total} 件，{seconds:.1f} 秒，{done / seconds:.0f} 件/秒")

        try:
            stats = generate(cases, agencies=agencies, seed=seed, batch=batch, progress=progress)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"已生成 {stats.cases} 件案件（当事人 {stats.parties} 个，承办人员 {stats.officer_links} 人次，"
            f"办案环节记录 {stats.step_records} 条，记录日志条目 {stats.log_entries} 条），"
            f"用时 {stats.seconds:.1f} 秒，{stats.rate:.0f} 件/秒。"))
        self.stdout.write("按状态：" + "，".join(f"{k or '-'} {v}" for k, v in sorted(stats.by_status.items())))
        self.stdout.write("按流程：" + "，".join(f"{k} {v}" for k, v in sorted(stats.by_flow.items())))
        self.stdout.write("提示：运行 sanxiang checkpoint make 为新增的日志条目签名检查点。")
