"""The procedure definitions (执法流程): consistent, complete, and their time limits follow the statutes."""

import dataclasses
import importlib

import pytest

from sanxiang.catalog import documents, flows
from sanxiang.catalog.flows import FLOWS, Flow, FlowDefinitionError, Step, TimeLimit, Transition
from sanxiang.catalog.vocab import ActKind


def limit(flow_key: str, step_key: str) -> TimeLimit:
    step = FLOWS[flow_key].step(step_key)
    assert step.time_limit is not None, f"{flow_key}.{step_key} has no time limit"
    return step.time_limit


# --- definitions validate -----------------------------------------------------------------------------------

@pytest.mark.req("PUB-07")
def test_every_flow_validates():
    assert FLOWS
    for flow in FLOWS.values():
        assert flows.validate(flow) == [], flow.key


@pytest.mark.req("PUB-07")
def test_every_kind_of_act_has_a_flow():
    for kind in ActKind.values:
        assert flows.flows_for_act_kind(kind), kind
    assert [f.key for f in flows.flows_for_act_kind("penalty")] == ["penalty", "penalty_simple"]
    assert [f.key for f in flows.flows_for_act_kind("coercion")] == ["coercion_measure", "coercion_execution"]
    for key in ("levy", "requisition", "confirmation", "adjudication", "payment", "reward", "other"):
        assert flows.transitions(key) == {("register", "decide"), ("decide", "deliver")}


@pytest.mark.req("REV-10")
def test_transitions_is_the_definition_table():
    for key, flow in FLOWS.items():
        table = flows.transitions(key)
        assert table == {(t.source, t.target) for t in flow.transitions}
        assert len(table) == len(flow.transitions)
        for source, target in table:
            assert flow.has_step(source) and flow.has_step(target)
    with pytest.raises(KeyError):
        flows.transitions("no_such_flow")


def test_every_guard_is_used_and_every_step_condition_is_a_guard():
    used = {t.guard for f in FLOWS.values() for t in f.transitions if t.guard}
    conditions = {s.condition for f in FLOWS.values() for s in f.steps if s.condition}
    assert used | conditions == set(flows.GUARDS)
    for guard in flows.GUARDS.values():
        assert guard.label and guard.description.endswith("。") and guard.rule


def test_outgoing_names_guards_with_descriptions():
    out = {t.target: t for t in flows.outgoing("penalty", "decide")}
    assert set(out) == {"penalty_decision", "no_penalty_decision", "withdraw_case", "transfer"}
    assert out["penalty_decision"].guard == "decided_penalty"
    assert "法制审核" in out["penalty_decision"].description
    with pytest.raises(KeyError):
        flows.outgoing("penalty", "nowhere")


@pytest.mark.req("REV-01")
def test_penalty_flow_gates_read_like_the_law():
    penalty = FLOWS["penalty"]
    table = flows.transitions("penalty")
    # the brief's general procedure, in order
    for edge in [("register", "file"), ("file", "investigate"), ("investigate", "conclude"), ("conclude", "legal_review"),
                 ("legal_review", "prior_notice"), ("prior_notice", "statement"), ("statement", "hearing_notice"),
                 ("hearing_notice", "hearing"), ("hearing", "collective_discussion"), ("collective_discussion", "decide"),
                 ("decide", "penalty_decision"), ("penalty_decision", "deliver"), ("deliver", "execute"),
                 ("execute", "close"), ("close", "archive")]:
        assert edge in table, edge
    # no decision without prior notice: the only ways into a penalty decision pass the head's decision
    assert [t.source for t in penalty.transitions if t.target == "penalty_decision"] == ["decide"]
    assert [t.source for t in penalty.transitions if t.target == "statement"] == ["prior_notice"]
    # no way around the hearing notice into the hearing
    assert [t.source for t in penalty.transitions if t.target == "hearing"] == ["hearing_notice"]
    assert penalty.step("legal_review").optional and penalty.step("legal_review").condition == "review_required"
    assert flows.GUARDS["review_required"].rule == "REV-02"
    assert set(penalty.terminals) == {"not_filed", "archive"}


