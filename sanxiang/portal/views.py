"""The public site (公示平台, PUB-01): agency directory, the published lists, versions, 纠错 and downloads.

Views stay thin and read only through ``sanxiang.catalog.selectors`` (published versions in force —
never a draft) and ``sanxiang.org.selectors.public_directory`` (active agencies, public fields).
No page needs a login; no query parameter can make a page fail: bad values are ignored or answered
with a message.
"""

import datetime
import unicodedata

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.catalog import selectors, services
from sanxiang.catalog.models import ErrorReport, ListKind
from sanxiang.catalog.vocab import ActKind
from sanxiang.org import selectors as org_selectors
from sanxiang.org.models import System

from .display import rule_sentence
from .forms import MAX_PATH, ErrorReportForm
from .sections import BY_KIND, BY_SLUG, SECTIONS

PAGE_SIZE = 20
MAX_Q = 100
REPORT_SALT = "sanxiang.portal.error-report"


# --- Helpers ------------------------------------------------------------------------------------

def _q(request) -> str:
    """The search text: control characters (NUL included, which PostgreSQL refuses) dropped, at most 100 characters."""
    raw = request.GET.get("q", "")
    return "".join(ch for ch in raw if unicodedata.category(ch) not in ("Cc", "Cs")).strip()[:MAX_Q]


def _on(request) -> tuple[datetime.date | None, str]:
    """The day asked for with ``?on=YYYY-MM-DD`` (None = today) and a message when it is not a date."""
    raw = request.GET.get("on", "").strip()
    if not raw:
        return None, ""
    try:
        day = datetime.date.fromisoformat(raw[:10]) if len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None:
        message = _("“%(raw)s”不是有效的日期，请按“年-月-日”填写，例如 2025-01-01。以下显示今天有效的内容。")
        return None, message % {"raw": raw[:20]}
    return day, ""


def _agency_or_404(pk: int):
    agency = org_selectors.public_directory().filter(pk=pk).first()
    if agency is None:
        raise Http404
    return agency


def _section_or_404(slug: str):
    section = BY_SLUG.get(slug)
    if section is None:
        raise Http404
    return section


def _public_agencies():
    return org_selectors.public_directory()


def _in_force(kind: str, *, agency=None, on=None, q=""):
    """Published versions in force (selectors.in_force), of active agencies only, in list order."""
    versions = selectors.in_force(kind, agency=agency, on=on, q=q)
    return (versions.filter(entry__agency__in=_public_agencies().values("pk"))
            .select_related("entry", "entry__agency")
            .order_by("entry__agency__name", "entry__code"))


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _item_names(agency, on=None) -> dict:
    """Entry code → name of an agency's enforcement items in force (for rules and guides that cite codes)."""
    return dict(selectors.in_force(ListKind.ITEM, agency=agency, on=on).values_list("entry__code", "title"))


# --- Directory ----------------------------------------------------------------------------------

def public_home(request):
    q = _q(request)
    system = request.GET.get("system", "")
    if system not in System.values:
        system = ""
    agencies = org_selectors.public_directory(q=q, system=system)
    return render(request, "public/home.html", {
        "agencies": agencies, "q": q, "system": system, "systems": System.choices, "sections": SECTIONS,
    })


def public_agency(request, pk: int):
    agency = _agency_or_404(pk)
    sections = [{"section": s, "count": _in_force(s.kind, agency=agency).count()} for s in SECTIONS]
    return render(request, "public/agency.html", {"agency": agency, "sections": sections})


# --- Lists --------------------------------------------------------------------------------------

def public_list(request, section: str):
    """One kind of list across all agencies, with filters by agency, kind of act (items) and text."""
    section = _section_or_404(section)
    q = _q(request)
    on, on_error = _on(request)
    agencies = list(_public_agencies())
    agency = None
    raw_agency = request.GET.get("agency", "")
    if raw_agency.isascii() and raw_agency.isdigit():
        agency = next((a for a in agencies if a.pk == int(raw_agency)), None)
    act = request.GET.get("act", "")
    if section.kind != ListKind.ITEM or act not in ActKind.values:
        act = ""
    versions = _in_force(section.kind, agency=agency, on=on, q=q)
    if act:
        versions = versions.filter(category=act)
    return render(request, "portal/list.html", {
        "section": section, "agency": None, "agencies": agencies, "selected_agency": agency, "q": q, "on": on,
        "on_error": on_error, "act": act, "acts": ActKind.choices if section.kind == ListKind.ITEM else (),
        "page": _page(request, versions),
    })


def public_agency_list(request, pk: int, section: str):
    """One agency's list of one kind, with text search."""
    agency = _agency_or_404(pk)
    section = _section_or_404(section)
    q = _q(request)
    on, on_error = _on(request)
    versions = _in_force(section.kind, agency=agency, on=on, q=q)
    if section.one_per_agency and not q and not request.GET.get("page"):
        entries = list(versions[:2])
        if len(entries) == 1:  # the review catalog and the AV list: straight to the one entry
            url = reverse("public-entry", args=[agency.pk, section.slug, entries[0].entry.code])
            return redirect(url + (f"?on={on.isoformat()}" if on else ""))
    return render(request, "portal/list.html", {
        "section": section, "agency": agency, "selected_agency": None, "q": q, "on": on, "on_error": on_error,
        "page": _page(request, versions),
    })


def public_search(request):
    """Search every kind of list of every agency (the search box in the header)."""
    q = _q(request)
    results = []
    if q:
        for section in SECTIONS:
            versions = _in_force(section.kind, q=q)
            results.append({"section": section, "count": versions.count(), "versions": list(versions[:10])})
    return render(request, "portal/search.html", {"q": q, "results": results})


# --- Entries ------------------------------------------------------------------------------------

