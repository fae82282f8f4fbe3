"""``sanxiang statutes`` — the statute library (法律法规库).

- ``load [FILE] [--update]`` — load a library file (default: the bundled ``sanxiang/catalog/data/statutes.json``).
  Missing statutes and provisions are created. A stored provision whose text or fine ceilings differ
  from the file is listed and left unchanged, unless ``--update`` is given.
- ``list`` — the statutes in the library, with the number of provisions.
- ``show TITLE [ARTICLE]`` — one statute (full title or short title); with ARTICLE (``9``, ``第九条``,
  ``第一百二十四条第一款第（一）项``) that provision and its paragraphs and items, their fine ceilings and notes.

Exit status 1 when the file or the statute cannot be found or read (nothing changed), 0 otherwise.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from sanxiang.catalog import statutes
from sanxiang.catalog.citations import cite
from sanxiang.catalog.kinds.basis import parse_chinese_number, parse_citation
from sanxiang.catalog.models import Provision, Statute


def _money(value) -> str:
    if value is None:
        return "—"
    return f"{int(value)}元" if value == value.to_integral_value() else f"{value}元"


class Command(BaseCommand):
    help = "法律法规库：load 导入条文，list 列出法律法规，show 查看某部法律法规或某一条。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{load,list,show}")
        load = sub.add_parser("load", help="导入法律法规库文件（默认为系统自带的条文）")
        load.add_argument("file", nargs="?", help="法律法规库 JSON 文件；省略时导入 sanxiang/catalog/data/statutes.json")
        load.add_argument("--update", action="store_true",
                          help="库中已有条款的条文或罚款上限与文件不一致时，以文件为准更新（记入审计日志）")
        sub.add_parser("list", help="列出库中的法律法规")
        show = sub.add_parser("show", help="查看一部法律法规，或其中的一条（款、项）")
        show.add_argument("title", help="法律法规名称或简称，如“行政处罚法”")
        show.add_argument("article", nargs="?", help="条款，如 9、第九条、第一百二十四条第一款第（一）项")

    def handle(self, *args, action, **options):
        getattr(self, action)(**options)

    def load(self, file=None, update=False, **options):
        try:
            counts = statutes.load_library(file, update=update)
        except statutes.LibraryFileError as error:
            raise CommandError(f"{error}；未导入任何条文", returncode=1) from error
        self.stdout.write(
            f"法律法规：新增{counts['statutes_created']}部，已有{counts['statutes_existing']}部；"
            f"条款：新增{counts['provisions_created']}条，未变{counts['provisions_unchanged']}条，"
            f"更新{counts['provisions_updated']}条")
        if counts["differences"]:
            self.stdout.write(f"与文件不一致的有{len(counts['differences'])}处：")
            for line in counts["differences"]:
                self.stdout.write(f"  {line}")

    def list(self, **options):
        rows = Statute.objects.annotate(n=Count("provisions"), articles=Count(
            "provisions", filter=Q(provisions__paragraph=0, provisions__item=0))).order_by("level", "title")
        if not rows:
            self.stdout.write("法律法规库为空。可运行“sanxiang statutes load”导入系统自带的条文。")
            return
        for statute in rows:
            self.stdout.write(f"《{statute.title}》（{statute.get_level_display()}）收录{statute.articles}条，"
                              f"共{statute.n}个条款")

    def show(self, title, article=None, **options):
        statute = self._statute(title)
        if article is None:
            self._show_statute(statute)
            return
        numbers = self._numbers(article)
        article_no, paragraph, item = numbers
        rows = Provision.objects.filter(statute=statute, article=article_no)
        if paragraph:
            rows = rows.filter(paragraph=paragraph)
        if item:
            rows = rows.filter(item=item)
        rows = list(rows.order_by("paragraph", "item"))
        if not rows:
            raise CommandError(f"《{statute.title}》没有{cite(*numbers)}（或尚未收录）", returncode=1)
        notes = self._notes()
        self.stdout.write(f"《{statute.title}》")
        for provision in rows:
            self.stdout.write(f"\n{provision.citation}")
            self.stdout.write(provision.text)
            self.stdout.write(f"  罚款上限：个人 {_money(provision.max_fine_person)}；单位 {_money(provision.max_fine_org)}")
            note = self._note(notes, statute.title, provision)
            if note:
                self.stdout.write(f"  说明：{note}")

    def _show_statute(self, statute):
        self.stdout.write(f"《{statute.title}》")
        for label, value in (("简称", statute.short_title), ("效力位阶", statute.get_level_display()),
                             ("制定机关", statute.issuer), ("文号", statute.document_number),
                             ("施行日期", statute.effective_from), ("文本来源", statute.source)):
            if value:
                self.stdout.write(f"{label}：{value}")
        note = self._statute_notes().get(statute.title)
        if note:
            self.stdout.write(f"说明：{note}")
        self.stdout.write("收录条文：")
        for provision in statute.provisions.filter(paragraph=0, item=0).order_by("article"):
            first = provision.text.split("\n", 1)[0]
            self.stdout.write(f"  {provision.citation} {first[:40]}{'…' if len(first) > 40 else ''}")

    def _statute(self, title: str) -> Statute:
        key = title.strip().strip("《》")
        statute = Statute.objects.filter(Q(title=key) | Q(short_title=key)).first()
        if statute is None:
            statute = Statute.objects.filter(title__contains=key).order_by("title").first() if key else None
        if statute is None:
            raise CommandError(f"法律法规库中没有《{key}》（可运行“sanxiang statutes list”查看已收录的）", returncode=1)
        return statute

    def _numbers(self, text: str) -> tuple[int, int, int]:
        text = text.strip()
        number = parse_chinese_number(text.removeprefix("第").removesuffix("条"))
        if number:
            return number, 0, 0
        numbers = parse_citation(text)
        if numbers is None:
            raise CommandError(f"条款“{text}”无法识别，应写成 9、第九条或第三十条第一款第（二）项", returncode=1)
        return numbers

    def _notes(self) -> dict:
        try:
            return statutes.notes()
        except statutes.LibraryFileError:
            return {}

    def _statute_notes(self) -> dict:
        try:
            return statutes.statute_notes()
        except statutes.LibraryFileError:
            return {}

    @staticmethod
    def _note(notes: dict, title: str, provision) -> str:
        for key in ((provision.article, provision.paragraph, provision.item), (provision.article, provision.paragraph, 0),
                    (provision.article, 0, 0)):
            if (title, *key) in notes:
                return notes[(title, *key)]
        return ""
