"""How a provision is cited in Chinese: 第三十条第一款第（二）项."""

DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (enough for article numbers up to 9999)."""
    if n < 0:
        raise ValueError("negative")
    if n < 10:
        return DIGITS[n]
    parts = []
    units = [(1000, "千"), (100, "百"), (10, "十")]
    rest = n
    zero_pending = False
    for value, name in units:
        digit, rest = divmod(rest, value)
        if digit:
            if zero_pending:
                parts.append("零")
                zero_pending = False
            if not (value == 10 and digit == 1 and not parts):
                parts.append(DIGITS[digit])
            parts.append(name)
        elif parts:
            zero_pending = True
    if rest:
        if zero_pending:
            parts.append("零")
        parts.append(DIGITS[rest])
    return "".join(parts)


def cite(article: int, paragraph: int = 0, item: int = 0) -> str:
    text = f"第{chinese_number(article)}条"
    if paragraph:
        text += f"第{chinese_number(paragraph)}款"
    if item:
        text += f"第（{chinese_number(item)}）项"
    return text
