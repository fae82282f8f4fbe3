"""Public pages of the flowcharts (执法流程图, PUB-07) and document samples (执法文书样本, PUB-08).

Thin views: the flows and documents are built-in definitions (:mod:`sanxiang.catalog.flows`,
:mod:`sanxiang.catalog.documents`); an agency's published template list is read through
:func:`sanxiang.catalog.selectors.in_force`, which returns published versions only.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from sanxiang.catalog import documents, flowchart, flows, selectors
from sanxiang.catalog.models import ListKind
from sanxiang.catalog.vocab import ActKind
from sanxiang.org import selectors as org_selectors

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _flow_or_404(key: str) -> flows.Flow:
    flow = flows.get(key)
    if flow is None:
        raise Http404("没有这个执法流程")
    return flow


def _document_or_404(code: str) -> documents.Document:
    document = documents.get(code)
    if document is None:
        raise Http404("没有这种执法文书")
    return document


def _public_agency(request):
    """The agency named by ``?agency=`` if it is in the public directory; (agency, bad_input)."""
    raw = request.GET.get("agency", "").strip()
    if not raw:
        return None, False
    if not raw.isdigit() or len(raw) > 12:
        return None, True
    agency = org_selectors.public_directory().filter(pk=int(raw)).first()
    return agency, agency is None


def _attachment(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def _av_names() -> dict[str, tuple[str, str]]:
    """Default AV recording list (音像记录事项清单): activity → (name, requirement label)."""
    from sanxiang.records.models import AVRule

    return {rule.activity: (rule.name, rule.get_requirement_display())
            for rule in AVRule.objects.filter(agency__isnull=True).only("activity", "name", "requirement")}


@require_GET
def flow_index(request):
    groups = []
    for kind in ActKind:
        items = flows.flows_for_act_kind(kind.value)
        if items:
            groups.append({"label": kind.label, "flows": items})
    return render(request, "catalog/public_flows/flow_list.html", {"groups": groups})


@require_GET
def flow_detail(request, key: str):
    flow = _flow_or_404(key)
    av = _av_names()
    steps = []
    for number, step in enumerate(flow.steps, start=1):
        steps.append({
            "number": number,
            "step": step,
            "time_limit": step.time_limit_text(flow),
            "documents": [documents.DOCUMENTS[code] for code in step.documents],
            "av": av.get(step.av_activity, (step.av_activity, "")) if step.av_activity else None,
            "next": [{"target": flow.step(t.target), "transition": t} for t in flow.outgoing(step.key)],
            "terminal": step.key in flow.terminals,
        })
    # The SVG is generated from the built-in definitions with every label XML-escaped (flowchart.render_svg).
    svg = mark_safe(flowchart.svg_for(flow.key, standalone=False))
    return render(request, "catalog/public_flows/flow_detail.html", {"flow": flow, "steps": steps, "svg": svg})


@require_GET
def flow_svg(request, key: str):
    flow = _flow_or_404(key)
    response = HttpResponse(flowchart.svg_for(flow.key), content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(flow.name + '流程图.svg')}"
    return response


@require_GET
def flow_png(request, key: str):
    flow = _flow_or_404(key)
    try:
        data = flowchart.png_for(flow.key)
    except flowchart.FontMissing as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="image/png")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(flow.name + '流程图.png')}"
    return response


@require_GET
def document_index(request):
    agency, bad_agency = _public_agency(request)
    published = []
    if agency is not None:
        for version in selectors.in_force(ListKind.TEMPLATE, agency=agency):
            content = version.content or {}
            document = documents.get(content.get("doc_code", ""))
            act_kinds = [str(ActKind(k).label) for k in content.get("act_kinds", []) if k in ActKind.values]
            published.append({"version": version, "content": content, "document": document, "act_kinds": act_kinds})
    publishing_agencies = (
        selectors.in_force(ListKind.TEMPLATE).order_by()
        .values_list("entry__agency_id", "entry__agency__name").distinct()
    )
    return render(request, "catalog/public_flows/document_list.html", {
        "agency": agency, "bad_agency": bad_agency, "published": published,
        "builtins": list(documents.DOCUMENTS.values()),
        "agencies": org_selectors.public_directory(),
        "publishing_agencies": sorted(set(publishing_agencies), key=lambda row: row[1]),
    })


@require_GET
def document_detail(request, code: str):
    document = _document_or_404(code)
    agency, _bad = _public_agency(request)
    context = documents.preview(document)
    context["agency"] = agency
    context["steps"] = [(flows.FLOWS[f], flows.FLOWS[f].step(s)) for f, s in document.steps]
    return render(request, "catalog/public_flows/document_detail.html", context)


@require_GET
def document_docx(request, code: str):
    document = _document_or_404(code)
    agency, _bad = _public_agency(request)
    data = documents.render_docx(document, agency_name=agency.name if agency else "")
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = _attachment(f"{document.name}（样本）.docx")
    return response
