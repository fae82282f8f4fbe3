"""The statute library (法律法规库): the bundled provisions and their loader.

``sanxiang/catalog/data/statutes.json`` holds the official texts of the laws and regulations the
catalogs cite (Chinese official law texts are not protected by copyright, 《著作权法》第五条). Each
article's ``text`` is written paragraph by paragraph, one line each; a line starting with an item
number such as ``（一）`` is an item (项) of the paragraph (款) above it. From that the loader makes
one :class:`~sanxiang.catalog.models.Provision` for the whole article (paragraph 0, item 0), one per
paragraph when there are several, and one per item — so ``第一百二十四条第一款第（一）项`` and
``第九条第（一）项`` (an article of one paragraph) can both be cited.

``max_fine_person`` / ``max_fine_org`` are the highest fines (元) a provision allows a natural person
or an organisation. An item takes its paragraph's ceilings (for an article of one paragraph, the
article's) unless ``parts`` gives its own; a paragraph of a multi-paragraph article has only what
``parts`` gives it. Where the ceiling is a multiple of a turnover or gain, or the text names no
amount, the ceiling is left empty and ``note`` says why. Notes stay in the file (the model has no
field for them); ``sanxiang statutes show`` prints them.

Loading is idempotent: missing statutes and provisions are created; an existing provision whose text
or ceilings differ from the file is **reported, never changed**, unless the caller asks for
``update=True`` (which is audited). :func:`ensure_library` is the quiet form for start-up hooks.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from sanxiang.core import audit

from .citations import chinese_number, cite

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "statutes.json"
FORMAT = "sanxiang-statutes/1"
ITEM_RE = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]")
STATUTE_FIELDS = ("short_title", "level", "issuer", "document_number", "effective_from", "source")
MONEY_MAX = Decimal("999999999999.99")


class LibraryFileError(ValueError):
    """The library file cannot be read or is not well formed; nothing was loaded."""


@dataclass
class ProvisionData:
    article: int
    paragraph: int
    item: int
    text: str
    max_fine_person: Decimal | None = None
    max_fine_org: Decimal | None = None
    note: str = ""

    @property
    def key(self) -> tuple[int, int, int]:
        return self.article, self.paragraph, self.item

    @property
    def citation(self) -> str:
        return cite(self.article, self.paragraph, self.item)


@dataclass
class StatuteData:
    title: str
    fields: dict
    note: str = ""
    provisions: list[ProvisionData] = field(default_factory=list)


# --- Reading the file ---------------------------------------------------------------------------


def read_library(path: str | Path | None = None) -> list[StatuteData]:
    """The statutes of a library file, checked; raises :class:`LibraryFileError` with a Chinese message."""
    path = Path(path) if path else DEFAULT_PATH
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise LibraryFileError(f"无法读取文件“{path}”：{error.strerror or error}") from error
    if not raw.strip():
        raise LibraryFileError(f"文件“{path.name}”为空")
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LibraryFileError(f"文件“{path.name}”不是有效的 UTF-8 JSON：{error}") from error
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise LibraryFileError(f"文件“{path.name}”不是法律法规库文件（format 应为“{FORMAT}”）")
    statutes = doc.get("statutes")
    if not isinstance(statutes, list) or not statutes:
        raise LibraryFileError("文件中没有任何法律法规（statutes 为空）")
    result: list[StatuteData] = []
    titles: set[str] = set()
    for index, raw_statute in enumerate(statutes, start=1):
        statute = _statute(raw_statute, index)
        if statute.title in titles:
            raise LibraryFileError(f"《{statute.title}》在文件中出现了两次")
        titles.add(statute.title)
        result.append(statute)
    return result


def _statute(data, index: int) -> StatuteData:
    from .models import Statute

    if not isinstance(data, dict):
        raise LibraryFileError(f"第{index}部法律法规的格式不正确")
    title = str(data.get("title") or "").strip().strip("《》")
    if not title:
        raise LibraryFileError(f"第{index}部法律法规没有名称（title）")
    where = f"《{title}》"
    level = data.get("level")
    if level not in Statute.Level.values:
        raise LibraryFileError(f"{where}的效力位阶“{level}”不正确（可选：{'、'.join(Statute.Level.values)}）")
    fields = {"level": level}
    for key in ("short_title", "issuer", "document_number", "source"):
        fields[key] = str(data.get(key) or "").strip()
    fields["effective_from"] = None
    if data.get("effective_from"):
        try:
            fields["effective_from"] = datetime.date.fromisoformat(str(data["effective_from"]))
        except ValueError as error:
            raise LibraryFileError(f"{where}的施行日期“{data['effective_from']}”不是有效日期") from error
    articles = data.get("articles")
    if not isinstance(articles, list) or not articles:
        raise LibraryFileError(f"{where}没有收录任何条文（articles 为空）")
    statute = StatuteData(title=title, fields=fields, note=str(data.get("note") or "").strip())
    seen: set[int] = set()
    for article in articles:
        provisions = _article(article, where)
        number = provisions[0].article
        if number in seen:
            raise LibraryFileError(f"{where}{cite(number)}出现了两次")
        seen.add(number)
        statute.provisions.extend(provisions)
    return statute


def split_article(text: str) -> list[tuple[str, list[str]]]:
    """An article's lines as paragraphs, each ``(lead line, [item lines])``; items must count 一, 二, 三…"""
    paragraphs: list[tuple[str, list[str]]] = []
    for line in (line.strip() for line in text.replace("\r\n", "\n").split("\n")):
        if not line:
            continue
        match = ITEM_RE.match(line)
        if match:
            if not paragraphs:
                raise LibraryFileError(f"项“{line[:20]}”前面没有所属的款")
            items = paragraphs[-1][1]
            expected = chinese_number(len(items) + 1)
            if match[1] != expected:
                raise LibraryFileError(f"项的序号不连续：应为（{expected}），实为“{line[:20]}”")
            items.append(line)
        else:
            paragraphs.append((line, []))
    if not paragraphs:
        raise LibraryFileError("条文为空")
    return paragraphs


