"""Legal-basis references (法律依据) checked against the statute library (法律法规库).

A reference comes either as ``{"provision_id": 12}`` or as ``{"statute": "中华人民共和国行政处罚法",
"article": 9, "paragraph": 0, "item": 0}`` (or ``"citation": "第九条第一款"`` instead of the numbers), with
an optional ``"role"`` (设定依据 / 实施依据 / 处罚依据). Cleaning resolves it to a provision of the
library and fills in the statute's title, the citation and the provision's text from the library, so
what is published always matches the library:

    {"provision_id": 12, "statute": "中华人民共和国行政处罚法", "citation": "第九条", "text": "…", "role": "设定依据"}

Spreadsheets carry a basis as text; :func:`basis_to_text` and :func:`parse_basis_text` convert
between the list and the form ``《中华人民共和国行政处罚法》第九条（设定依据）；《…》第三十条第一款第（二）项``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils import timezone

from sanxiang.catalog.citations import DIGITS, chinese_number, cite

from .common import BASIS_ROLES, Cleaner, ordinal_prefix

REFERENCE_KEYS = {"provision_id", "statute", "article", "paragraph", "item", "citation", "text", "role", "statute_id"}

_UNITS = {"十": 10, "百": 100, "千": 1000}


def parse_chinese_number(text: str) -> int | None:
    """"三十" → 30, "一百零五" → 105, "105" → 105; None if it is not a well-formed number (e.g. "九九")."""
    text = text.strip().replace("〇", "零")
    if text.isascii() and text.isdigit():
        return int(text)
    if not text or any(ch not in DIGITS and ch not in _UNITS for ch in text):
        return None
    total, digit = 0, None
    for ch in text:
        if ch in _UNITS:
            total += (digit if digit is not None else 1) * _UNITS[ch]
            digit = None
        else:
            digit = DIGITS.index(ch)
    if digit:
        total += digit
    # Only the canonical spelling (the one ``cite`` writes, or 一十… for 10–19) is a number.
    if total == 0 or total > 9999 or text not in (chinese_number(total), "一" + chinese_number(total)):
        return None
    return total


_CITATION_RE = re.compile(
    r"^\s*第(?P<article>[0-9零〇一二三四五六七八九十百千]+)条"
    r"(?:第(?P<paragraph>[0-9零〇一二三四五六七八九十百千]+)款)?"
    r"(?:第?[（(](?P<item>[0-9零〇一二三四五六七八九十百千]+)[）)]项|第(?P<item2>[0-9零〇一二三四五六七八九十百千]+)项)?\s*$"
)


def parse_citation(text: str) -> tuple[int, int, int] | None:
    """"第三十条第一款第（二）项" → (30, 1, 2); None if it cannot be read."""
    match = _CITATION_RE.match(text or "")
    if not match:
        return None
    article = parse_chinese_number(match["article"])
    paragraph = parse_chinese_number(match["paragraph"]) if match["paragraph"] else 0
    item_text = match["item"] or match["item2"]
    item = parse_chinese_number(item_text) if item_text else 0
    if not article or paragraph is None or item is None:
        return None
    return article, paragraph, item


_BASIS_RE = re.compile(r"《(?P<statute>[^》]+)》\s*(?P<citation>第[^（(；;\n]*?(?:[（(][^）)]*[）)]项)?[^（(；;\n]*?)"
                       r"\s*(?:[（(](?P<role>设定依据|实施依据|处罚依据)[）)])?\s*$")


def parse_basis_text(text: str) -> list[dict]:
    """``《A》第九条（设定依据）；《B》第三十条第一款`` → references to clean (``{"statute", "citation", "role"}``).

    Parts that cannot be read are kept as ``{"unreadable": part}`` so cleaning reports them.
    """
    refs: list[dict] = []
    for part in re.split(r"[；;\n]+", text or ""):
        part = part.strip()
        if not part:
            continue
        match = _BASIS_RE.match(part)
        if not match:
            refs.append({"unreadable": part})
            continue
        ref = {"statute": match["statute"].strip(), "citation": match["citation"].strip()}
        if match["role"]:
            ref["role"] = match["role"]
        refs.append(ref)
    return refs


def basis_to_text(basis: list[dict]) -> str:
    """The cleaned basis list as one line of text (the inverse of :func:`parse_basis_text`)."""
    parts = []
    for ref in basis or []:
        part = f"《{ref.get('statute', '')}》{ref.get('citation', '')}"
        if ref.get("role"):
            part += f"（{ref['role']}）"
        parts.append(part)
    return "；".join(parts)


def _find_statute(title: str):
    from sanxiang.catalog.models import Statute

    title = title.strip().strip("《》").strip()
    if not title:
        return None
    found = Statute.objects.filter(title=title).first()
    if found is None:
        found = Statute.objects.filter(short_title=title).first()
    return found


def clean_basis(cleaner: Cleaner, value, *, key: str = "basis", label: str = "依据", required: bool = True
                ) -> tuple[list[dict], list]:
    """Resolve every reference; returns the cleaned list and the cited Provision objects (in order)."""
    from sanxiang.catalog.models import Provision

    refs = cleaner.list_value(value, f"{label}", error_key=key, required=required)
    cleaned: list[dict] = []
    provisions: list = []
    today = timezone.localdate()
    for index, ref in enumerate(refs):
        prefix = ordinal_prefix(label, index)
        if not isinstance(ref, dict):
            cleaner.add(key, f"{prefix}格式不正确")
            continue
        if "unreadable" in ref:
            cleaner.add(key, f"{prefix}无法识别“{str(ref['unreadable'])[:60]}”，应写成《法规名称》第几条第几款第（几）项")
            continue
        unknown = sorted(str(k) for k in ref if k not in REFERENCE_KEYS)
        if unknown:
            cleaner.add(key, f"{prefix}含有不认识的字段：{'、'.join(unknown)}")
            continue
        role = ref.get("role") or ""
        if role not in ("",) + BASIS_ROLES:
            cleaner.add(key, f"{prefix}依据类别“{str(role)[:20]}”不是可选的值（可选：{'、'.join(BASIS_ROLES)}）")
            continue
        provision = None
        if ref.get("provision_id") not in (None, ""):
            pid = cleaner.integer_value(ref["provision_id"], "条款编号", error_key=key, prefix=prefix, minimum=1,
                                        maximum=2**31 - 1)
            if pid is None:
                continue
            provision = Provision.objects.select_related("statute").filter(pk=pid).first()
            if provision is None:
                cleaner.add(key, f"{prefix}法律法规库中没有编号为{pid}的条款")
                continue
        else:
            title = cleaner.text_value(ref.get("statute"), "法律法规名称", required=True, max_length=200,
                                       error_key=key, prefix=prefix)
            if not title:
                continue
            if ref.get("citation") not in (None, "") and ref.get("article") in (None, ""):
                numbers = parse_citation(str(ref["citation"]))
                if numbers is None:
                    cleaner.add(key, f"{prefix}条款“{str(ref['citation'])[:40]}”无法识别，应写成第几条第几款第（几）项")
                    continue
                article, paragraph, item = numbers
                if article > 9999 or paragraph > 999 or item > 999:
                    cleaner.add(key, f"{prefix}条款“{str(ref['citation'])[:40]}”的编号过大")
                    continue
            else:
                article = cleaner.integer_value(_number(ref.get("article")), "条", error_key=key, prefix=prefix,
                                                minimum=1, maximum=9999, required=True)
                paragraph = cleaner.integer_value(_number(ref.get("paragraph")), "款", error_key=key, prefix=prefix,
                                                  minimum=0, maximum=999, default=0)
                item = cleaner.integer_value(_number(ref.get("item")), "项", error_key=key, prefix=prefix,
                                             minimum=0, maximum=999, default=0)
                if article is None or paragraph is None or item is None:
                    continue
            statute = _find_statute(title)
            if statute is None:
                cleaner.add(key, f"{prefix}法律法规库中没有《{title.strip('《》')}》，请先在法律法规库中录入")
                continue
            provision = Provision.objects.select_related("statute").filter(
                statute=statute, article=article, paragraph=paragraph, item=item).first()
            if provision is None:
                cleaner.add(key, f"{prefix}《{statute.title}》没有{cite(article, paragraph, item)}")
                continue
        statute = provision.statute
        if statute.repealed_on is not None and statute.repealed_on <= today:
            cleaner.add(key, f"{prefix}《{statute.title}》已于{statute.repealed_on:%Y年%m月%d日}废止，不能作为依据")
            continue
        if any(p.pk == provision.pk for p in provisions):
            cleaner.add(key, f"{prefix}《{statute.title}》{provision.citation}重复引用")
            continue
        provisions.append(provision)
        cleaned.append({
            "provision_id": provision.pk,
            "statute": statute.title,
            "citation": provision.citation,
            "text": provision.text,
            "role": role,
        })
    return cleaned, provisions


def _number(value):
    """Article numbers may come as 9, "9", "九" or "第九条"."""
    if isinstance(value, str):
        text = value.strip().removeprefix("第")
        for suffix in ("条", "款", "项"):
            text = text.removesuffix(suffix)
        text = text.strip("（）()")
        parsed = parse_chinese_number(text)
        return parsed if parsed is not None else value
    return value


def fine_caps(provisions: list) -> tuple[Decimal | None, Decimal | None]:
    """The highest fine for a person and for an organisation among the cited provisions that set one."""
    person = [p.max_fine_person for p in provisions if p.max_fine_person is not None]
    org = [p.max_fine_org for p in provisions if p.max_fine_org is not None]
    return (max(person) if person else None), (max(org) if org else None)
