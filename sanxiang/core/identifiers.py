"""Identifier checks: 统一社会信用代码 (GB 32100-2015) and 居民身份证号码 (GB 11643-1999).

A party's identifier is validated by the party's type, never guessed from the value: an 18-digit
ID number can pass the USCC checksum by chance.

Results are :class:`Check` objects: ``errors`` make a value unacceptable; ``warnings`` (only a
failed USCC check character) may be overridden by an authorised user with a written reason, which
is audited by the calling service.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 symbols: no I, O, Z, S, V
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 3^(i-1) mod 31 for positions 1..17
ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]  # GB 11714
ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]  # ISO 7064 MOD 11-2
ID_CHECK_CHARS = "10X98765432"

# GB 32100 first character: registration authority; second: organisation type within it
# (the standard's table of 登记管理部门代码 and 机构类别代码).
USCC_TYPES = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他
    "2": "19",  # 外交
    "3": "123459",  # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化
    "5": "1239",  # 民政
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "19",  # 工会
    "9": "123",  # 市场监管（工商）
    "A": "19",  # 中央军委改革和编制办公室
    "N": "1239",  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}
# GB/T 2260 province-level codes (first two digits of a division code).
PROVINCE_CODES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
}

# "100000" stands for bodies registered at the central level.
USCC_PATTERN = re.compile(r"^[0-9A-HJ-NP-RTUW-Y]{18}$")
ID_PATTERN = re.compile(r"[0-9]{17}[0-9X]")  # ASCII digits only (\d would take any script's digits)


@dataclass
class Check:
    value: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.warnings

    @property
    def acceptable_with_override(self) -> bool:
        return not self.errors


def normalise(value: str) -> str:
    """Upper-case, without spaces; full-width input (１２３, Ｘ, ideographic space) becomes ASCII."""
    return unicodedata.normalize("NFKC", value or "").strip().upper().replace(" ", "")


def uscc_check_char(body17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """GB 11714 check character of an 8-symbol organisation code body."""
    total = sum(_org_code_value(c) * w for c, w in zip(body8, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _org_code_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def id_check_char(body17: str) -> str:
    total = sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def check_uscc(value: str) -> Check:
    """Check a 统一社会信用代码. A wrong check character alone is a warning (some pre-2016 codes)."""
    code = normalise(value)
    result = Check(code)
    if len(code) != 18:
        result.errors.append(f"统一社会信用代码应为18位，实际为{len(code)}位")
        return result
    if not USCC_PATTERN.match(code):
        bad = sorted({c for c in code if c not in USCC_ALPHABET})
        result.errors.append(f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用I、O、Z、S、V）")
        return result
    if code[0] not in USCC_TYPES:
        result.errors.append(f"登记管理部门代码“{code[0]}”无效")
    elif code[1] not in USCC_TYPES[code[0]]:
        result.errors.append(f"机构类别代码“{code[1]}”与登记管理部门代码“{code[0]}”不匹配")
    if not code[2:8].isdigit() or (code[2:4] not in PROVINCE_CODES and code[2:8] != "100000"):
        result.errors.append(f"登记管理机关行政区划码“{code[2:8]}”无效")
    org_body, org_check = code[8:16], code[16]
    if not re.match(r"^[0-9A-Z]{8}$", org_body) or org_check not in "0123456789X":
        result.errors.append(f"主体标识码（组织机构代码）“{code[8:17]}”格式无效")
    elif org_code_check_char(org_body) != org_check:
        result.warnings.append("主体标识码（组织机构代码）校验位不符（GB 11714）")
    if result.errors:
        return result
    if uscc_check_char(code[:17]) != code[17]:
        result.warnings.append("统一社会信用代码校验码不符（GB 32100）")
    return result


def check_id_number(value: str, today: datetime.date | None = None) -> Check:
    """Check an 18-digit 居民身份证号码: region, real birth date, MOD 11-2 check character."""
    number = normalise(value)
    result = Check(number)
    if not ID_PATTERN.fullmatch(number):
        result.errors.append("身份证号码应为17位数字加1位数字或X")
        return result
    if number[:2] not in PROVINCE_CODES:
        result.errors.append(f"身份证号码地址码“{number[:6]}”无效")
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        result.errors.append(f"身份证号码出生日期“{number[6:14]}”不是真实日期")
    else:
        if born > (today or datetime.date.today()) or born.year < 1900:
            result.errors.append(f"身份证号码出生日期“{number[6:14]}”不在合理范围")
    if id_check_char(number[:17]) != number[17]:
        result.errors.append("身份证号码校验码不符（GB 11643）")
    return result


class PartyType:
    PERSON = "person"  # 自然人
    ORGANISATION = "organisation"  # 法人和非法人组织
    INDIVIDUAL_BUSINESS = "individual_business"  # 个体工商户: a USCC when it has one


def check_party_identifier(party_type: str, value: str) -> Check:
    """Validate an identifier by the party's declared type."""
    if party_type == PartyType.PERSON:
        return check_id_number(value)
    if party_type in (PartyType.ORGANISATION, PartyType.INDIVIDUAL_BUSINESS):
        result = check_uscc(value)
        if not result.errors and check_id_number(value).errors == []:
            result.warnings.append("该代码同时符合居民身份证号码规则，请核实当事人类型")
        return result
    raise ValueError(f"unknown party type {party_type!r}")


def birth_date(id_number: str) -> datetime.date:
    number = normalise(id_number)
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def mask_id_number(id_number: str) -> str:
    """350421********1234: region kept, birth date and sequence masked (PUB-14)."""
    number = normalise(id_number)
    return number[:6] + "*" * 8 + number[14:] if len(number) == 18 else "*" * len(number)
