"""Flowcharts (执法流程图, PUB-07, REV-10) drawn from the flow definitions of :mod:`sanxiang.catalog.flows`.

The layout is computed once per flow into a :class:`Layout` (plain numbers and text), then rendered
twice from the same structure: :func:`render_svg` (text, for the public pages) and :func:`render_png`
(Pillow, for print, with the Noto CJK font of Debian's ``fonts-noto-cjk``).

Layout: top to bottom. Back edges (loops: a step that returns to an earlier one) are found by a
depth-first walk from the start; the remaining edges form a DAG whose steps are put in layers by
longest path. Edges that skip layers pass through invisible waypoints, so they never cross a box.
Within a layer, steps are ordered by the barycentre of their neighbours and spread side by side;
horizontal positions pull each step towards its neighbours (isotonic regression keeps the order and
the spacing). A step with several ways on gets a decision diamond under its box; each way is one edge
from the diamond, labelled with its guard's short text. Back edges run up a lane on the right, dashed.

Every edge is one SVG element ``<g class="edge" data-from="…" data-to="…">`` — exactly the pairs of
:func:`sanxiang.catalog.flows.transitions`, which the case workflow enforces; a test parses the SVG
and compares (REV-10). Every label is XML-escaped.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from sanxiang.catalog import flows as flow_defs
from sanxiang.catalog.flows import Flow

__all__ = ["FontMissing", "Layout", "compute_layout", "find_cjk_font", "layout_for", "png_for", "render_png",
           "render_svg", "svg_for"]

# Geometry (SVG user units = CSS px).
MARGIN = 24
TITLE_H = 64
BOX_W = 210
BOX_PAD = 10
NAME_SIZE = 15
NAME_LH = 20
SMALL_SIZE = 11.5
SMALL_LH = 16
NODE_SEP = 40
DUMMY_W = 14
DIAMOND_W = 124
DIAMOND_H = 48
DIAMOND_GAP = 14
LABEL_SIZE = 11.5
TRACK_SP = 17
GAP_MIN = 34
LANE_MARGIN = 26
LANE_SP = 16
PORT_SP = 14
LEGEND_H = 86
MAX_BASIS_LINES = 3

FONT_FAMILY = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif"

COLORS = {
    "step_fill": "#f3f7fb", "step_stroke": "#2d5b8a", "terminal_fill": "#e8f4ea", "terminal_stroke": "#2f6b3a",
    "decision_fill": "#fff5dc", "decision_stroke": "#a8740c", "edge": "#3a4a5c", "back": "#a23b3b",
    "name": "#10243a", "actor": "#3f4f60", "limit": "#8a2b00", "basis": "#4f5b66", "label": "#1f2f3f",
    "title": "#10243a", "subtitle": "#4f5b66", "start": "#2d5b8a",
}

CLOSING_PUNCTUATION = "，。、；：）》」』】？！…"
OPENING_PUNCTUATION = "（《「『【"


def text_width(text: str, size: float) -> float:
    """Estimated advance width: CJK and full-width characters are one em, others about half an em."""
    width = 0.0
    for ch in text:
        code = ord(ch)
        if code >= 0x2E80 or 0xFF00 <= code <= 0xFFEF:
            width += 1.0
        elif ch in "il.,:;'|!()[] ":
            width += 0.32
        elif ch.isupper() or ch in "mw%":
            width += 0.68
        else:
            width += 0.56
    return width * size


def wrap(text: str, width: float, size: float, max_lines: int = 0) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (any character boundary; closing punctuation never starts a line)."""
    lines: list[str] = []
    current = ""
    for ch in text:
        if current and text_width(current + ch, size) > width:
            if (ch in CLOSING_PUNCTUATION or current[-1] in OPENING_PUNCTUATION) and len(current) > 1:
                lines.append(current[:-1])
                current = current[-1] + ch
            else:
                lines.append(current)
                current = ch
        else:
            current += ch
    if current:
        lines.append(current)
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and text_width(last + "…", size) > width:
            last = last[:-1]
        lines[-1] = last + "…"
    return lines


@dataclass
class TextLine:
    text: str
    x: float
    y: float  # baseline
    size: float
    color: str
    bold: bool = False
    anchor: str = "middle"  # start | middle | end


@dataclass
class NodeBox:
    key: str
    x: float  # centre
    y: float  # top
    w: float
    h: float
    lines: list[TextLine]
    optional: bool = False
    terminal: bool = False
    start: bool = False
    diamond: tuple[float, float, float, float] | None = None  # centre x, top y, width, height
    diamond_text: str = ""

    @property
    def port_y(self) -> float:
        if self.diamond:
            return self.diamond[1] + self.diamond[3]
        return self.y + self.h


