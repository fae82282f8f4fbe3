"""统一社会信用代码 (GB 32100) and 居民身份证号码 (GB 11643), validated by party type.

The reference check characters here are computed independently from the published weight tables,
not with the functions under test.
"""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanxiang.core.fakeids import make_id_number, make_uscc
from sanxiang.core.identifiers import (
    PartyType,
    birth_date,
    check_id_number,
    check_party_identifier,
    check_uscc,
    id_check_char,
    mask_id_number,
    org_code_check_char,
    uscc_check_char,
)

pytestmark = [pytest.mark.req("SUP-01"), pytest.mark.req("PUB-02")]

# --- Independent reference computations (published tables) ----------------------------------

# GB 32100-2015: 31 symbols (no I, O, Z, S, V) worth 0..30; weights of positions 1..17.
GB32100_SYMBOLS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
GB32100_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
# GB 11714-1997: digits 0-9, letters A-Z worth 10-35; weights of positions 1..8.
GB11714_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
# GB 11643-1999 (ISO 7064 MOD 11-2): weights of positions 1..17; check by remainder 0..10.
GB11643_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
GB11643_CHECK = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]
# GB 32100 table: registration authority -> organisation types.
GB32100_TYPES = {
    "1": "1239", "2": "19", "3": "123459", "4": "19", "5": "1239", "6": "129", "7": "129",
    "8": "19", "9": "123", "A": "19", "N": "1239", "Y": "1",
}
PROVINCES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
             "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
             "65", "71", "81", "82"]


def ref_uscc_check(body17):
    total = sum(GB32100_SYMBOLS.index(c) * w for c, w in zip(body17, GB32100_WEIGHTS, strict=True))
    return GB32100_SYMBOLS[(31 - total % 31) % 31]


