"""The double-random draw (双随机抽取), algorithm ``sha256-rank-v1``: a pure function of published inputs.

Nothing here touches the database, the clock or a random generator: the result depends on the
inputs document alone, so anyone holding the published inputs can run the draw again and must get
the same result (PUB-05). docs/draw.md describes the algorithm for re-implementation; this module
is its reference implementation. In short:

1. **Inputs** are one JSON document::

       {"algorithm": "sha256-rank-v1", "seed": "…", "ratio_percent": "5.00", "inspectors_per_object": 2,
        "subjects":   [{"id": 7, "uscc": "91…", "name": "…"}, …],          # sorted by uscc
        "inspectors": [{"person_id": 3, "name": "…", "certificate": "…"}, …], # sorted by certificate
        "conflicts":  [[3, "91…"], …],                                        # [person_id, uscc], sorted
        "context":    {…}}                                                    # not read by the draw

   Its **inputs digest** is SHA-256 of its canonical JSON (:func:`canonical`).
2. **Number of objects** ``n = ceil(len(subjects) × ratio_percent / 100)``, computed exactly in
   hundredths of a percent; at least 1 whenever there is a subject (ratio > 0 guarantees it).
3. **Objects**: every subject gets the key ``SHA-256(seed ‖ "|subject|" ‖ uscc)`` (UTF-8, hex);
   subjects are ordered by (key, uscc) and the first ``n`` are drawn, in that order.
4. **Inspectors**: for each drawn subject in that order, the inspectors not in conflict with it
   get the key ``SHA-256(seed ‖ "|inspector|" ‖ uscc ‖ "|" ‖ certificate)`` and are ordered by
   (times already assigned in this draw, key, certificate); the first ``inspectors_per_object``
   are assigned. So an inspector assigned k times always ranks after every eligible inspector
   assigned fewer times; among equals the key decides, and the certificate number breaks a
   (practically impossible) tie of keys.
5. **Refusal**: if there are fewer inspectors than ``inspectors_per_object``, or any drawn
   subject has fewer eligible inspectors than that, the draw is refused as a whole
   (:class:`DrawRefused`, "抽取失败：…") — there is never a partial result.
6. **Result** is a JSON document holding the inputs digest and the assignments; its **result
   digest** is SHA-256 of its canonical JSON.

The order of the lists in the inputs does not change the result (every step sorts by its own
key); the canonical order only makes the inputs digest stable.
"""

import hashlib
import json
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ALGORITHM = "sha256-rank-v1"
MAX_SEED_LENGTH = 128
_RATIO = re.compile(r"^[0-9]{1,3}\.[0-9]{2}$")