@dataclass
class EdgePath:
    source: str
    target: str
    guard: str
    points: list[tuple[float, float]]
    back: bool = False
    label: str = ""
    label_at: tuple[float, float] = (0.0, 0.0)
    label_anchor: str = "start"


@dataclass
class Layout:
    """A flowchart's geometry, computed once and rendered to SVG and PNG."""

    key: str
    title: str
    subtitle: str
    summary: str
    width: float
    height: float
    nodes: list[NodeBox]
    edges: list[EdgePath]
    legend_y: float
    step_names: dict[str, str] = field(default_factory=dict)


# --- Layout -----------------------------------------------------------------------------------------------

def _back_edges(flow: Flow) -> set[tuple[str, str]]:
    """Edges that close a cycle, found by a depth-first walk from the start in definition order."""
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done

    def visit(key: str) -> None:
        state[key] = 1
        for t in flow.outgoing(key):
            s = state.get(t.target, 0)
            if s == 1:
                back.add((t.source, t.target))
            elif s == 0:
                visit(t.target)
        state[key] = 2

    visit(flow.start)
    return back


def _layers(flow: Flow, forward: list[tuple[str, str]]) -> dict[str, int]:
    preds: dict[str, list[str]] = {s.key: [] for s in flow.steps}
    for a, b in forward:
        preds[b].append(a)
    layer: dict[str, int] = {}

    def depth(key: str) -> int:
        if key not in layer:
            layer[key] = 1 + max((depth(p) for p in preds[key]), default=-1)
        return layer[key]

    for step in flow.steps:
        depth(step.key)
    return layer