def _article(data, where: str) -> list[ProvisionData]:
    if not isinstance(data, dict):
        raise LibraryFileError(f"{where}有一条条文的格式不正确")
    number = data.get("article")
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 9999:
        raise LibraryFileError(f"{where}有一条条文的条号“{number}”不正确（应为 1 到 9999 的整数）")
    here = f"{where}{cite(number)}"
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise LibraryFileError(f"{here}没有条文（text）")
    try:
        paragraphs = split_article(text)
    except LibraryFileError as error:
        raise LibraryFileError(f"{here}：{error}") from error
    lines = [line for lead, items in paragraphs for line in (lead, *items)]
    article_caps = _caps(data, here)
    parts = data.get("parts") or {}
    if not isinstance(parts, dict):
        raise LibraryFileError(f"{here}的 parts 应为对象")
    part_caps: dict[tuple[int, int], tuple[Decimal | None, Decimal | None, str]] = {}
    single = len(paragraphs) == 1
    for key, value in parts.items():
        match = re.fullmatch(r"(\d+)(?:\.(\d+))?", str(key))
        if not match or not isinstance(value, dict):
            raise LibraryFileError(f"{here}的 parts 中“{key}”应写成“款”或“款.项”")
        paragraph, item = int(match[1]), int(match[2] or 0)
        if single and paragraph != 0:
            raise LibraryFileError(f"{here}只有一款，parts 中的“{key}”应写成“0.项”")
        if not single and not 1 <= paragraph <= len(paragraphs):
            raise LibraryFileError(f"{here}没有第{chinese_number(paragraph) if paragraph else '零'}款（parts 中的“{key}”）")
        items_here = paragraphs[max(paragraph, 1) - 1][1]
        if (single and item == 0) or item > len(items_here):
            raise LibraryFileError(f"{here}没有 parts 中的“{key}”所指的项")
        part_caps[paragraph, item] = _caps(value, f"{here}（parts“{key}”）")
    person, org, note = article_caps
    provisions = [ProvisionData(number, 0, 0, "\n".join(lines), person, org, note)]
    for p_index, (lead, items) in enumerate(paragraphs, start=1):
        paragraph = 0 if single else p_index
        if single:
            p_person, p_org, p_note = article_caps
        else:
            p_person, p_org, p_note = part_caps.get((paragraph, 0), (None, None, ""))
            provisions.append(ProvisionData(number, paragraph, 0, "\n".join([lead, *items]), p_person, p_org, p_note))
        for i_index, item_text in enumerate(items, start=1):
            i_person, i_org, i_note = part_caps.get((paragraph, i_index), (p_person, p_org, ""))
            provisions.append(ProvisionData(number, paragraph, i_index, item_text, i_person, i_org, i_note))
    return provisions


def _caps(data: dict, where: str) -> tuple[Decimal | None, Decimal | None, str]:
    return (_money(data.get("max_fine_person"), f"{where}对个人罚款上限"),
            _money(data.get("max_fine_org"), f"{where}对单位罚款上限"),
            str(data.get("note") or "").strip())


