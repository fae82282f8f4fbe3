"""Typed step input: every bad value gets a Chinese message naming the field (DESIGN §4.6)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from sanxiang.cases.fields import Field, clean_fields

FIELDS = (
    Field("amount", "罚款金额", "decimal", required=False),
    Field("day", "日期", "date", required=False),
    Field("moment", "时间", "datetime", required=False),
    Field("count", "份数", "int", required=False, min_value=Decimal("1"), max_value=Decimal("10")),
    Field("kind", "种类", "choice", required=False, choices=(("a", "甲"), ("b", "乙"))),
    Field("ids", "人员", "people", required=False),
    Field("flag", "是否", "bool", required=False),
    Field("line", "名称", "text", required=False),
)


@pytest.mark.parametrize("raw, field, words", [
    ({"amount": "-1"}, "amount", "负数"),
    ({"amount": "1e30"}, "amount", "不合理"),
    ({"amount": "NaN"}, "amount", "数字"),
    ({"amount": "1.234"}, "amount", "两位小数"),
    ({"amount": True}, "amount", "数字"),
    ({"day": "2024-02-30"}, "day", "真实的日期"),
    ({"day": "昨天"}, "day", "YYYY-MM-DD"),
    ({"moment": "2024-13-01 10:00"}, "moment", "YYYY-MM-DD HH:MM"),
    ({"count": "2.5"}, "count", "整数"),
    ({"count": "11"}, "count", "不合理"),
    ({"kind": "c"}, "kind", "可选"),
    ({"ids": ["x"]}, "ids", "编号无效"),
    ({"ids": [10**30]}, "ids", "编号"),
    ({"flag": "maybe"}, "flag", "是或否"),
    ({"line": "两\n行"}, "line", "一行"),
    ({"line": "a&amp;b"}, "line", "纯文字"),
])
def test_bad_values_are_refused_in_chinese(raw, field, words):
    with pytest.raises(ValidationError) as error:
        clean_fields(FIELDS, raw)
    message = error.value.message_dict[field][0]
    assert words in message and message.startswith(next(f.label for f in FIELDS if f.name == field))


def test_good_values_are_typed():
    data = clean_fields(FIELDS, {"amount": "1,200.5", "day": "2024-02-29", "count": "3", "kind": "a", "ids": "1,2",
                                 "flag": "on", "line": "正常"})
    assert data["amount"] == Decimal("1200.50") and data["day"].isoformat() == "2024-02-29"
    assert data["count"] == 3 and data["ids"] == [1, 2] and data["flag"] is True


def test_a_required_field_must_be_given():
    with pytest.raises(ValidationError) as error:
        clean_fields((Field("x", "情况说明"),), {"x": "   "})
    assert error.value.message_dict["x"] == ["请填写情况说明"]


def test_the_input_must_be_an_object():
    with pytest.raises(ValidationError):
        clean_fields(FIELDS, ["not", "a", "dict"])