def ref_org_check(body8):
    total = sum(int(c, 36) * w for c, w in zip(body8, GB11714_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def ref_id_check(body17):
    return GB11643_CHECK[sum(int(c) * w for c, w in zip(body17, GB11643_WEIGHTS, strict=True)) % 11]


def ref_uscc(body16):
    """A USCC from its first 16 characters, with both check characters computed by reference."""
    body17 = body16 + ref_org_check(body16[8:16])
    return body17 + ref_uscc_check(body17)


def ref_id(body17):
    return body17 + ref_id_check(body17)


# Public registrations of well-known companies and the standards' own examples.
REAL_USCCS = ["914403001922038216", "9144030071526726XG", "91330100799655058B", "91350100M000100Y43"]
GB11643_EXAMPLE = "11010519491231002X"


# --- Hand-computed vectors --------------------------------------------------------------------

def test_the_weight_tables_are_the_published_ones():
    assert GB32100_WEIGHTS == [3 ** (i - 1) % 31 for i in range(1, 18)]
    assert GB11643_WEIGHTS == [2 ** (18 - i) % 11 for i in range(1, 18)]


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_codes_match_the_reference_computation(code):
    assert ref_uscc_check(code[:17]) == code[17] == uscc_check_char(code[:17])
    assert ref_org_check(code[8:16]) == code[16] == org_code_check_char(code[8:16])
    assert check_uscc(code).ok


def test_a_hand_worked_uscc_and_org_code():
    # 91350100M000100Y4: values 9 1 3 5 0 1 0 0 M=21 0 0 0 1 0 0 Y=30 4
    total = (9 * 1 + 1 * 3 + 3 * 9 + 5 * 27 + 0 * 19 + 1 * 26 + 0 * 16 + 0 * 17 + 21 * 20 + 0 * 29 + 0 * 25
             + 0 * 13 + 1 * 8 + 0 * 24 + 0 * 10 + 30 * 30 + 4 * 28)
    assert total == 1640 and 31 - total % 31 == 3
    assert uscc_check_char("91350100M000100Y4") == "3"
    # Org code M000100Y: M=22 (GB 11714 letters A=10), Y=34.
    assert 11 - (22 * 3 + 1 * 5 + 34 * 2) % 11 == 4
    assert org_code_check_char("M000100Y") == "4"


def test_the_standards_id_number_examples():
    # 11010519491231002: sum of digit*weight = 167, 167 mod 11 = 2 -> "X"
    assert sum(int(c) * w for c, w in zip("11010519491231002", GB11643_WEIGHTS, strict=True)) == 167
    assert id_check_char("11010519491231002") == "X"
    assert check_id_number(GB11643_EXAMPLE).ok
    # GB 11643's other example, born 1880, has a right check character but no living holder.
    assert id_check_char("44052418800101001") == ref_id_check("44052418800101001") == "4"
    assert "不在合理范围" in check_id_number("440524188001010014").errors[0]


# --- Generated identifiers (hypothesis) -------------------------------------------------------

authority_and_kind = st.sampled_from([(a, k) for a, kinds in GB32100_TYPES.items() for k in kinds])
uscc_region = st.one_of(
    st.just("100000"),
    st.tuples(st.sampled_from(PROVINCES), st.integers(0, 9999)).map(lambda p: f"{p[0]}{p[1]:04d}"),
)


@given(st.randoms(use_true_random=False), authority_and_kind, uscc_region)
def test_generated_usccs_are_valid(rng, pair, region):
    code = make_uscc(rng, region, authority=pair[0], kind=pair[1])
    assert ref_uscc_check(code[:17]) == code[17]
    assert ref_org_check(code[8:16]) == code[16]
    result = check_uscc(code)
    assert (result.errors, result.warnings) == ([], [])


@given(st.randoms(use_true_random=False), st.integers(0, 16), st.sampled_from(GB32100_SYMBOLS))
def test_any_single_changed_symbol_is_caught(rng, position, symbol):
    code = make_uscc(rng)
    changed = code[:position] + symbol + code[position + 1:]
    if changed != code:
        assert not check_uscc(changed).ok


@given(
    st.randoms(use_true_random=False),
    st.sampled_from(PROVINCES).map(lambda p: p + "0421"),
    st.dates(datetime.date(1900, 1, 1), datetime.date(2010, 12, 31)),
    st.sampled_from(["M", "F"]),
)
def test_generated_id_numbers_are_valid(rng, region, born, gender):
    number = make_id_number(rng, region, born=born, gender=gender)
    assert ref_id_check(number[:17]) == number[17]
    assert check_id_number(number).ok
    assert birth_date(number) == born
    assert int(number[16]) % 2 == (1 if gender == "M" else 0)


@given(st.randoms(use_true_random=False), st.integers(0, 16), st.integers(1, 9))
def test_any_single_changed_id_digit_is_caught(rng, position, delta):
    number = make_id_number(rng)
    digit = str((int(number[position]) + delta) % 10)
    assert check_id_number(number[:position] + digit + number[position + 1:]).errors


# --- USCC: every error and warning ------------------------------------------------------------

VALID = "91350100M000100Y43"


@pytest.mark.parametrize("value, length", [(VALID[:17], 17), (VALID + "0", 19), ("", 0)])
def test_uscc_of_the_wrong_length(value, length):
    result = check_uscc(value)
    assert result.errors == [f"统一社会信用代码应为18位，实际为{length}位"]
    assert not result.acceptable_with_override


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_uscc_with_a_letter_the_standard_leaves_out(letter):
    value = VALID[:10] + letter + VALID[11:]
    assert check_uscc(value).errors == [f"统一社会信用代码含有不允许的字符：{letter}（不使用I、O、Z、S、V）"]
    # Lower case is read as upper case, and is refused just the same.
    assert check_uscc(value.lower()).errors == [f"统一社会信用代码含有不允许的字符：{letter}（不使用I、O、Z、S、V）"]


def test_uscc_with_punctuation():
    assert check_uscc("91350100-M000100Y4").errors == ["统一社会信用代码含有不允许的字符：-（不使用I、O、Z、S、V）"]


def test_uscc_with_an_unknown_registration_authority():
    assert check_uscc(ref_uscc("B1350100M000100Y")).errors == ["登记管理部门代码“B”无效"]


@pytest.mark.parametrize("pair", ["94", "99", "14", "15", "22", "83", "A2", "N4", "Y2"])
def test_uscc_with_a_type_its_authority_does_not_register(pair):
    result = check_uscc(ref_uscc(pair + "350100M000100Y"))
    assert result.errors == [f"机构类别代码“{pair[1]}”与登记管理部门代码“{pair[0]}”不匹配"]


@pytest.mark.parametrize("pair", ["11", "12", "13", "19", "31", "35", "39", "51", "53", "92", "93", "N3", "Y1"])
def test_uscc_with_every_kind_of_registered_body(pair):
    assert check_uscc(ref_uscc(pair + "350100M000100Y")).ok


@pytest.mark.parametrize("region", ["990000", "000000", "010105", "A50100"])
def test_uscc_with_a_region_that_does_not_exist(region):
    assert check_uscc(ref_uscc("91" + region + "M000100Y")).errors == [f"登记管理机关行政区划码“{region}”无效"]


def test_uscc_of_a_body_registered_at_the_central_level():
    assert check_uscc(ref_uscc("11100000" + "00001234")).ok


def test_uscc_whose_org_code_has_an_impossible_check_character():
    body17 = "91350100M000100YA"  # a GB 11714 check character is 0-9 or X
    result = check_uscc(body17 + ref_uscc_check(body17))
    assert result.errors == ["主体标识码（组织机构代码）“M000100YA”格式无效"]


def test_uscc_with_several_errors_names_them_all():
    result = check_uscc(ref_uscc("B1990000M000100Y")[:16] + "A0")
    assert result.errors == [
        "登记管理部门代码“B”无效",
        "登记管理机关行政区划码“990000”无效",
        "主体标识码（组织机构代码）“M000100YA”格式无效",
    ]


@pytest.mark.parametrize("code", REAL_USCCS)
def test_a_wrong_uscc_check_character_is_only_a_warning(code):
    for wrong in (c for c in GB32100_SYMBOLS if c != code[17]):
        result = check_uscc(code[:17] + wrong)
        assert result.errors == []
        assert result.warnings == ["统一社会信用代码校验码不符（GB 32100）"]
        assert not result.ok and result.acceptable_with_override


def test_a_wrong_org_code_check_character_is_only_a_warning():
    body16 = "91350100M000100Y"  # the right org-code check character is 4
    for wrong in "012356789X":
        body17 = body16 + wrong
        result = check_uscc(body17 + ref_uscc_check(body17))
        assert result.errors == []
        assert result.warnings == ["主体标识码（组织机构代码）校验位不符（GB 11714）"]
        assert result.acceptable_with_override


def test_uscc_input_is_normalised():
    assert check_uscc("  91350100m000100y43 ").value == VALID
    assert check_uscc("９１３５０１００Ｍ０００１００Ｙ４３").value == VALID  # full-width, as typed with a Chinese IME
    assert check_uscc("９１３５０１００Ｍ０００１００Ｙ４３").ok


# --- ID number: every error -------------------------------------------------------------------

def test_id_number_with_a_wrong_check_character():
    for wrong in (c for c in "0123456789X" if c != "X"):
        assert check_id_number(GB11643_EXAMPLE[:17] + wrong).errors == ["身份证号码校验码不符（GB 11643）"]


def test_id_number_with_an_impossible_birth_date():
    number = ref_id("11010519900230123")
    assert check_id_number(number).errors == ["身份证号码出生日期“19900230”不是真实日期"]
    assert check_id_number(ref_id("11010520230229123")).errors == ["身份证号码出生日期“20230229”不是真实日期"]
    assert check_id_number(ref_id("11010520240229123")).ok  # a leap day


def test_id_number_born_in_the_future():
    number = ref_id("11010520300101123")
    assert check_id_number(number, today=datetime.date(2029, 12, 31)).errors == [
        "身份证号码出生日期“20300101”不在合理范围"
    ]
    assert check_id_number(number, today=datetime.date(2030, 1, 1)).ok


@pytest.mark.parametrize("region", ["990101", "000000", "100000", "600101"])
def test_id_number_with_a_region_that_does_not_exist(region):
    assert check_id_number(ref_id(region + "19900307123")).errors == [f"身份证号码地址码“{region}”无效"]


@pytest.mark.parametrize("value", [
    "11010519491231002", "11010519491231002XX", "110105194912310", "1101051949123100AX", "",
    "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",  # Arabic-Indic digits: digits, but not ours
])
def test_id_number_of_the_wrong_shape(value):
    assert check_id_number(value).errors == ["身份证号码应为17位数字加1位数字或X"]


def test_lower_case_x_and_full_width_input_are_normalised():
    for typed in ("11010519491231002x", " 110105 19491231 002x ", "１１０１０５１９４９１２３１００２ｘ"):
        result = check_id_number(typed)
        assert result.value == GB11643_EXAMPLE
        assert result.ok


def test_id_number_with_several_errors_names_them_all():
    number = "99010519900230123" + "0"
    assert check_id_number(number).errors[:2] == [
        "身份证号码地址码“990105”无效", "身份证号码出生日期“19900230”不是真实日期",
    ]


def test_mask_id_number():
    assert mask_id_number("11010519491231002x") == "110105********002X"
    assert mask_id_number("123") == "***"


# --- By party type ----------------------------------------------------------------------------

def test_an_id_number_given_for_an_organisation_is_refused():
    result = check_party_identifier(PartyType.ORGANISATION, GB11643_EXAMPLE)
    assert "登记管理机关行政区划码“010519”无效" in result.errors


def test_a_uscc_given_for_a_person_is_refused():
    for code in REAL_USCCS:
        assert check_party_identifier(PartyType.PERSON, code).errors


def _ambiguous_number():
    """An 18-digit number that is at once a valid ID number and a fully valid USCC.

    The ID number's region 131102 (衡水市桃城区) reads as USCC authority 1, type 3, region 110219.
    """
    for day in range(1, 366):
        born = datetime.date(1990, 1, 1) + datetime.timedelta(days=day - 1)
        for sequence in range(1000):
            number = ref_id(f"131102{born:%Y%m%d}{sequence:03d}")
            if ref_org_check(number[8:16]) == number[16] and ref_uscc_check(number[:17]) == number[17]:
                return number
    raise AssertionError("no ambiguous number in the search space")


def test_a_value_valid_as_both_is_a_warning_for_an_organisation():
    number = _ambiguous_number()
    assert check_id_number(number).ok and check_uscc(number).ok
    for party_type in (PartyType.ORGANISATION, PartyType.INDIVIDUAL_BUSINESS):
        result = check_party_identifier(party_type, number)
        assert result.errors == []
        assert result.warnings == ["该代码同时符合居民身份证号码规则，请核实当事人类型"]
    # For a person the declared type decides: a valid ID number is just that.
    assert check_party_identifier(PartyType.PERSON, number).ok


def test_an_id_number_that_only_looks_like_a_uscc_gets_both_warnings():
    number = _ambiguous_number()
    # Same person, next sequence number: still a valid ID, still USCC-shaped, but a USCC check miss.
    for sequence in range(1000):
        other = ref_id(number[:14] + f"{sequence:03d}")
        if ref_org_check(other[8:16]) == other[16] and ref_uscc_check(other[:17]) != other[17]:
            break
    else:
        raise AssertionError("no such number in the search space")
    result = check_party_identifier(PartyType.ORGANISATION, other)
    assert result.errors == []
    assert result.warnings == [
        "统一社会信用代码校验码不符（GB 32100）", "该代码同时符合居民身份证号码规则，请核实当事人类型",
    ]


def test_a_real_uscc_for_an_organisation_has_no_warning():
    for code in REAL_USCCS:
        assert check_party_identifier(PartyType.ORGANISATION, code).ok


def test_an_unknown_party_type_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown party type"):
        check_party_identifier("alien", VALID)
