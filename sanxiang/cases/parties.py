"""Parties of a case (当事人): identifiers validated by party type (自然人 / 法人及非法人组织 / 个体工商户)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

from sanxiang.core.identifiers import birth_date, check_id_number, check_uscc, normalise
from sanxiang.records.models.files import PartyType

from .fields import Field, clean_fields
from .models import Party

ID_TYPES_BY_PARTY = {
    PartyType.PERSON: (Party.IdType.ID_CARD, Party.IdType.PASSPORT, Party.IdType.HMT, Party.IdType.OTHER),
    PartyType.ORGANISATION: (Party.IdType.USCC,),
    PartyType.INDIVIDUAL_BUSINESS: (Party.IdType.USCC, Party.IdType.ID_CARD),
}

PARTY_FIELDS = (
    Field("party_type", "当事人类型", "choice", choices=tuple(PartyType.choices)),
    Field("name", "名称／姓名", max_length=200),
    Field("id_type", "证件类型", "choice", required=False, choices=tuple(Party.IdType.choices)),
    Field("id_number", "证件号码", max_length=40),
    Field("legal_representative", "法定代表人（负责人、经营者）", required=False, max_length=50),
    Field("representative_id_number", "法定代表人身份证号码", required=False, max_length=18),
    Field("address", "住所（地址）", required=False, max_length=200),
    Field("phone", "联系电话", required=False, max_length=30),
)


def _is_minor(id_number: str, today: datetime.date) -> bool:
    born = birth_date(id_number)
    eighteen = born.replace(year=born.year + 18) if not (born.month == 2 and born.day == 29) else \
        datetime.date(born.year + 18, 3, 1)
    return today < eighteen


def clean_party(raw: dict, *, prefix: str = "", today: datetime.date | None = None) -> dict:
    """A party's validated fields, or ValidationError with each bad field (keys prefixed with ``prefix``)."""
    today = today or datetime.date.today()
    try:
        data = clean_fields(PARTY_FIELDS, raw)
    except ValidationError as error:
        raise ValidationError({f"{prefix}{k}": v for k, v in error.message_dict.items()}) from None
    errors: dict[str, str] = {}
    party_type = data["party_type"]
    id_type = data.get("id_type") or ID_TYPES_BY_PARTY[party_type][0]
    if id_type not in ID_TYPES_BY_PARTY[party_type]:
        errors["id_type"] = f"{PartyType(party_type).label}不能使用{Party.IdType(id_type).label}"
    number = normalise(data["id_number"])
    if id_type == Party.IdType.ID_CARD:
        check = check_id_number(number, today)
        if check.errors:
            errors["id_number"] = "；".join(check.errors)
    elif id_type == Party.IdType.USCC:
        check = check_uscc(number)
        problems = check.errors + [w for w in check.warnings if "校验" in w]  # a wrong check character is refused here
        if problems:
            errors["id_number"] = "；".join(problems)
    elif len(number) < 5:
        errors["id_number"] = "证件号码过短"
    rep_id = normalise(data.get("representative_id_number") or "")
    if rep_id:
        check = check_id_number(rep_id, today)
        if check.errors:
            errors["representative_id_number"] = "法定代表人身份证号码：" + "；".join(check.errors)
    if party_type != PartyType.PERSON and not data.get("legal_representative"):
        errors["legal_representative"] = "单位和个体工商户须填写法定代表人（负责人、经营者）"
    if errors:
        raise ValidationError({f"{prefix}{k}": v for k, v in errors.items()})
    data.update(id_type=id_type, id_number=number, representative_id_number=rep_id)
    data["is_minor"] = bool(party_type == PartyType.PERSON and id_type == Party.IdType.ID_CARD
                            and _is_minor(number, today))
    for key in ("legal_representative", "address", "phone"):
        data[key] = data.get(key) or ""
    return data


def clean_parties(raw_list, *, today: datetime.date | None = None) -> list[dict]:
    if not isinstance(raw_list, (list, tuple)) or not raw_list:
        raise ValidationError({"parties": "请填写至少一个当事人"})
    if len(raw_list) > 50:
        raise ValidationError({"parties": "当事人不能超过50个"})
    errors: dict = {}
    out = []
    for index, raw in enumerate(raw_list):
        try:
            out.append(clean_party(raw if isinstance(raw, dict) else {}, prefix=f"parties.{index}.", today=today))
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return out