def _isotonic_place(desired: list[float], widths: list[float]) -> list[float]:
    """Centres closest (least squares) to ``desired`` keeping the order and at least NODE_SEP between neighbours."""
    n = len(desired)
    offsets = [0.0] * n
    for i in range(1, n):
        offsets[i] = offsets[i - 1] + widths[i - 1] / 2 + NODE_SEP + widths[i] / 2
    values = [d - o for d, o in zip(desired, offsets, strict=True)]
    blocks: list[list[float]] = []  # [sum, count]
    for v in values:
        blocks.append([v, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            s, c = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += c
    fitted: list[float] = []
    for s, c in blocks:
        fitted.extend([s / c] * int(c))
    return [f + o for f, o in zip(fitted, offsets, strict=True)]


def _straighten(chains: dict, rows: list[list[str]], x: dict[str, float], widths: dict[str, float]) -> None:
    """Put the waypoints of each long edge on one vertical line where the neighbours in their rows leave room."""
    row_of = {k: (r, i) for r, row in enumerate(rows) for i, k in enumerate(row)}

    def fits(key: str, value: float) -> bool:
        r, i = row_of[key]
        row = rows[r]
        if i > 0 and x[row[i - 1]] + widths[row[i - 1]] / 2 + NODE_SEP / 2 + widths[key] / 2 > value:
            return False
        if i < len(row) - 1 and x[row[i + 1]] - widths[row[i + 1]] / 2 - NODE_SEP / 2 - widths[key] / 2 < value:
            return False
        return True

    for chain in sorted(chains.values(), key=len, reverse=True):
        dummies = chain[1:-1]
        if len(dummies) < 2:
            continue
        values = sorted(x[d] for d in dummies)
        for candidate in (values[len(values) // 2], x[chain[0]], x[chain[-1]], values[0], values[-1]):
            if all(fits(d, candidate) for d in dummies):
                for d in dummies:
                    x[d] = candidate
                break


def _node_lines(flow: Flow, step) -> tuple[list[tuple[str, float, str, bool]], float]:
    """The text lines of a step box (text, size, colour, bold) and the box height."""
    inner = BOX_W - 2 * BOX_PAD
    rows: list[tuple[str, float, str, bool]] = []
    for line in wrap(step.name, inner, NAME_SIZE):
        rows.append((line, NAME_SIZE, COLORS["name"], True))
    rows.append((step.actor_name, SMALL_SIZE, COLORS["actor"], False))
    limit = step.time_limit_text(flow)
    if limit:
        for line in wrap("时限：" + limit, inner, SMALL_SIZE, max_lines=3):
            rows.append((line, SMALL_SIZE, COLORS["limit"], True))
    for line in wrap("依据：" + step.basis, inner, SMALL_SIZE, max_lines=MAX_BASIS_LINES):
        rows.append((line, SMALL_SIZE, COLORS["basis"], False))
    height = 2 * BOX_PAD + sum(NAME_LH if size == NAME_SIZE else SMALL_LH for _, size, _, _ in rows)
    return rows, height


def compute_layout(flow: Flow) -> Layout:
    back = _back_edges(flow)
    forward = [(t.source, t.target) for t in flow.transitions if (t.source, t.target) not in back]
    layer_of = _layers(flow, forward)
    n_layers = max(layer_of.values()) + 1
    step_order = {s.key: i for i, s in enumerate(flow.steps)}

    # Nodes per layer, with dummy waypoints for forward edges that skip layers.
    widths: dict[str, float] = {s.key: BOX_W for s in flow.steps}
    chains: dict[tuple[str, str], list[str]] = {}
    rows: list[list[str]] = [[] for _ in range(n_layers)]
    for step in flow.steps:
        rows[layer_of[step.key]].append(step.key)
    up: dict[str, list[str]] = {k: [] for k in widths}
    down: dict[str, list[str]] = {k: [] for k in widths}
    for a, b in forward:
        chain = [a]
        for layer in range(layer_of[a] + 1, layer_of[b]):
            dummy = f"~{a}>{b}@{layer}"
            widths[dummy] = DUMMY_W
            up[dummy], down[dummy] = [], []
            rows[layer].append(dummy)
            step_order[dummy] = step_order[a] + 0.5
            chain.append(dummy)
        chain.append(b)
        chains[(a, b)] = chain
        for u, v in zip(chain, chain[1:], strict=False):
            down[u].append(v)
            up[v].append(u)

    for row in rows:
        row.sort(key=lambda k: step_order[k])
    position = {k: i for row in rows for i, k in enumerate(row)}

    def sweep(row: list[str], neighbours: dict[str, list[str]]) -> None:
        def key(k: str) -> float:
            ns = neighbours[k]
            return sum(position[n] for n in ns) / len(ns) if ns else position[k]
        row.sort(key=key)
        for i, k in enumerate(row):
            position[k] = i

    for _ in range(4):
        for row in rows[1:]:
            sweep(row, up)
        for row in reversed(rows[:-1]):
            sweep(row, down)
    for row in rows[1:]:
        sweep(row, up)

    # Horizontal positions.
    x: dict[str, float] = {}
    for row in rows:
        placed = _isotonic_place([0.0] * len(row), [widths[k] for k in row])
        mean = sum(placed) / len(placed)
        for k, v in zip(row, placed, strict=True):
            x[k] = v - mean

    def relax(row: list[str], neighbours: dict[str, list[str]]) -> None:
        desired = [sum(x[n] for n in neighbours[k]) / len(neighbours[k]) if neighbours[k] else x[k] for k in row]
        for k, v in zip(row, _isotonic_place(desired, [widths[k] for k in row]), strict=True):
            x[k] = v

    for _ in range(6):
        for row in rows[1:]:
            relax(row, up)
        for row in reversed(rows[:-1]):
            relax(row, down)
    for row in rows[1:]:
        relax(row, up)
    _straighten(chains, rows, x, widths)
    left = min(x[k] - widths[k] / 2 for k in x)
    for k in x:
        x[k] += MARGIN - left
    content_right = max(x[k] + widths[k] / 2 for k in x)

    # Node boxes and layer heights.
    step_lines = {s.key: _node_lines(flow, s) for s in flow.steps}
    branching = {s.key for s in flow.steps if len(flow.outgoing(s.key)) > 1}
    layer_h = []
    for row in rows:
        h = 0.0
        for k in row:
            if k in step_lines:
                h = max(h, step_lines[k][1] + (DIAMOND_GAP + DIAMOND_H if k in branching else 0))
        layer_h.append(h)

    # Edge segments per gap (gap g lies above layer g; gap n_layers below the last layer).
    back_list = [t for t in flow.transitions if (t.source, t.target) in back]
    back_list.sort(key=lambda t: (layer_of[t.source] - layer_of[t.target], step_order[t.source]))
    lane_x = {(t.source, t.target): content_right + LANE_MARGIN + i * LANE_SP for i, t in enumerate(back_list)}

    # In-ports: spread the edges arriving at a step across the top of its box.
    arrivals: dict[str, list[tuple[float, tuple[str, str]]]] = {s.key: [] for s in flow.steps}
    for (a, b), chain in chains.items():
        arrivals[b].append((x[chain[-2]], (a, b)))
    for t in back_list:
        arrivals[t.target].append((lane_x[(t.source, t.target)] + 10_000, (t.source, t.target)))
    in_port: dict[tuple[str, str], float] = {}
    for key, items in arrivals.items():
        items.sort()
        n = len(items)
        for i, (_, edge) in enumerate(items):
            in_port[edge] = x[key] + (i - (n - 1) / 2) * PORT_SP

    # Horizontal runs per gap: (edge, from x, to x).
    runs: dict[int, list[tuple[tuple[str, str], float, float]]] = {g: [] for g in range(n_layers + 1)}
    for (a, b), chain in chains.items():
        for i in range(len(chain) - 1):
            x_from = x[chain[i]]
            x_to = in_port[(a, b)] if i == len(chain) - 2 else x[chain[i + 1]]
            runs[layer_of[a] + i + 1].append(((a, b), x_from, x_to))
    for t in back_list:
        edge = (t.source, t.target)
        runs[layer_of[t.source] + 1].append((edge, x[t.source], lane_x[edge]))
        runs[layer_of[t.target]].append((edge, lane_x[edge], in_port[edge]))
    track: dict[tuple[int, tuple[str, str]], int] = {}
    gap_h = []
    for g in range(n_layers + 1):
        items = [r for r in runs[g] if abs(r[2] - r[1]) > 0.5]
        items.sort(key=lambda r: (r[1], -abs(r[2] - r[1])))
        for i, (edge, _, _) in enumerate(items):
            track[(g, edge)] = i
        gap_h.append(max(GAP_MIN, (len(items) + 1) * TRACK_SP + 6))
    if not runs[0]:
        gap_h[0] = 12

    # Vertical positions.
    layer_y = []
    y = TITLE_H + gap_h[0]
    for g in range(n_layers):
        layer_y.append(y)
        y += layer_h[g] + gap_h[g + 1]
    legend_y = y + 4

    def track_y(g: int, edge: tuple[str, str]) -> float:
        top = TITLE_H if g == 0 else layer_y[g - 1] + layer_h[g - 1]
        if (g, edge) in track:
            return top + (track[(g, edge)] + 1) * TRACK_SP
        return top + gap_h[g] / 2

    nodes: list[NodeBox] = []
    by_key: dict[str, NodeBox] = {}
    for step in flow.steps:
        rows_text, h = step_lines[step.key]
        top = layer_y[layer_of[step.key]]
        lines = []
        ty = top + BOX_PAD
        for text, size, color, bold in rows_text:
            ty += NAME_LH if size == NAME_SIZE else SMALL_LH
            lines.append(TextLine(text, x[step.key], ty - (5 if size == NAME_SIZE else 4), size, color, bold))
        node = NodeBox(step.key, x[step.key], top, BOX_W, h, lines, optional=step.optional,
                       terminal=step.key in flow.terminals, start=step.key == flow.start)
        if step.key in branching:
            node.diamond = (x[step.key], top + h + DIAMOND_GAP, DIAMOND_W, DIAMOND_H)
            node.diamond_text = step.branch or "条件判断"
        nodes.append(node)
        by_key[step.key] = node

    edges: list[EdgePath] = []
    for t in flow.transitions:
        edge = (t.source, t.target)
        source = by_key[t.source]
        target = by_key[t.target]
        points = [(source.x, source.port_y)]
        if edge in back:
            g_out = layer_of[t.source] + 1
            y_out = track_y(g_out, edge)
            y_in = track_y(layer_of[t.target], edge)
            points += [(source.x, y_out), (lane_x[edge], y_out), (lane_x[edge], y_in), (in_port[edge], y_in),
                       (in_port[edge], target.y)]
            first_run = (source.x, lane_x[edge], y_out)
        else:
            chain = chains[edge]
            first_run = None
            for i in range(len(chain) - 1):
                g = layer_of[t.source] + i + 1
                ty_ = track_y(g, edge)
                x_from = x[chain[i]]
                x_to = in_port[edge] if i == len(chain) - 2 else x[chain[i + 1]]
                points += [(x_from, ty_), (x_to, ty_)]
                if first_run is None:
                    first_run = (x_from, x_to, ty_)
                if i < len(chain) - 2:
                    # pass through the waypoint's layer
                    points.append((x_to, layer_y[g] + layer_h[g]))
            points.append((in_port[edge], target.y))
        path = _simplify(points)
        label = t.label
        x_from, x_to, ly = first_run
        if x_to > x_from + 0.5:
            label_at, anchor = (x_from + 6, ly - 4), "start"
        elif x_to < x_from - 0.5:
            label_at, anchor = (x_from - 6, ly - 4), "end"
        else:
            label_at, anchor = (x_from + 6, ly - 2), "start"
        edges.append(EdgePath(t.source, t.target, t.guard, path, back=edge in back, label=label,
                              label_at=label_at, label_anchor=anchor))

    width = max(content_right + LANE_MARGIN + len(back_list) * LANE_SP + MARGIN, 640)
    height = legend_y + LEGEND_H
    return Layout(
        key=flow.key, title=f"{flow.name}流程图", subtitle="依据：" + "；".join(flow.basis), summary=flow.summary,
        width=round(width), height=round(height), nodes=nodes, edges=edges, legend_y=legend_y,
        step_names={s.key: s.name for s in flow.steps},
    )


def _simplify(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop repeated points and points in the middle of a straight run."""
    out: list[tuple[float, float]] = []
    for p in points:
        p = (round(p[0], 1), round(p[1], 1))
        if out and out[-1] == p:
            continue
        if len(out) >= 2:
            (x1, y1), (x2, y2) = out[-2], out[-1]
            if (x1 == x2 == p[0]) or (y1 == y2 == p[1]):
                out[-1] = p
                continue
        out.append(p)
    return out


@functools.cache
def layout_for(key: str) -> Layout:
    """The layout of a built-in flow (computed once per process)."""
    return compute_layout(flow_defs.FLOWS[key])


# --- SVG ---------------------------------------------------------------------------------------------------

def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _svg_text(line: TextLine, cls: str = "") -> str:
    weight = ' font-weight="700"' if line.bold else ""
    klass = f' class="{cls}"' if cls else ""
    return (f'<text x="{_num(line.x)}" y="{_num(line.y)}" font-size="{_num(line.size)}" fill="{line.color}"'
            f' text-anchor="{line.anchor}"{weight}{klass}>{escape(line.text)}</text>')


def _diamond_points(cx: float, top: float, w: float, h: float) -> list[tuple[float, float]]:
    return [(cx, top), (cx + w / 2, top + h / 2), (cx, top + h), (cx - w / 2, top + h / 2)]


def render_svg(layout: Layout, *, standalone: bool = True) -> str:
    """The flowchart as SVG text. ``standalone`` adds the XML declaration (for the .svg file)."""
    prefix = f"fc-{layout.key}"
    arrow, back_arrow = f"{prefix}-arrow", f"{prefix}-back-arrow"
    out: list[str] = []
    if standalone:
        out.append('<?xml version="1.0" encoding="UTF-8"?>')
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flowchart" data-flow={quoteattr(layout.key)}'
        f' width="{layout.width}" height="{_num(layout.height)}" viewBox="0 0 {layout.width} {_num(layout.height)}"'
        f' role="img" aria-labelledby="{prefix}-title {prefix}-desc" font-family="{FONT_FAMILY}">'
    )
    out.append(f'<title id="{prefix}-title">{escape(layout.title)}</title>')
    out.append(f'<desc id="{prefix}-desc">{escape(layout.summary)}</desc>')
    out.append("<defs>")
    for marker_id, color in ((arrow, COLORS["edge"]), (back_arrow, COLORS["back"])):
        out.append(f'<marker id="{marker_id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"'
                   f' orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{color}"/></marker>')
    out.append("</defs>")
    out.append(f'<rect x="0" y="0" width="{layout.width}" height="{_num(layout.height)}" fill="#ffffff"/>')
    out.append(_svg_text(TextLine(layout.title, MARGIN, 30, 20, COLORS["title"], True, "start"), "chart-title"))
    out.append(_svg_text(TextLine(layout.subtitle, MARGIN, 50, 12, COLORS["subtitle"], False, "start"), "chart-subtitle"))

    out.append('<g class="edges" fill="none">')
    for e in layout.edges:
        d = "M" + " L".join(f"{_num(px)},{_num(py)}" for px, py in e.points)
        stroke = COLORS["back"] if e.back else COLORS["edge"]
        dash = ' stroke-dasharray="6 4"' if e.back else ""
        klass = "edge back" if e.back else "edge"
        out.append(
            f'<g class="{klass}" data-from={quoteattr(e.source)} data-to={quoteattr(e.target)} data-guard={quoteattr(e.guard)}>'
            f'<title>{escape(layout.step_names[e.source])} → {escape(layout.step_names[e.target])}'
            f'{escape("：" + e.label) if e.label else ""}</title>'
            f'<path d="{d}" stroke="{stroke}" stroke-width="1.5"{dash}'
            f' marker-end="url(#{back_arrow if e.back else arrow})"/></g>'
        )
    out.append("</g>")

    out.append('<g class="nodes">')
    for n in layout.nodes:
        klass = "step" + (" optional" if n.optional else "") + (" terminal" if n.terminal else "") + (" start" if n.start else "")
        fill = COLORS["terminal_fill"] if n.terminal else COLORS["step_fill"]
        stroke = COLORS["terminal_stroke"] if n.terminal else COLORS["step_stroke"]
        width = "2.6" if n.terminal or n.start else "1.4"
        dash = ' stroke-dasharray="6 4"' if n.optional else ""
        out.append(f'<g class="{klass}" data-step={quoteattr(n.key)} id={quoteattr(f"{prefix}-step-{n.key}")}>')
        out.append(f'<rect x="{_num(n.x - n.w / 2)}" y="{_num(n.y)}" width="{_num(n.w)}" height="{_num(n.h)}" rx="8"'
                   f' fill="{fill}" stroke="{stroke}" stroke-width="{width}"{dash}/>')
        out.extend(_svg_text(line) for line in n.lines)
        out.append("</g>")
        if n.start:
            out.append(f'<g class="start-marker"><rect x="{_num(n.x - 26)}" y="{_num(n.y - 22)}" width="52" height="18" rx="9"'
                       f' fill="{COLORS["start"]}"/>'
                       + _svg_text(TextLine("开始", n.x, n.y - 8.5, 11.5, "#ffffff", True)) + "</g>")
        if n.diamond:
            cx, top, w, h = n.diamond
            pts = " ".join(f"{_num(px)},{_num(py)}" for px, py in _diamond_points(cx, top, w, h))
            out.append(f'<g class="decision" data-step={quoteattr(n.key)}>'
                       f'<path d="M{_num(cx)},{_num(n.y + n.h)} L{_num(cx)},{_num(top - 1)}" stroke="{COLORS["edge"]}"'
                       f' stroke-width="1.5" fill="none" marker-end="url(#{arrow})"/>'
                       f'<polygon points="{pts}" fill="{COLORS["decision_fill"]}"'
                       f' stroke="{COLORS["decision_stroke"]}" stroke-width="1.4"/>'
                       + _svg_text(TextLine(n.diamond_text, cx, top + h / 2 + 4.5, 12.5, COLORS["name"], True))
                       + "</g>")
    out.append("</g>")

    out.append('<g class="edge-labels">')
    for e in layout.edges:
        if not e.label:
            continue
        color = COLORS["back"] if e.back else COLORS["label"]
        line = TextLine(e.label, e.label_at[0], e.label_at[1], LABEL_SIZE, color, False, e.label_anchor)
        out.append(f'<g class="edge-label" data-from={quoteattr(e.source)} data-to={quoteattr(e.target)}'
                   f' style="paint-order:stroke" stroke="#ffffff" stroke-width="3" stroke-linejoin="round">'
                   + _svg_text(line) + "</g>")
    out.append("</g>")

    out.append(_svg_legend(layout, arrow, back_arrow))
    out.append("</svg>")
    return "\n".join(out)


LEGEND_ITEMS = (
    ("step", "环节（执行主体、时限、依据）"),
    ("optional", "依条件进行的环节"),
    ("terminal", "结束环节"),
    ("decision", "条件判断"),
    ("edge", "流转（标注条件）"),
    ("back", "退回、循环"),
)


def _legend_positions(layout: Layout) -> list[tuple[str, str, float, float]]:
    """(kind, text, x, y) of each legend item, in two rows of three."""
    col_w = max(200.0, (layout.width - 2 * MARGIN) / 3)
    items = []
    for i, (kind, text) in enumerate(LEGEND_ITEMS):
        row, col = divmod(i, 3)
        items.append((kind, text, MARGIN + col * col_w, layout.legend_y + 22 + row * 30))
    return items


def _svg_legend(layout: Layout, arrow: str, back_arrow: str) -> str:
    out = [f'<g class="legend"><line x1="{MARGIN}" y1="{_num(layout.legend_y)}" x2="{layout.width - MARGIN}"'
           f' y2="{_num(layout.legend_y)}" stroke="#c8d0d8" stroke-width="1"/>']
    for kind, text, lx, ly in _legend_positions(layout):
        out.append('<g class="legend-item">')
        if kind in ("step", "optional", "terminal"):
            fill = COLORS["terminal_fill"] if kind == "terminal" else COLORS["step_fill"]
            stroke = COLORS["terminal_stroke"] if kind == "terminal" else COLORS["step_stroke"]
            dash = ' stroke-dasharray="6 4"' if kind == "optional" else ""
            width = "2.6" if kind == "terminal" else "1.4"
            out.append(f'<rect x="{_num(lx)}" y="{_num(ly - 9)}" width="34" height="18" rx="4" fill="{fill}"'
                       f' stroke="{stroke}" stroke-width="{width}"{dash}/>')
        elif kind == "decision":
            pts = " ".join(f"{_num(px)},{_num(py)}" for px, py in _diamond_points(lx + 17, ly - 10, 34, 20))
            out.append(f'<polygon points="{pts}" fill="{COLORS["decision_fill"]}" stroke="{COLORS["decision_stroke"]}"/>')
        else:
            color = COLORS["back"] if kind == "back" else COLORS["edge"]
            dash = ' stroke-dasharray="6 4"' if kind == "back" else ""
            out.append(f'<path d="M{_num(lx)},{_num(ly)} L{_num(lx + 34)},{_num(ly)}" stroke="{color}" stroke-width="1.5"'
                       f' fill="none"{dash} marker-end="url(#{back_arrow if kind == "back" else arrow})"/>')
        out.append(_svg_text(TextLine(text, lx + 44, ly + 4, 12, COLORS["actor"], False, "start")))
        out.append("</g>")
    out.append("</g>")
    return "".join(out)


@functools.cache
def svg_for(key: str, standalone: bool = True) -> str:
    return render_svg(layout_for(key), standalone=standalone)


# --- PNG ---------------------------------------------------------------------------------------------------

class FontMissing(RuntimeError):
    """The Noto CJK font needed to draw Chinese text in PNG files is not installed."""


FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)
MISSING_FONT_MESSAGE = (
    "未找到中文字体 Noto Sans CJK，无法生成流程图 PNG。请安装 Debian 软件包 fonts-noto-cjk"
    "（apt-get install fonts-noto-cjk），或在环境变量 SANXIANG_CJK_FONT 中指定 NotoSansCJK-Regular.ttc 的路径。"
)


@functools.cache
def find_cjk_font(bold: bool = False) -> tuple[str, int]:
    """(path, face index) of Noto Sans CJK SC, regular or bold. Raises :class:`FontMissing`."""
    from PIL import ImageFont

    candidates: list[str] = []
    configured = os.environ.get("SANXIANG_CJK_FONT", "")
    if configured:
        candidates.append(configured.replace("Regular", "Bold") if bold else configured)
        candidates.append(configured)
    if shutil.which("fc-match"):
        pattern = "Noto Sans CJK SC:style=Bold" if bold else "Noto Sans CJK SC:style=Regular"
        try:
            found = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, timeout=10,
                                   check=False).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        if "CJK" in found:
            candidates.append(found)
    for path in FONT_CANDIDATES:
        candidates.append(path.replace("Regular", "Bold") if bold else path)
        candidates.append(path)
    for path in candidates:
        if not path or not os.path.isfile(path):
            continue
        for index in range(12):
            try:
                font = ImageFont.truetype(path, 12, index=index)
            except OSError:
                break
            family, _style = font.getname()
            if family and "CJK SC" in family and "Mono" not in family:
                return path, index
        try:
            ImageFont.truetype(path, 12)
            return path, 0
        except OSError:
            continue
    raise FontMissing(MISSING_FONT_MESSAGE)


def _hex(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def render_png(layout: Layout, scale: float = 2.0) -> bytes:
    """The flowchart as PNG bytes, drawn with Pillow from the same layout as the SVG."""
    from PIL import Image, ImageDraw, ImageFont

    regular_path, regular_index = find_cjk_font(False)
    try:
        bold_path, bold_index = find_cjk_font(True)
    except FontMissing:
        bold_path, bold_index = regular_path, regular_index
    fonts: dict[tuple[float, bool], ImageFont.FreeTypeFont] = {}

    def font(size: float, bold: bool):
        k = (size, bold)
        if k not in fonts:
            path, index = (bold_path, bold_index) if bold else (regular_path, regular_index)
            fonts[k] = ImageFont.truetype(path, max(6, round(size * scale)), index=index)
        return fonts[k]

    s = scale
    image = Image.new("RGB", (round(layout.width * s), round(layout.height * s)), "white")
    draw = ImageDraw.Draw(image)

    def P(px: float, py: float) -> tuple[float, float]:  # noqa: N802
        return px * s, py * s

    def text(line: TextLine, halo: bool = False) -> None:
        anchor = {"start": "ls", "middle": "ms", "end": "rs"}[line.anchor]
        f = font(line.size, line.bold)
        xy = P(line.x, line.y)
        if halo:
            box = draw.textbbox(xy, line.text, font=f, anchor=anchor)
            draw.rectangle((box[0] - 2, box[1] - 1, box[2] + 2, box[3] + 1), fill="white")
        draw.text(xy, line.text, font=f, fill=_hex(line.color), anchor=anchor)

    def polyline(points, color, dashed=False, width=1.5):
        w = max(1, round(width * s))
        pts = [P(*p) for p in points]
        for (x1, y1), (x2, y2) in zip(pts, pts[1:], strict=False):
            if not dashed:
                draw.line((x1, y1, x2, y2), fill=color, width=w)
                continue
            length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
            on, off = 6 * s, 4 * s
            pos = 0.0
            while pos < length:
                end = min(pos + on, length)
                draw.line((x1 + (x2 - x1) * pos / length, y1 + (y2 - y1) * pos / length,
                           x1 + (x2 - x1) * end / length, y1 + (y2 - y1) * end / length), fill=color, width=w)
                pos = end + off
        (xa, ya), (xb, yb) = pts[-2], pts[-1]
        length = max(((xb - xa) ** 2 + (yb - ya) ** 2) ** 0.5, 1e-6)
        ux, uy = (xb - xa) / length, (yb - ya) / length
        size = 7 * s
        draw.polygon([(xb, yb), (xb - ux * size - uy * size * 0.5, yb - uy * size + ux * size * 0.5),
                      (xb - ux * size + uy * size * 0.5, yb - uy * size - ux * size * 0.5)], fill=color)

    def dashed_rect(x0, y0, x1, y1, color, width):
        polyline_plain = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
        w = max(1, round(width * s))
        pts = [P(*p) for p in polyline_plain]
        for (ax, ay), (bx, by) in zip(pts, pts[1:], strict=False):
            length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
            pos = 0.0
            while pos < length:
                end = min(pos + 6 * s, length)
                draw.line((ax + (bx - ax) * pos / length, ay + (by - ay) * pos / length,
                           ax + (bx - ax) * end / length, ay + (by - ay) * end / length), fill=color, width=w)
                pos = end + 4 * s

    text(TextLine(layout.title, MARGIN, 30, 20, COLORS["title"], True, "start"))
    text(TextLine(layout.subtitle, MARGIN, 50, 12, COLORS["subtitle"], False, "start"))
    for e in layout.edges:
        polyline(e.points, _hex(COLORS["back"] if e.back else COLORS["edge"]), dashed=e.back)
    for n in layout.nodes:
        fill = _hex(COLORS["terminal_fill"] if n.terminal else COLORS["step_fill"])
        stroke = _hex(COLORS["terminal_stroke"] if n.terminal else COLORS["step_stroke"])
        width = 2.6 if n.terminal or n.start else 1.4
        box = (*P(n.x - n.w / 2, n.y), *P(n.x + n.w / 2, n.y + n.h))
        if n.optional:
            draw.rounded_rectangle(box, radius=8 * s, fill=fill)
            dashed_rect(n.x - n.w / 2, n.y, n.x + n.w / 2, n.y + n.h, stroke, width)
        else:
            draw.rounded_rectangle(box, radius=8 * s, fill=fill, outline=stroke, width=max(1, round(width * s)))
        for line in n.lines:
            text(line)
        if n.start:
            draw.rounded_rectangle((*P(n.x - 26, n.y - 22), *P(n.x + 26, n.y - 4)), radius=9 * s, fill=_hex(COLORS["start"]))
            text(TextLine("开始", n.x, n.y - 8.5, 11.5, "#ffffff", True))
        if n.diamond:
            cx, top, w, h = n.diamond
            polyline([(cx, n.y + n.h), (cx, top - 1)], _hex(COLORS["edge"]))
            draw.polygon([P(*p) for p in _diamond_points(cx, top, w, h)], fill=_hex(COLORS["decision_fill"]),
                         outline=_hex(COLORS["decision_stroke"]))
            text(TextLine(n.diamond_text, cx, top + h / 2 + 4.5, 12.5, COLORS["name"], True))
    for e in layout.edges:
        if e.label:
            text(TextLine(e.label, e.label_at[0], e.label_at[1], LABEL_SIZE, COLORS["back"] if e.back else COLORS["label"],
                          False, e.label_anchor), halo=True)
    draw.line((*P(MARGIN, layout.legend_y), *P(layout.width - MARGIN, layout.legend_y)), fill=_hex("#c8d0d8"),
              width=max(1, round(s)))
    for kind, label, lx, ly in _legend_positions(layout):
        if kind in ("step", "optional", "terminal"):
            fill = _hex(COLORS["terminal_fill"] if kind == "terminal" else COLORS["step_fill"])
            stroke = _hex(COLORS["terminal_stroke"] if kind == "terminal" else COLORS["step_stroke"])
            if kind == "optional":
                draw.rounded_rectangle((*P(lx, ly - 9), *P(lx + 34, ly + 9)), radius=4 * s, fill=fill)
                dashed_rect(lx, ly - 9, lx + 34, ly + 9, stroke, 1.4)
            else:
                draw.rounded_rectangle((*P(lx, ly - 9), *P(lx + 34, ly + 9)), radius=4 * s, fill=fill, outline=stroke,
                                       width=max(1, round((2.6 if kind == "terminal" else 1.4) * s)))
        elif kind == "decision":
            draw.polygon([P(*p) for p in _diamond_points(lx + 17, ly - 10, 34, 20)], fill=_hex(COLORS["decision_fill"]),
                         outline=_hex(COLORS["decision_stroke"]))
        else:
            polyline([(lx, ly), (lx + 34, ly)], _hex(COLORS["back"] if kind == "back" else COLORS["edge"]), dashed=kind == "back")
        text(TextLine(label, lx + 44, ly + 4, 12, COLORS["actor"], False, "start"))

    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(round(96 * s), round(96 * s)))
    return out.getvalue()


@functools.cache
def png_for(key: str) -> bytes:
    return render_png(layout_for(key))