def public_entry(request, pk: int, section: str, code: str):
    """One entry: the version in force (today or on ``?on=``), all its fields, and its version history."""
    agency = _agency_or_404(pk)
    section = _section_or_404(section)
    entry = selectors.public_entry(agency.pk, section.kind, code)
    if entry is None:
        raise Http404
    history = list(selectors.history(entry))
    if not history:
        raise Http404
    for h in history:
        h.never_in_force = selectors.never_in_force(h)
    on, on_error = _on(request)
    version = selectors.version_in_force(entry, on=on)
    day = on or timezone.localdate()
    context = {
        "agency": agency, "section": section, "entry": entry, "history": history, "version": version,
        "on": on, "on_error": on_error, "day": day, "c": version.content if version else {},
    }
    if version is not None:
        context.update(_extra(section.kind, agency, version, on))
    return render(request, "portal/entry.html", context)


def _extra(kind: str, agency, version, on) -> dict:
    """What a kind's page needs beyond the version's own content."""
    content = version.content or {}
    if kind == ListKind.REVIEW_CATALOG:
        names = _item_names(agency, on)
        rules = [{"rule": r, "sentence": rule_sentence(r, names)} for r in content.get("rules") or []]
        return {"rules": rules}
    if kind == ListKind.INSPECTION_PLAN:
        codes = {t.get("item_code") for t in content.get("tasks") or []}
        found = set(selectors.in_force(ListKind.INSPECTION_ITEM, agency=agency, on=on)
                    .filter(entry__code__in=codes).values_list("entry__code", flat=True))
        return {"linked_items": found}
    if kind == ListKind.GUIDE:
        code = content.get("item_code")
        names = _item_names(agency, on) if code else {}
        return {"licensing_item": names.get(code)}
    return {}


# --- Error reports (纠错, PUB-10) ---------------------------------------------------------------

def _rate_limited(request) -> bool:
    """At most N reports per window per client address (settings.SANXIANG["ERROR_REPORT_RATE"] = (N, seconds))."""
    limit, window = settings.SANXIANG.get("ERROR_REPORT_RATE", (10, 3600))
    key = f"portal:error-report:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > limit


def _page_target(path: str):
    """The agency and entry a page path of this site shows, when it is one of the portal's pages."""
    try:
        match = resolve(path.split("?", 1)[0])
    except Resolver404:
        return None, None
    pk = match.kwargs.get("pk")
    if match.url_name not in ("public-agency", "public-agency-list", "public-entry") or not isinstance(pk, int):
        return None, None
    agency = _public_agencies().filter(pk=pk).first()
    if agency is None:
        return None, None
    entry = None
    if match.url_name == "public-entry" and match.kwargs.get("section") in BY_SLUG:
        entry = selectors.public_entry(agency.pk, BY_SLUG[match.kwargs["section"]].kind, match.kwargs.get("code"))
    return agency, entry


def public_error_report(request):
    agencies = list(_public_agencies())
    if request.method == "POST":
        form = ErrorReportForm(request.POST, agencies=agencies)
        if _rate_limited(request):
            form.is_valid()
            return render(request, "portal/error_report.html", {
                "form": form, "refused": _("提交过于频繁，请稍后再试。"),
            }, status=429)
        if form.is_valid():
            data = form.cleaned_data
            path_agency, entry = _page_target(data["page_path"])
            agency = next(a for a in agencies if a.pk == data["agency"])
            if entry is not None and entry.agency_id != agency.pk:
                entry = None
            try:
                report = services.report_error(agency=agency, page_path=data["page_path"], text=data["text"],
                                               contact=data["contact"], entry=entry)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                token = signing.dumps(report.pk, salt=REPORT_SALT)
                return redirect("public-error-report-thanks", token=token)
        return render(request, "portal/error_report.html", {"form": form}, status=400)
    path = request.GET.get("page", "").strip()[:MAX_PATH]
    if not path.startswith("/") or path.startswith("//"):
        path = ""
    agency, entry = _page_target(path) if path else (None, None)
    form = ErrorReportForm(initial={"page_path": path, "agency": agency.pk if agency else ""}, agencies=agencies)
    return render(request, "portal/error_report.html", {"form": form, "entry": entry})


def public_error_report_thanks(request, token: str):
    try:
        pk = signing.loads(token, salt=REPORT_SALT, max_age=7 * 24 * 3600)
    except signing.BadSignature:
        raise Http404 from None
    report = ErrorReport.objects.filter(pk=pk).select_related("agency").first()
    if report is None:
        raise Http404
    return render(request, "portal/error_report_thanks.html", {
        "reference": reference(report), "due_on": report.due_on, "agency": report.agency,
    })


def reference(report) -> str:
    """The reference number a visitor quotes about a report: JC + the day it came in + its number."""
    return f"JC{report.created_at:%Y%m%d}{report.pk:06d}"


# --- Downloads ----------------------------------------------------------------------------------

def public_download(request, pk: int, fmt: str, section: str | None = None):
    """XLSX or JSON of an agency's published lists in force (all kinds, or one) today or on ``?on=``.

    Made by ``sanxiang.catalog.spreadsheets.public_workbook`` / ``public_json`` (published versions only).
    """
    from sanxiang.catalog import spreadsheets

    agency = _agency_or_404(pk)
    kind = _section_or_404(section).kind if section else None
    on, _error = _on(request)  # a bad date: today's lists
    day = on or timezone.localdate()
    name = f"gongshi-{agency.pk}-{BY_KIND[kind].slug if kind else 'quanbu'}-{day:%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        body = spreadsheets.public_workbook(agency, kind=kind, on=on)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = spreadsheets.public_json(agency, kind=kind, on=on)
        content_type = "application/json; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
