"""The draw algorithm sha256-rank-v1 (PUB-05): a pure function of its inputs, checked against docs/draw.md."""

import hashlib
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanxiang.catalog import draw as algorithm

pytestmark = pytest.mark.req("PUB-05")

DOC = Path(__file__).resolve().parents[3] / "docs" / "draw.md"


def reference_source() -> str:
    """The standalone Python program printed in docs/draw.md."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## 参考实现", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def reference_draw(inputs):
    namespace = {"__name__": "reference"}
    exec(compile(reference_source(), str(DOC), "exec"), namespace)  # our own documentation
    try:
        return namespace["draw"](inputs)
    except SystemExit as refused:
        return ("refused", str(refused))


def sample(*, seed="种子-2026", ratio="25.00", per_object=2, subjects=12, inspectors=5, conflicts=()):
    return algorithm.make_inputs(
        seed=seed, ratio_percent=ratio, inspectors_per_object=per_object,
        subjects=[{"id": n + 1, "uscc": f"91350421MA{n:08d}", "name": f"对象{n}"} for n in range(subjects)],
        inspectors=[{"person_id": 100 + n, "name": f"人员{n}", "certificate": f"CERT{n:04d}"} for n in range(inspectors)],
        conflicts=conflicts, context={"title": "样例"},
    )


def test_a_known_vector_by_hand():
    """Two subjects, three inspectors: the ranking follows the published hash rule exactly."""
    inputs = sample(seed="abc", ratio="50.00", subjects=2, inspectors=3)
    result = algorithm.compute(inputs)

    def h(text):
        return hashlib.sha256(text.encode()).hexdigest()

    first = min(inputs["subjects"], key=lambda s: h(f"abc|subject|{s['uscc']}"))
    assert result["object_count"] == 1
    assert result["assignments"][0]["subject"]["uscc"] == first["uscc"]
    expected = sorted(inputs["inspectors"], key=lambda i: h(f"abc|inspector|{first['uscc']}|{i['certificate']}"))[:2]
    assert [i["certificate"] for i in result["assignments"][0]["inspectors"]] == [i["certificate"] for i in expected]
    assert result["inputs_digest"] == hashlib.sha256(algorithm.canonical(inputs)).hexdigest()


def test_same_inputs_same_result_and_a_different_seed_changes_it():
    inputs = sample()
    assert algorithm.compute(inputs) == algorithm.compute(json.loads(json.dumps(inputs)))
    assert algorithm.digest(algorithm.compute(inputs)) == algorithm.digest(algorithm.compute(sample()))
    assert algorithm.compute(sample(seed="另一个种子"))["assignments"] != algorithm.compute(inputs)["assignments"]


@pytest.mark.parametrize("count, ratio, expected", [
    (20, "5.00", 1), (20, "5.01", 2), (21, "5.00", 2), (3, "0.01", 1), (7, "100.00", 7), (10000, "33.33", 3333),
    (1, "100.00", 1), (3, "33.34", 2),
])
def test_object_count_is_the_ceiling_in_exact_arithmetic(count, ratio, expected):
    assert algorithm.object_count(count, ratio) == expected


@pytest.mark.parametrize("ratio", ["0.00", "100.01", "5", "5.5", "-1.00", "1e2", "", None, 5])
def test_a_ratio_that_is_not_two_decimals_in_range_is_refused(ratio):
    with pytest.raises(algorithm.DrawRefused, match="^抽取失败："):
        algorithm.ratio_hundredths(ratio)


def test_refusals_say_why_and_never_return_a_partial_result():
    with pytest.raises(algorithm.DrawRefused, match="检查人员只有1名，少于每户所需的2名"):
        algorithm.compute(sample(inspectors=1))
    with pytest.raises(algorithm.DrawRefused, match="没有符合本抽查事项的检查对象"):
        algorithm.compute(sample(subjects=0))
    conflicts = [(100, "91350421MA00000000"), (101, "91350421MA00000000")]
    with pytest.raises(algorithm.DrawRefused, match="回避后只有1名") as refused:
        algorithm.compute(sample(ratio="100.00", inspectors=3, conflicts=conflicts))
    assert str(refused.value).startswith("抽取失败：1个抽中的检查对象")


@pytest.mark.parametrize("broken", [
    {"algorithm": "v0"}, {"seed": ""}, {"seed": 5}, {"inspectors_per_object": 0}, {"inspectors_per_object": True},
    {"subjects": "x"}, {"subjects": [{"id": 1, "uscc": "A", "name": "a"}, {"id": 2, "uscc": "A", "name": "b"}]},
    {"inspectors": [{"person_id": 1, "name": "a", "certificate": "C"}, {"person_id": 2, "name": "b", "certificate": "C"}]},
    {"conflicts": [[1]]}, {"conflicts": [["1", "A"]]},
])
def test_malformed_inputs_are_refused(broken):
    with pytest.raises(algorithm.DrawRefused):
        algorithm.compute({**sample(), **broken})


def test_differences_name_the_changed_row():
    result = algorithm.compute(sample())
    changed = json.loads(json.dumps(result))
    changed["assignments"][1]["inspectors"][0]["name"] = "别人"
    problems = algorithm.differences(result, changed)
    assert len(problems) == 1 and problems[0].startswith("第2户：")
    assert algorithm.differences(result, result) == []
    assert algorithm.differences(None, result) == ["没有保存的抽取结果"]


# --- Property: a function of the inputs only, respecting conflicts and counts -----------------

_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12)


@st.composite
def inputs_strategy(draw):
    usccs = draw(st.lists(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=1, max_size=18),
                          unique=True, max_size=14))
    certificates = draw(st.lists(st.text(alphabet="0123456789ABCX-", min_size=1, max_size=12), unique=True, max_size=8))
    subjects = [{"id": n, "uscc": u, "name": draw(_text)} for n, u in enumerate(usccs)]
    inspectors = [{"person_id": 1000 + n, "name": draw(_text), "certificate": c} for n, c in enumerate(certificates)]
    pairs = [(i["person_id"], s["uscc"]) for i in inspectors for s in subjects]
    conflicts = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=12)) if pairs else []
    hundredths = draw(st.integers(min_value=1, max_value=10000))
    return algorithm.make_inputs(
        seed=draw(_text), ratio_percent=f"{hundredths // 100}.{hundredths % 100:02d}",
        inspectors_per_object=draw(st.integers(min_value=1, max_value=4)),
        subjects=subjects, inspectors=inspectors, conflicts=conflicts,
    )


def _shuffled(inputs, rng):
    copy = json.loads(json.dumps(inputs))
    for key in ("subjects", "inspectors", "conflicts"):
        rng.shuffle(copy[key])
    return copy


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inputs=inputs_strategy(), shuffle_seed=st.integers())
def test_property_the_result_is_a_function_of_the_inputs_and_respects_conflicts_and_counts(inputs, shuffle_seed):
    shuffled = _shuffled(inputs, random.Random(shuffle_seed))
    per_object = inputs["inspectors_per_object"]
    banned = {tuple(pair) for pair in inputs["conflicts"]}
    try:
        result = algorithm.compute(inputs)
    except algorithm.DrawRefused as refused:
        # Refused exactly when the inputs cannot be drawn, whatever the order of their lists.
        with pytest.raises(algorithm.DrawRefused):
            algorithm.compute(shuffled)
        assert reference_draw(inputs)[0] == "refused"
        assert str(refused).startswith("抽取失败：")
        n = algorithm.object_count(len(inputs["subjects"]), inputs["ratio_percent"])
        chosen = sorted(inputs["subjects"], key=lambda s: (algorithm.subject_key(inputs["seed"], s["uscc"]), s["uscc"]))[:n]
        assert not inputs["subjects"] or len(inputs["inspectors"]) < per_object or any(
            sum((i["person_id"], s["uscc"]) not in banned for i in inputs["inspectors"]) < per_object for s in chosen)
        return
    assert algorithm.compute(shuffled)["assignments"] == result["assignments"]  # list order does not matter
    assert result == reference_draw(inputs)  # the documented program gives the same document
    expected = -(-len(inputs["subjects"]) * algorithm.ratio_hundredths(inputs["ratio_percent"]) // 10000)
    assert result["object_count"] == expected == len(result["assignments"]) >= 1
    usccs = {s["uscc"] for s in inputs["subjects"]}
    people = {i["person_id"] for i in inputs["inspectors"]}
    assert len({a["subject"]["uscc"] for a in result["assignments"]}) == expected
    load = dict.fromkeys(people, 0)
    for order, row in enumerate(result["assignments"], start=1):
        assert row["order"] == order and row["subject"]["uscc"] in usccs
        chosen = [i["person_id"] for i in row["inspectors"]]
        assert len(chosen) == len(set(chosen)) == per_object and set(chosen) <= people
        assert not any((p, row["subject"]["uscc"]) in banned for p in chosen)
        for p in chosen:
            load[p] += 1
    if not banned:  # workload balance: without conflicts, counts differ by at most one
        assert max(load.values()) - min(load.values()) <= 1


def test_the_documented_program_runs_as_a_script_on_a_downloaded_file(tmp_path):
    inputs = sample(conflicts=[(100, "91350421MA00000003")])
    path = tmp_path / "draw-1-inputs.json"
    path.write_bytes(algorithm.canonical(inputs))
    script = tmp_path / "replay_draw.py"
    script.write_text(reference_source(), encoding="utf-8")
    out = subprocess.run([sys.executable, str(script), str(path)], capture_output=True, text=True, check=True).stdout
    result = algorithm.compute(inputs)
    assert f"输入摘要 {algorithm.digest(inputs)}" in out
    assert f"结果摘要 {algorithm.digest(result)}" in out
    assert out.count("→") == result["object_count"] == 3
