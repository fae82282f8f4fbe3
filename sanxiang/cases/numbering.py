"""Case and document numbers (案件编号、文书编号): an agency-configurable pattern, gap-free per agency, series and year.

A number is taken inside the transaction that stores what it numbers, under a row lock on the
series' counter; if that transaction rolls back, so does the counter, so no number is skipped.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from sanxiang.catalog.vocab import ActKind

from .models import NumberCounter, NumberingRule

CASE_WORDS = {
    ActKind.PENALTY: "处罚", ActKind.COERCION: "强制", ActKind.INSPECTION: "检查", ActKind.LICENSE: "许可",
    ActKind.LEVY: "征收", ActKind.REQUISITION: "征用", ActKind.CONFIRMATION: "确认", ActKind.ADJUDICATION: "裁决",
    ActKind.PAYMENT: "给付", ActKind.REWARD: "奖励", ActKind.OTHER: "决定",
}
DEFAULT_CASE_PATTERN = DEFAULT_DOCUMENT_PATTERN = "{agency}{word}〔{year}〕{seq}号"
FIELDS = ("agency", "word", "year", "seq")


class PatternError(ValueError):
    pass


def check_pattern(pattern: str) -> None:
    """Refuse a pattern without ``{seq}``, or with unknown placeholders (it must give distinct numbers)."""
    import string

    try:
        names = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as error:  # unbalanced braces
        raise PatternError(f"编号格式无效：{error}") from None
    if "seq" not in names or "year" not in names:
        raise PatternError("编号格式须包含 {year} 和 {seq}")
    unknown = [n for n in names if n not in FIELDS]
    if unknown:
        raise PatternError(f"编号格式含有未知的占位符：{', '.join(unknown)}")
    try:
        pattern.format(agency="甲", word="乙", year=2026, seq=1)
    except (ValueError, IndexError, KeyError) as error:
        raise PatternError(f"编号格式无效：{error}") from None


def agency_word(agency) -> str:
    return agency.short_name or agency.name


def _pattern(agency, series: str, default: str) -> str:
    rule = NumberingRule.objects.filter(agency=agency, series=series).values_list("pattern", flat=True).first()
    return rule or default


def take(agency, series: str, year: int) -> int:
    """The next sequence number of ``series`` for ``agency`` and ``year``; call inside the storing transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbers are taken inside the transaction that stores the numbered object")
    counter = NumberCounter.objects.select_for_update().filter(agency=agency, series=series, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                NumberCounter.objects.create(agency=agency, series=series, year=year, last=0)
        except IntegrityError:
            pass  # created by a concurrent transaction; lock it below
        counter = NumberCounter.objects.select_for_update().get(agency=agency, series=series, year=year)
    counter.last += 1
    NumberCounter.objects.filter(pk=counter.pk).update(last=counter.last)
    return counter.last


def format_number(pattern: str, *, agency, word: str, year: int, seq: int) -> str:
    return pattern.format(agency=agency_word(agency), word=word, year=year, seq=seq)


def next_case_number(agency, kind: str, year: int) -> tuple[str, int]:
    """(number, seq) of a new case of ``kind``: e.g. ``X市监处罚〔2026〕12号``."""
    series = f"case:{kind}"
    seq = take(agency, series, year)
    pattern = _pattern(agency, series, DEFAULT_CASE_PATTERN)
    return format_number(pattern, agency=agency, word=CASE_WORDS.get(kind, "案"), year=year, seq=seq), seq


def next_document_number(agency, code: str, word: str, year: int) -> str:
    """A document's number, e.g. ``X市监罚决〔2026〕3号`` (``word`` is the document's number-line word)."""
    series = f"doc:{code}"
    seq = take(agency, series, year)
    pattern = _pattern(agency, series, DEFAULT_DOCUMENT_PATTERN)
    return format_number(pattern, agency=agency, word=word, year=year, seq=seq)