class DrawRefused(ValueError):
    """The draw cannot be made from these inputs; nothing is drawn. ``str()`` starts with "抽取失败："."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"抽取失败：{reason}")


def canonical(document) -> bytes:
    """Canonical JSON: keys sorted, no whitespace, non-ASCII as UTF-8 (Python's ``json.dumps`` rules)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def digest(document) -> str:
    """SHA-256 (hex) of the canonical JSON of ``document``."""
    return hashlib.sha256(canonical(document)).hexdigest()


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def subject_key(seed: str, uscc: str) -> str:
    """Rank key of a subject: SHA-256(seed ‖ "|subject|" ‖ uscc), hex."""
    return _sha(f"{seed}|subject|{uscc}")


def inspector_key(seed: str, uscc: str, certificate: str) -> str:
    """Rank key of an inspector for one subject: SHA-256(seed ‖ "|inspector|" ‖ uscc ‖ "|" ‖ certificate), hex."""
    return _sha(f"{seed}|inspector|{uscc}|{certificate}")


def ratio_hundredths(ratio_percent: str) -> int:
    """"5.00" → 500. Exactly two decimals, 0.01 … 100.00; anything else is refused."""
    if not isinstance(ratio_percent, str) or not _RATIO.match(ratio_percent):
        raise DrawRefused(f"抽查比例“{ratio_percent}”应写成两位小数的百分数，如“5.00”")
    whole, fraction = ratio_percent.split(".")
    value = int(whole) * 100 + int(fraction)
    if not 0 < value <= 10000:
        raise DrawRefused(f"抽查比例应大于0且不超过100%，实际为{ratio_percent}%")
    return value


def format_ratio(value) -> str:
    """A ratio (Decimal, int, float or str) as the inputs write it: two decimals, e.g. "5.00"."""
    try:
        return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    except (InvalidOperation, ValueError) as exc:
        raise DrawRefused(f"抽查比例“{value}”不是数字") from exc


def object_count(subject_count: int, ratio_percent: str) -> int:
    """ceil(subject_count × ratio / 100), in exact integer arithmetic on hundredths of a percent."""
    hundredths = ratio_hundredths(ratio_percent)
    return -(-subject_count * hundredths // 10000)


def make_inputs(*, seed: str, ratio_percent, inspectors_per_object: int, subjects: Iterable[dict],
                inspectors: Iterable[dict], conflicts: Iterable, context: dict | None = None) -> dict:
    """The inputs document in canonical order (checked: a bad value raises :class:`DrawRefused`)."""
    inputs = {
        "algorithm": ALGORITHM,
        "seed": seed,
        "ratio_percent": format_ratio(ratio_percent),
        "inspectors_per_object": inspectors_per_object,
        "subjects": sorted(({"id": s["id"], "uscc": s["uscc"], "name": s["name"]} for s in subjects),
                           key=lambda s: (s["uscc"], s["id"])),
        "inspectors": sorted(({"person_id": i["person_id"], "name": i["name"], "certificate": i["certificate"]}
                              for i in inspectors), key=lambda i: (i["certificate"], i["person_id"])),
        "conflicts": sorted([int(p), str(u)] for p, u in conflicts),
        "context": context or {},
    }
    check_inputs(inputs)
    return inputs


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_inputs(inputs) -> None:
    """Refuse an inputs document that is not well formed (the draw's own feasibility is checked by :func:`compute`)."""
    if not isinstance(inputs, dict):
        raise DrawRefused("输入应为一个 JSON 对象")
    if inputs.get("algorithm") != ALGORITHM:
        raise DrawRefused(f"不支持的抽取算法“{inputs.get('algorithm')}”（本程序实现 {ALGORITHM}）")
    seed = inputs.get("seed")
    if not isinstance(seed, str) or not seed or len(seed) > MAX_SEED_LENGTH:
        raise DrawRefused(f"随机种子应为1至{MAX_SEED_LENGTH}个字符的文本")
    ratio_hundredths(inputs.get("ratio_percent"))
    per_object = inputs.get("inspectors_per_object")
    if not _is_int(per_object) or per_object < 1:
        raise DrawRefused("每户检查人员数应为正整数")
    subjects, inspectors, conflicts = inputs.get("subjects"), inputs.get("inspectors"), inputs.get("conflicts")
    if not isinstance(subjects, list) or not isinstance(inspectors, list) or not isinstance(conflicts, list):
        raise DrawRefused("输入应包含 subjects、inspectors、conflicts 三个列表")
    usccs = set()
    for s in subjects:
        if not (isinstance(s, dict) and _is_int(s.get("id")) and isinstance(s.get("uscc"), str)
                and isinstance(s.get("name"), str) and s["uscc"]):
            raise DrawRefused("检查对象应有 id（整数）、uscc、name")
        if s["uscc"] in usccs:
            raise DrawRefused(f"检查对象的统一社会信用代码“{s['uscc']}”重复")
        usccs.add(s["uscc"])
    people, certificates = set(), set()
    for i in inspectors:
        if not (isinstance(i, dict) and _is_int(i.get("person_id")) and isinstance(i.get("certificate"), str)
                and isinstance(i.get("name"), str) and i["certificate"]):
            raise DrawRefused("检查人员应有 person_id（整数）、name、certificate")
        if i["person_id"] in people or i["certificate"] in certificates:
            raise DrawRefused(f"检查人员“{i['name']}”（{i['certificate']}）重复")
        people.add(i["person_id"])
        certificates.add(i["certificate"])
    for pair in conflicts:
        if not (isinstance(pair, list) and len(pair) == 2 and _is_int(pair[0]) and isinstance(pair[1], str)):
            raise DrawRefused("回避关系应写成 [person_id, uscc]")


def compute(inputs: dict) -> dict:
    """Run the draw on an inputs document; returns the result document or raises :class:`DrawRefused`."""
    check_inputs(inputs)
    seed, per_object = inputs["seed"], inputs["inspectors_per_object"]
    subjects, inspectors = inputs["subjects"], inputs["inspectors"]
    conflicts = {(p, u) for p, u in inputs["conflicts"]}
    if not subjects:
        raise DrawRefused("检查对象名录中没有符合本抽查事项的检查对象")
    if len(inspectors) < per_object:
        raise DrawRefused(f"具备执法资格的检查人员只有{len(inspectors)}名，少于每户所需的{per_object}名")
    count = object_count(len(subjects), inputs["ratio_percent"])
    ranked = sorted(subjects, key=lambda s: (subject_key(seed, s["uscc"]), s["uscc"]))[:count]

    load = {i["person_id"]: 0 for i in inspectors}
    assignments, short = [], []
    for order, subject in enumerate(ranked, start=1):
        uscc = subject["uscc"]
        eligible = [i for i in inspectors if (i["person_id"], uscc) not in conflicts]
        if len(eligible) < per_object:
            short.append(f"“{subject['name']}”（{uscc}）回避后只有{len(eligible)}名")
            continue
        keyed = sorted(((load[i["person_id"]], inspector_key(seed, uscc, i["certificate"]), i["certificate"], i)
                        for i in eligible), key=lambda row: row[:3])
        chosen = keyed[:per_object]
        for _, _, _, inspector in chosen:
            load[inspector["person_id"]] += 1
        assignments.append({
            "order": order,
            "subject": {"id": subject["id"], "uscc": uscc, "name": subject["name"]},
            "key": subject_key(seed, uscc),
            "inspectors": [
                {"person_id": i["person_id"], "name": i["name"], "certificate": i["certificate"], "key": key}
                for _, key, _, i in chosen
            ],
        })
    if short:
        listed = "；".join(short[:5]) + ("等" if len(short) > 5 else "")
        raise DrawRefused(f"{len(short)}个抽中的检查对象可派检查人员不足每户所需的{per_object}名：{listed}")
    return {
        "algorithm": ALGORITHM,
        "inputs_digest": digest(inputs),
        "candidates": len(subjects),
        "object_count": count,
        "assignments": assignments,
    }


def differences(expected: dict | None, actual: dict) -> list[str]:
    """What differs between a stored result and a recomputed one, in plain words (empty when they agree)."""
    if expected is None:
        return ["没有保存的抽取结果"]
    problems = []
    for field in ("algorithm", "inputs_digest", "candidates", "object_count"):
        if expected.get(field) != actual.get(field):
            problems.append(f"{field}：保存的为 {expected.get(field)!r}，重算的为 {actual.get(field)!r}")
    old, new = expected.get("assignments") or [], actual.get("assignments") or []
    for index in range(max(len(old), len(new))):
        a = old[index] if index < len(old) else None
        b = new[index] if index < len(new) else None
        if a != b:
            def label(row):
                if not row:
                    return "（无）"
                people = "、".join(f"{i.get('name')}（{i.get('certificate')}）" for i in row.get("inspectors", []))
                return f"{row.get('subject', {}).get('name')}（{row.get('subject', {}).get('uscc')}）→ {people}"
            problems.append(f"第{index + 1}户：保存的为 {label(a)}，重算的为 {label(b)}")
    if not problems and digest(expected) != digest(actual):
        problems.append("结果摘要不同")
    return problems