def _money(value, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation as error:
        raise LibraryFileError(f"{label}“{value}”不是数字") from error
    if not amount.is_finite() or amount <= 0 or amount > MONEY_MAX or amount != amount.quantize(Decimal("0.01")):
        raise LibraryFileError(f"{label}“{value}”应为大于零、最多两位小数的金额（元）")
    return amount.quantize(Decimal("0.01"))


# --- Loading ------------------------------------------------------------------------------------


def load_library(path: str | Path | None = None, *, update: bool = False, actor=None) -> dict:
    """Load a library file (the bundled one by default) into the database, in one transaction.

    Returns counts: ``statutes_created``, ``statutes_existing``, ``provisions_created``,
    ``provisions_unchanged``, ``provisions_updated`` and ``differences`` (a list of Chinese lines,
    one per provision or statute whose stored text or ceilings differ from the file). Without
    ``update`` differing rows are left as they are; with it they take the file's text and ceilings
    and each change is audited. A malformed file raises :class:`LibraryFileError` before anything is
    written.
    """
    from .models import Provision, Statute

    statutes = read_library(path)
    source = Path(path).name if path else DEFAULT_PATH.name
    actor = actor or "system:statutes-load"
    counts = {"statutes_created": 0, "statutes_existing": 0, "provisions_created": 0, "provisions_unchanged": 0,
              "provisions_updated": 0, "differences": []}
    with transaction.atomic():
        for data in statutes:
            statute = Statute.objects.select_for_update().filter(title=data.title).first()
            if statute is None:
                statute = Statute.objects.create(title=data.title, **data.fields)
                counts["statutes_created"] += 1
            else:
                counts["statutes_existing"] += 1
                _merge_statute(statute, data, update=update, actor=actor, counts=counts)
            existing = {(p.article, p.paragraph, p.item): p for p in statute.provisions.all()}
            new = []
            for item in data.provisions:
                stored = existing.get(item.key)
                if stored is None:
                    new.append(Provision(statute=statute, article=item.article, paragraph=item.paragraph,
                                         item=item.item, text=item.text, max_fine_person=item.max_fine_person,
                                         max_fine_org=item.max_fine_org))
                    continue
                changes = _provision_changes(stored, item)
                if not changes:
                    counts["provisions_unchanged"] += 1
                    continue
                label = f"《{statute.title}》{item.citation}：{'、'.join(changes)}与文件不一致"
                if not update:
                    counts["differences"].append(label + "（未修改；如需以文件为准，请加 --update 重新导入）")
                    continue
                before = audit.snapshot(stored, ["text", "max_fine_person", "max_fine_org"])
                stored.text, stored.max_fine_person, stored.max_fine_org = item.text, item.max_fine_person, item.max_fine_org
                stored.save(update_fields=["text", "max_fine_person", "max_fine_org"])
                audit.record(actor, "catalog.provision_update", stored, before=before,
                             after=audit.snapshot(stored, ["text", "max_fine_person", "max_fine_org"]),
                             reason=f"以{source}为准更新")
                counts["provisions_updated"] += 1
                counts["differences"].append(label + "（已按文件更新）")
            Provision.objects.bulk_create(new)
            counts["provisions_created"] += len(new)
        if counts["statutes_created"] or counts["provisions_created"] or counts["provisions_updated"]:
            audit.record(actor, "catalog.statutes_load", object_type="file", object_repr=source,
                         after={k: v for k, v in counts.items() if k != "differences"}
                         | {"differences": counts["differences"][:200]})
    return counts


def _merge_statute(statute, data: StatuteData, *, update: bool, actor, counts: dict) -> None:
    """Blank fields of an existing statute are filled from the file; a differing filled field is reported."""
    changed, differing = [], []
    for key in STATUTE_FIELDS:
        stored, wanted = getattr(statute, key), data.fields[key]
        if stored in ("", None) and wanted not in ("", None):
            changed.append(key)
        elif wanted not in ("", None) and stored != wanted:
            differing.append(key)
    if differing and update:
        changed += differing
    if differing:
        names = "、".join(str(statute._meta.get_field(key).verbose_name) for key in differing)
        counts["differences"].append(f"《{statute.title}》的{names}与文件不一致"
                                     + ("（已按文件更新）" if update else "（未修改）"))
    if changed:
        before = audit.snapshot(statute, changed)
        for key in changed:
            setattr(statute, key, data.fields[key])
        statute.save(update_fields=changed)
        audit.record(actor, "catalog.statute_update", statute, before=before, after=audit.snapshot(statute, changed))


def _provision_changes(stored, item: ProvisionData) -> list[str]:
    changes = []
    if stored.text.strip() != item.text.strip():
        changes.append("条文")
    if stored.max_fine_person != item.max_fine_person:
        changes.append("对个人罚款上限")
    if stored.max_fine_org != item.max_fine_org:
        changes.append("对单位罚款上限")
    return changes


def ensure_library() -> dict:
    """Load the bundled library if anything of it is missing (for a post_migrate hook or the demo). Quiet, idempotent."""
    return load_library(DEFAULT_PATH)


# --- Notes (kept in the file only) --------------------------------------------------------------


def notes(path: str | Path | None = None) -> dict[tuple[str, int, int, int], str]:
    """``(statute title, article, paragraph, item)`` → the file's note on that provision's fine ceiling."""
    result = {}
    for statute in read_library(path):
        for item in statute.provisions:
            if item.note:
                result[(statute.title, *item.key)] = item.note
    return result


def statute_notes(path: str | Path | None = None) -> dict[str, str]:
    """Statute title → the file's note on the whole statute (e.g. which revision it holds)."""
    return {statute.title: statute.note for statute in read_library(path) if statute.note}