def test_simple_procedure_and_coercion_shapes():
    assert flows.transitions("penalty_simple") >= {
        ("identify", "inform"), ("inform", "statement"), ("statement", "decide_on_spot"), ("decide_on_spot", "hand_over"),
        ("hand_over", "file_record")}
    assert flows.GUARDS["simple_procedure_applies"].rule == "LAW-02"
    measure = flows.transitions("coercion_measure")
    assert ("propose", "present") in measure  # emergency: act first, report within 24 hours
    assert ("decision", "emergency_report") in measure
    assert ("extend", "custody") in measure  # a loop, drawn as a back edge
    assert flows.transitions("coercion_execution") >= {("demand", "statement"), ("statement", "execution_decision"),
                                                         ("statement", "substitute_decision"), ("execution_decision", "enforce")}
    assert flows.transitions("inspection") >= {("task", "draw"), ("draw", "inspect"), ("result", "publish")}
    assert flows.transitions("license") >= {("apply", "accept"), ("apply", "correction"), ("apply", "reject"),
                                              ("examine", "grant"), ("grant", "deliver"), ("deliver", "publish")}


# --- bad definitions are refused -------------------------------------------------------------------------------

def small_flow(**overrides) -> Flow:
    fields = dict(
        key="sample", act_kind="other", name="样例", summary="样例", basis=("样例",), start="a", terminals=("c",),
        steps=(Step("a", "甲", "officer", "依据"), Step("b", "乙", "officer", "依据"), Step("c", "丙", "officer", "依据")),
        transitions=(Transition("a", "b"), Transition("b", "c")),
    )
    fields.update(overrides)
    return Flow(**fields)


def test_a_small_valid_flow_builds():
    flow = small_flow()
    assert flow.edges() == {("a", "b"), ("b", "c")}


@pytest.mark.parametrize(("overrides", "message"), [
    ({"transitions": (Transition("a", "b"), Transition("b", "x"))}, "不存在的环节"),
    ({"transitions": (Transition("a", "c"),), "terminals": ("b", "c")}, "只能有一个起始环节"),
    ({"transitions": (Transition("a", "c"), Transition("b", "c"))}, "只能有一个起始环节"),
    ({"transitions": (Transition("a", "b"), Transition("b", "a"), Transition("a", "c", "review_required"))},
     "起始环节不能有流入"),
    ({"transitions": (Transition("a", "b"), Transition("a", "c"), Transition("b", "c"))}, "每个去向须有条件"),
    ({"terminals": ()}, "结束环节无效"),
    ({"terminals": ("b",)}, "须列为结束环节"),
    ({"transitions": (Transition("a", "b"), Transition("b", "c"), Transition("b", "c"))}, "重复"),
    ({"transitions": (Transition("a", "b", "no_such_guard"), Transition("b", "c"))}, "条件 'no_such_guard' 不存在"),
    ({"steps": (Step("a", "甲", "officer", "依据"), Step("b", "乙", "officer", "依据", documents=("NOPE",)),
                Step("c", "丙", "officer", "依据"))}, "文书 NOPE 不存在"),
    ({"steps": (Step("a", "甲", "officer", "依据"), Step("b", "乙", "officer", "依据", documents=("CFJDS",)),
                Step("c", "丙", "officer", "依据"))}, "未列明适用于other"),
    ({"steps": (Step("a", "甲", "nobody", "依据"), Step("b", "乙", "officer", "依据"), Step("c", "丙", "officer", "依据"))},
     "执行主体 'nobody' 不存在"),
    ({"steps": (Step("a", "甲", "officer", "依据"),
                Step("b", "乙", "officer", "依据", time_limit=TimeLimit(days=5, from_step="zz", citation="某法")),
                Step("c", "丙", "officer", "依据"))}, "时限起算环节 'zz' 不存在"),
    ({"steps": (Step("a", "甲", "officer", "依据"),
                Step("b", "乙", "officer", "依据", time_limit=TimeLimit(days=5, from_step="a")),
                Step("c", "丙", "officer", "依据"))}, "时限须注明依据"),
    ({"act_kind": "nonsense"}, "执法行为类别"),
])
def test_inconsistent_definitions_are_refused(overrides, message):
    with pytest.raises(FlowDefinitionError, match=message):
        small_flow(**overrides)


