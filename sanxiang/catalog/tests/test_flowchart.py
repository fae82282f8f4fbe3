"""Flowcharts: the drawn edges are exactly the workflow's transitions (REV-10), labels are escaped, PNG is real."""

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from sanxiang.catalog import flowchart, flows
from sanxiang.catalog.flows import FLOWS, Flow, Step, TimeLimit, Transition

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))


def classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def drawn_edges(root: ET.Element) -> list[tuple[str, str]]:
    return [(g.get("data-from"), g.get("data-to")) for g in root.iter(f"{SVG}g") if "edge" in classes(g)]


@pytest.mark.req("REV-10")
@pytest.mark.req("PUB-07")
@pytest.mark.parametrize("key", list(FLOWS))
def test_chart_edges_equal_the_enforced_transitions(key):
    root = parse(flowchart.svg_for(key))
    edges = drawn_edges(root)
    assert len(edges) == len(set(edges)), "an edge is drawn twice"
    assert set(edges) == flows.transitions(key)
    steps = [g.get("data-step") for g in root.iter(f"{SVG}g") if "step" in classes(g)]
    assert sorted(steps) == sorted(s.key for s in FLOWS[key].steps)


@pytest.mark.req("REV-10")
def test_a_changed_definition_changes_the_chart():
    """The chart is drawn from the definitions, not kept beside them: a new transition appears as a new edge."""
    base = FLOWS["coercion_execution"]
    changed = Flow(key="changed", act_kind=base.act_kind, name=base.name, summary=base.summary, basis=base.basis,
                   steps=base.steps, start=base.start, terminals=base.terminals,
                   transitions=(*base.transitions, Transition("statement", "surcharge", "monetary_surcharge")))
    root = parse(flowchart.render_svg(flowchart.compute_layout(changed)))
    assert set(drawn_edges(root)) == base.edges() | {("statement", "surcharge")}


@pytest.mark.req("PUB-07")
@pytest.mark.parametrize("key", list(FLOWS))
def test_edges_run_from_their_source_to_their_target_without_crossing_other_boxes(key):
    layout = flowchart.layout_for(key)
    boxes = {n.key: n for n in layout.nodes}
    for edge in layout.edges:
        source, target = boxes[edge.source], boxes[edge.target]
        (x0, y0), (x1, y1) = edge.points[0], edge.points[-1]
        assert x0 == pytest.approx(source.x, abs=0.2) and y0 == pytest.approx(source.port_y, abs=0.2)
        assert y1 == pytest.approx(target.y, abs=0.2)
        assert target.x - target.w / 2 < x1 < target.x + target.w / 2
        for (ax, ay), (bx, by) in zip(edge.points, edge.points[1:], strict=False):
            assert ax == bx or ay == by, "edges are drawn with horizontal and vertical segments"
            for node in layout.nodes:
                if node.key in (edge.source, edge.target):
                    continue
                left, right, top, bottom = node.x - node.w / 2, node.x + node.w / 2, node.y, node.y + node.h
                crosses = (min(ax, bx) < right and max(ax, bx) > left and min(ay, by) < bottom and max(ay, by) > top)
                assert not crosses, f"{edge.source}→{edge.target} crosses {node.key}"


def test_branches_get_decision_diamonds_and_loops_are_back_edges():
    root = parse(flowchart.svg_for("penalty"))
    diamonds = {g.get("data-step") for g in root.iter(f"{SVG}g") if "decision" in classes(g)}
    branching = {s.key for s in FLOWS["penalty"].steps if len(FLOWS["penalty"].outgoing(s.key)) > 1}
    assert diamonds == branching
    back = {(g.get("data-from"), g.get("data-to")) for g in root.iter(f"{SVG}g") if "back" in classes(g)}
    assert ("preserve_decision", "investigate") in back
    assert ("legal_review", "investigate") in back
    assert ("file", "investigate") not in back
    # the chart shows the time limits and the basis of each step, and a legend
    text = "".join(root.itertext())
    assert "自立案之日起90日内" in text and "《行政处罚法》第六十一条" in text
    assert "退回、循环" in text and "条件判断" in text


def test_svg_is_accessible_and_standalone():
    svg = flowchart.svg_for("license")
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "行政许可流程图"
    inline = flowchart.svg_for("license", standalone=False)
    assert inline.startswith("<svg")


def test_labels_are_escaped():
    evil = '<script>alert("x")</script> & \'引号\''
    flow = Flow(
        key="evil", act_kind="other", name=evil, summary=evil, basis=(evil,), start="a", terminals=("b", "c"),
        steps=(Step("a", evil, "officer", evil, branch=evil,
                    time_limit=TimeLimit(days=3, working_days=True, from_step="a", citation=evil, from_label=evil)),
               Step("b", "乙<b>", "officer", "依据&"), Step("c", "丙", "officer", "依据")),
        transitions=(Transition("a", "b", "review_required"), Transition("a", "c", "penalty_intended_no_review")),
    )
    layout = flowchart.compute_layout(flow)
    svg = flowchart.render_svg(layout)
    assert "<script>" not in svg and "<b>" not in svg
    root = parse(svg)  # valid XML
    assert root.find(f"{SVG}title").text == evil + "流程图"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert evil[:10] in "".join(t for t in texts if t)
    assert any(t and t.startswith("乙<b>") for t in texts)
    assert flowchart.render_png(layout, scale=1).startswith(b"\x89PNG")


@pytest.mark.req("PUB-07")
@pytest.mark.parametrize("key", ["penalty", "coercion_measure", "levy"])
def test_png_is_a_real_png_of_useful_size(key):
    data = flowchart.png_for(key)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    image.verify()
    image = Image.open(io.BytesIO(data))
    layout = flowchart.layout_for(key)
    assert image.format == "PNG"
    assert image.size == (round(layout.width * 2), round(layout.height * 2))
    assert image.size[0] >= 1000 and image.size[1] >= 800
    # not blank: several colours drawn
    colours = image.convert("RGB").resize((200, 200)).getcolors(maxcolors=100_000)
    assert len(colours) > 20


def test_missing_font_gives_a_clear_error(monkeypatch):
    monkeypatch.setenv("SANXIANG_CJK_FONT", "/nonexistent/font.ttc")
    monkeypatch.setattr(flowchart, "FONT_CANDIDATES", ("/nonexistent/NotoSansCJK-Regular.ttc",))
    monkeypatch.setattr(flowchart.shutil, "which", lambda name: None)
    flowchart.find_cjk_font.cache_clear()
    try:
        with pytest.raises(flowchart.FontMissing, match="fonts-noto-cjk"):
            flowchart.find_cjk_font()
    finally:
        flowchart.find_cjk_font.cache_clear()


def test_the_noto_cjk_simplified_chinese_face_is_found():
    path, index = flowchart.find_cjk_font()
    from PIL import ImageFont

    family, _style = ImageFont.truetype(path, 12, index=index).getname()
    assert "CJK SC" in family


def test_wrap_keeps_punctuation_with_its_text():
    lines = flowchart.wrap("时限：自受理之日起20个工作日内（经批准可延长10个工作日）", 190, 11.5)
    assert all(not line.endswith("（") for line in lines)
    assert all(not line.startswith(("，", "）", "、")) for line in lines)
    assert "".join(lines) == "时限：自受理之日起20个工作日内（经批准可延长10个工作日）"
    short = flowchart.wrap("甲" * 100, 50, 10, max_lines=2)
    assert len(short) == 2 and short[-1].endswith("…")
