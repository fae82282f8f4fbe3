"""Template helpers of the public site: its navigation, links to other parts' pages, labels and money."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from sanxiang.portal import display
from sanxiang.portal.sections import BY_KIND

register = template.Library()


def url_or(name: str, fallback: str, *args) -> str:
    """The URL of a named page another part builds, or its known path while that part has not landed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


# (label, URL name, args, fallback path). Paths of other parts follow the brief's URL layout.
NAV = [
    (_("执法主体"), "public-home", None),
    (_("事项清单"), "public-list", "shixiang"),
    (_("随机抽查"), "public-list", "choucha-shixiang"),
    (_("服务指南"), "public-list", "fuwuzhinan"),
    (_("流程图"), "public-flow-index", "/gongshi/liucheng/"),
    (_("文书样本"), "public-document-index", "/gongshi/wenshu/"),
    (_("法制审核目录"), "public-list", "fazhishenhe"),
    (_("音像记录清单"), "public-list", "yinxiang"),
    (_("执法人员"), "public-officers", "/gongshi/renyuan/"),
    (_("证件核验"), "public-certificate-check", "/gongshi/zhengjian/"),
    (_("网上申请"), "license_apply:apply", "/gongshi/shenqing/"),
]


def nav_links(path: str, section: str | None = None) -> list[dict]:
    """The main navigation; the current section is the one the page's list kind belongs to, else the longest
    matching path prefix (the home page also stands for the agency pages)."""
    links = []
    for label, name, extra in NAV:
        if name == "public-list":
            href = reverse(name, args=[extra])
        elif name == "public-home":
            href = reverse(name)
        else:
            href = url_or(name, extra)
        links.append({"label": label, "href": href, "slug": extra if name == "public-list" else None})
    if section == "choucha-jihua":
        section = "choucha-shixiang"
    best = next((link for link in links if section and link["slug"] == section), None)
    if best is None:
        home = reverse("public-home")
        for link in links:
            href = link["href"]
            hit = (path == href or path.startswith(href + "zhuti/")) if href == home else path.startswith(href)
            if hit and (best is None or len(href) > len(best["href"])):
                best = link
    if best:
        best["active"] = True
    return links


@register.inclusion_tag("portal/_nav.html", takes_context=True)
def public_nav(context):
    request = context.get("request")
    if request is None:
        return {"links": nav_links("")}
    match = getattr(request, "resolver_match", None)
    section = match.kwargs.get("section") if match else None
    return {"links": nav_links(request.path, section if isinstance(section, str) else None)}


@register.simple_tag
def public_url(name, fallback, *args):
    """``{% public_url "public-flow-index" "/gongshi/liucheng/" %}``: a named URL, or the fallback path."""
    return url_or(name, fallback, *args)


@register.simple_tag
def section_url(kind, agency_id=None):
    """The list page of a kind, for one agency or across agencies."""
    section = BY_KIND.get(kind)
    if section is None:
        return ""
    if agency_id:
        return reverse("public-agency-list", args=[agency_id, section.slug])
    return reverse("public-list", args=[section.slug])


@register.filter
def act_kind(value):
    return display.act_kind_label(value)


@register.filter
def penalty_kinds(values):
    return "、".join(display.penalty_kind_label(v) for v in values or [])


@register.filter
def severity(value):
    return display.severity_label(value)


@register.filter
def av_requirement(value):
    return display.av_requirement_label(value)


@register.filter
def levels(values):
    from sanxiang.org.models import Level

    return "、".join(display._label(Level, v) for v in values or [])


@register.filter
def money(value):
    return display.money(value)


@register.simple_tag
def fine_range(low, high):
    return display.fine_range(low, high) or "—"