def test_unreachable_and_dead_end_steps_are_refused():
    steps = (Step("a", "甲", "officer", "依据"), Step("b", "乙", "officer", "依据"), Step("c", "丙", "officer", "依据"),
             Step("d", "丁", "officer", "依据"))
    # d only loops with b: reachable, but a path a→b→d→b never ends unless b also goes on
    with pytest.raises(FlowDefinitionError, match="无法到达任何结束环节"):
        small_flow(steps=steps, transitions=(Transition("a", "b"), Transition("b", "d"), Transition("d", "b")), terminals=("c",))
    with pytest.raises(FlowDefinitionError, match="从起始环节无法到达"):
        small_flow(steps=steps, transitions=(Transition("a", "c"), Transition("b", "d"), Transition("d", "b")))


def test_signature_identifies_a_definition():
    assert flows.signature("penalty") == flows.signature(FLOWS["penalty"])
    assert len({flows.signature(key) for key in FLOWS}) == len(FLOWS)
    base = small_flow()
    longer = small_flow(steps=(Step("a", "甲", "officer", "依据"), Step("b", "乙", "officer", "依据"),
                               Step("c", "丙", "officer", "依据", time_limit=TimeLimit(days=5, from_step="a", citation="某法"))))
    assert flows.signature(base) != flows.signature(longer)


def test_definitions_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        FLOWS["penalty"].steps[0].name = "改名"  # type: ignore[misc]


# --- documents and AV activities ------------------------------------------------------------------------------

@pytest.mark.req("REC-02")
def test_every_document_named_by_a_step_exists_and_every_document_is_produced_somewhere():
    for flow in FLOWS.values():
        for step in flow.steps:
            for code in step.documents:
                document = documents.get(code)
                assert document is not None and flow.act_kind in document.act_kinds, (flow.key, step.key, code)
    for code, document in documents.DOCUMENTS.items():
        assert document.steps, f"{code} is produced by no flow step"
    assert ("penalty", "penalty_decision") in documents.produced_at("CFJDS")


@pytest.mark.req("REC-03")
def test_av_activities_are_on_the_default_av_list():
    defaults = importlib.import_module("sanxiang.records.migrations.0003_r4_default_av_rules")
    known = {row[0] for row in defaults.DEFAULT_RULES}
    used = {step.av_activity for flow in FLOWS.values() for step in flow.steps if step.av_activity}
    assert used and used <= known, used - known
    assert {s.av_activity for s in FLOWS["coercion_measure"].steps if s.key in ("present", "record", "inventory")} == {"seizure"}


# --- time limits follow the statutes ------------------------------------------------------------------------

@pytest.mark.req("LAW-03")
def test_penalty_decision_within_90_days_of_filing():
    for step in ("penalty_decision", "no_penalty_decision", "withdraw_case"):
        t = limit("penalty", step)
        assert (t.days, t.working_days, t.from_step, t.relation) == (90, False, "file", "within")
        assert "第六十条" in t.citation
    assert FLOWS["penalty"].step("penalty_decision").time_limit_text(FLOWS["penalty"]) == "自立案之日起90日内"


@pytest.mark.req("LAW-05")
def test_hearing_request_5_working_days_and_notice_7_working_days_before():
    t = limit("penalty", "statement")
    assert (t.days, t.working_days, t.from_step, t.relation) == (5, True, "prior_notice", "within")
    assert "第六十四条第（一）项" in t.citation and "第八十五条" in t.citation
    t = limit("penalty", "hearing_notice")
    assert (t.days, t.working_days, t.from_step, t.relation) == (7, True, "hearing", "before")
    assert "第六十四条第（二）项" in t.citation
    assert FLOWS["penalty"].step("hearing_notice").time_limit_text(FLOWS["penalty"]) == "举行听证7个工作日前"


@pytest.mark.req("LAW-07")
def test_delivery_7_working_days_and_payment_15_days():
    t = limit("penalty", "deliver")
    assert (t.days, t.working_days) == (7, True) and "第六十一条" in t.citation
    t = limit("penalty", "execute")
    assert (t.days, t.working_days, t.from_step) == (15, False, "deliver") and "第六十七条" in t.citation
    assert "3%" in FLOWS["penalty"].step("execute").note  # 第七十二条 late surcharge


@pytest.mark.req("LAW-09")
def test_preservation_seizure_and_emergency_limits():
    t = limit("penalty", "preserve_decision")
    assert (t.days, t.working_days, t.from_step) == (7, True, "preserve") and "第五十六条" in t.citation
    t = limit("coercion_measure", "custody")
    assert (t.days, t.working_days, t.extension_days, t.from_step) == (30, False, 30, "decision")
    assert "第二十五条" in t.citation
    t = limit("coercion_measure", "emergency_report")
    assert (t.hours, t.days, t.from_step) == (24, 0, "present") and "第十九条" in t.citation
    measure = FLOWS["coercion_measure"]
    assert measure.step("emergency_report").time_limit_text(measure) == "自当场实施时起24小时内"


@pytest.mark.req("LAW-10")
def test_short_statutory_periods_count_working_days():
    # XZCFF 85: 二、三、五、七日 are working days; XZQZF 69: periods up to ten days; XZXKF 82: all licensing periods.
    for flow in FLOWS.values():
        for step in flow.steps:
            t = step.time_limit
            if t is None or t.hours:
                continue
            if "《行政处罚法》" in t.citation and t.days in (2, 3, 5, 7):
                assert t.working_days, (flow.key, step.key)
            if "《行政强制法》" in t.citation and t.days <= 10:
                assert t.working_days, (flow.key, step.key)
            if "《行政许可法》" in t.citation:
                assert t.working_days, (flow.key, step.key)
    assert limit("coercion_execution", "apply_court").working_days  # 催告书送达十日后 (XZQZF 54, 69)


def test_licensing_limits():
    for step in ("accept", "reject", "correction"):
        t = limit("license", step)
        assert (t.days, t.working_days, t.from_step) == (5, True, "apply") and "第三十二条" in t.citation
    for step in ("grant", "deny"):
        t = limit("license", step)
        assert (t.days, t.working_days, t.extension_days, t.from_step) == (20, True, 10, "accept")
        assert "第四十二条" in t.citation
    t = limit("license", "deliver")
    assert (t.days, t.working_days, t.from_step) == (10, True, "grant") and "第四十四条" in t.citation
    assert limit("license", "hearing_request").days == 5
    assert limit("license", "hearing").days == 20


@pytest.mark.req("REV-06")
def test_legal_review_5_working_days_plus_10():
    t = limit("penalty", "legal_review")
    assert (t.days, t.working_days, t.extension_days) == (5, True, 10)


@pytest.mark.req("REC-08")
def test_archive_within_30_days_of_delivery():
    t = limit("penalty", "archive")
    assert (t.days, t.working_days, t.from_step) == (30, False, "deliver")


@pytest.mark.req("PUB-12")
def test_publication_limits():
    assert limit("license", "publish").days == 7 and limit("license", "publish").working_days
    assert limit("inspection", "publish").days == 20 and limit("inspection", "publish").from_step == "inspect"


def test_docs_describe_every_flow_and_guard():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / "docs" / "flows.md").read_text(encoding="utf-8")
    for key, flow in FLOWS.items():
        assert f"`{key}`" in text, key
        for step in flow.steps:
            assert f"`{step.key}`" in text, (key, step.key)
    for name in flows.GUARDS:
        assert f"`{name}`" in text, name
