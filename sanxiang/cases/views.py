"""Staff pages for case handling (办案) at /cases/: the case list, registering a case, a case's page,
a step's form and the side actions (延长期限、期限中止、恢复计时、补充记录、更正、调整承办人员).

Views stay thin: reads are in :mod:`sanxiang.cases.selectors`, every write is a service of
:mod:`sanxiang.cases.services` (which judges; the pages only offer). A refused write comes back on the
same form: a legal gate (``RuleViolation``) at the top with its rule, bad input per field, a
concurrent change (``Conflict``) as a clear message with a link to the fresh page; a user without the
right gets the 403 page, a case the user may not see does not exist (404).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.catalog import flows
from sanxiang.catalog import selectors as catalog_selectors
from sanxiang.core.errors import Conflict, RuleViolation
from sanxiang.org.access import actor_of
from sanxiang.org.models import Department, Role

from . import clocks, engine, forms, selectors, services, steps
from .fields import clean_fields
from .models import CaseStatus, StepRecord
from .parties import clean_parties

REGISTER_ROLES = (Role.OFFICER, Role.DEPARTMENT_HEAD, Role.LEADER)


def _url(name: str, *args, query: str = "") -> str | None:
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url


def _rule_message(error: RuleViolation) -> str:
    return "；".join(error.messages)


# --- list -----------------------------------------------------------------------------------------

@login_required
def case_list(request):
    """案件列表: the cases the user may see, filtered, 50 a page (keyset), with deadline badges."""
    filters = selectors.parse_filters(request.GET)
    queryset = selectors.case_list(request.user, filters)
    page = selectors.page_of(queryset, after=request.GET.get("after"), before=request.GET.get("before"))
    query = request.GET.copy()
    for key in ("after", "before"):
        query.pop(key, None)
    actor = actor_of(request.user)
    return render(request, "cases/list.html", {
        "page": page, "filters": filters, "query": query.urlencode(), **selectors.list_choices(request.user),
        "may_register": bool(actor.agency_id) and any(actor.has(r) for r in REGISTER_ROLES),
        "count_cap": selectors.COUNT_CAP,
        "case_base": reverse("cases:list"),  # rows link to {{ case_base }}<pk>/ (cases:detail) without 50 reverses
    })


# --- register -------------------------------------------------------------------------------------

def _may_register(user) -> None:
    actor = actor_of(user)
    if not actor.agency_id or not any(actor.has(r) for r in REGISTER_ROLES):
        raise PermissionDenied("只有执法人员、科室负责人和单位负责人可以登记案件")


def _start_fields(flow: flows.Flow):
    """The start step's fields the register page asks for (the case's officers and evidence are asked elsewhere)."""
    spec = steps.spec_for(flow.key, flow.start)
    return tuple(f for f in spec.form_fields() if f.name != "officers" and f.kind != "evidence")


def _map_register_errors(error: ValidationError, form, step_form, parties, filled: list[int], step_errors: dict):
    """Service errors onto the three forms: parties.<i>.<field> → the party form; step fields → the step form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    from_step = step_errors and error.message_dict == step_errors
    for name, errors in error.error_dict.items():
        texts = [m for e in errors for m in e.messages]
        if name.startswith("parties.") and name.count(".") == 2:
            _prefix, index, field = name.split(".")
            target = parties.forms[filled[int(index)]] if index.isdigit() and int(index) < len(filled) else None
            if target is not None:
                target.add_error(field if field in target.fields else None, texts)
                continue
        if name == "parties":
            form.add_error(None, texts)
        elif name == "officers" and not from_step:
            form.add_error("lead", texts)
        elif not from_step and name in form.fields:
            form.add_error(name, texts)
        elif name in step_form.fields:
            step_form.add_error(name, texts)
        else:
            form.add_error(None, texts)


@login_required
def register(request):
    """登记案件: first choose the flow, then the case, its parties, officers and the start step's fields."""
    _may_register(request.user)
    actor = actor_of(request.user)
    flow = flows.get(request.POST.get("flow") or request.GET.get("flow") or "")
    parent = request.GET.get("parent") or request.POST.get("parent") or ""
    parent_case = None
    if parent.isascii() and parent.isdigit() and len(parent) < 18:
        parent_case = selectors.visible_case(request.user, int(parent)) if parent else None
    if flow is None:
        return render(request, "cases/register_choose.html", {"groups": forms.flow_choices(), "parent": parent_case})
    departments = Department.objects.filter(agency_id=actor.agency_id).order_by("name")
    items = catalog_selectors.in_force("enforcement_item", agency=actor.agency_id)
    people = list(selectors.agency_people(actor.agency_id))
    start_fields = _start_fields(flow)
    form_kwargs = {"departments": departments, "items": items, "people": people}
    rule_error = ""
    if request.method == "POST":
        data = request.POST
        if "add_party" in data:
            data = data.copy()
            total = data.get("parties-TOTAL_FORMS", "1")
            data["parties-TOTAL_FORMS"] = str(min(int(total) + 1 if total.isdigit() else 1, forms.MAX_PARTIES))
        form = forms.RegisterForm(data, **form_kwargs)
        step_form = forms.SpecForm(data, prefix="step", specs=start_fields, people=people)
        parties = forms.PartyFormSet(data, prefix="parties")
        valid = all([form.is_valid(), step_form.is_valid(), parties.is_valid()])
        if valid and "add_party" not in data:
            filled = [i for i, p in enumerate(parties.forms) if not p.is_blank()]
            raw = form.raw(flow.key)
            raw["parties"] = [parties.forms[i].raw() for i in filled]
            raw["step"] = step_form.raw()
            step_errors, party_errors = {}, {}
            try:
                clean_fields(start_fields, raw["step"])
            except ValidationError as error:
                step_errors = error.message_dict
            try:  # checked here too, so that every bad field shows at once (the service stops at the first group)
                clean_parties(raw["parties"], today=timezone.localdate())
            except ValidationError as error:
                party_errors = error
            try:
                case = services.register_case(request.user, raw)
            except RuleViolation as error:
                rule_error = _rule_message(error)
            except ValidationError as error:
                _map_register_errors(error, form, step_form, parties, filled, step_errors)
                if step_errors and error.message_dict != step_errors:
                    for name, texts in step_errors.items():
                        if name in step_form.fields and not step_form.has_error(name):
                            step_form.add_error(name, texts)
                if party_errors and not any(k.startswith("parties") for k in error.message_dict):
                    _map_register_errors(party_errors, form, step_form, parties, filled, {})
            else:
                messages.success(request, _("已登记案件 %(number)s") % {"number": case.number})
                return redirect("cases:detail", pk=case.pk)
    else:
        initial = {"parent": parent_case.pk if parent_case else ""}
        if actor.department_id:
            initial["department"] = str(actor.department_id)
        if actor.person_id and any(p.pk == actor.person_id for p in people):
            initial["lead"] = str(actor.person_id)
        form = forms.RegisterForm(initial=initial, **form_kwargs)
        step_form = forms.SpecForm(prefix="step", specs=start_fields, people=people)
        parties = forms.PartyFormSet(prefix="parties")
    return render(request, "cases/register.html", {
        "flow": flow, "form": form, "step_form": step_form, "parties": parties, "rule_error": rule_error,
        "parent": parent_case, "start_name": flow.step(flow.start).name,
    })


# --- case page ------------------------------------------------------------------------------------

@login_required
def detail(request, pk: int):
    """The case page: header, parties, officers, deadlines, timeline, next moves, evidence, documents, related cases."""
    user = request.user
    case = selectors.visible_case(user, pk)
    flow = flows.get(case.flow_key)
    full = selectors.handles(user, case)
    records = selectors.history(case)
    deadlines, deadline_problem = selectors.case_deadlines(case, records)
    evidence = selectors.evidence(user, case)
    evidence_urls = {e.pk: _url("records:evidence-detail", e.pk) or "" for e in evidence}
    entries = selectors.timeline(case, records, full=full, evidence_urls=evidence_urls)
    proof_base = _url("records-api-proof-inclusion")
    for entry in entries:
        entry.proof_url = f"{proof_base}?seq={entry.record.log_seq}" if proof_base else ""
    changeable = selectors.may_change(user, case)
    options = []
    if changeable:
        try:
            options = engine.options(user, case)
        except ValidationError as error:  # e.g. a guard that needs a holiday schedule not loaded yet
            deadline_problem = deadline_problem or "；".join(error.messages)
    actors = {o.target: flow.step(o.target).actor_name for o in options} if flow else {}
    open_case = case.status not in (CaseStatus.ARCHIVED,)
    documents = selectors.documents(user, case)
    for document in documents:
        document.pdf_url = _url("cases:document-download", document.pk, "pdf") if document.pdf_id else None
        document.docx_url = _url("cases:document-download", document.pk, "docx")
    party = case.primary_party
    upload_query = urlencode({"case_ref": case.number, "step_ref": case.current_step,
                              "activity": flow.step(case.current_step).av_activity if flow else "",
                              **({"target_type": party.party_type, "target_id": party.id_number, "target_name": party.name}
                                 if full and party is not None and len(party.id_number) <= 18 else {})})
    return render(request, "cases/detail.html", {
        "case": case, "flow": flow, "step_name": selectors.step_name(case, case.current_step),
        "parties": selectors.parties(case, full), "full_ids": full, "officers": selectors.officers(case),
        "deadlines": deadlines, "deadline_problem": deadline_problem, "entries": entries,
        "options": [(o, actors.get(o.target, "")) for o in options],
        "changeable": changeable and open_case, "leader": selectors.is_leader(user, case) and open_case,
        "evidence": evidence, "documents": documents, **selectors.related(user, case),
        "upload_url": _url("records:evidence-upload", query=upload_query),
        "documents_url": _url("cases:document-list", case.pk),
        "may_register_related": bool(actor_of(user).agency_id == case.agency_id)
        and any(actor_of(user).has(r) for r in REGISTER_ROLES),
        "paused": any(d.state == clocks.PAUSED for d in deadlines),
        "timed": any(d.is_open for d in deadlines),
    })


def _changeable_case(user, pk: int):
    """The case for a write page: 404 if the user may not see it, 403 if they may see but not act on it."""
    case = selectors.visible_case(user, pk)
    if not selectors.may_change(user, case):
        raise PermissionDenied("您可以查看该案件，但无权办理")
    return case


def _conflict_message(error: Conflict) -> str:
    return str(error) or _("案件已被他人办理，请刷新")


# --- a step ---------------------------------------------------------------------------------------

@login_required
def step(request, pk: int, target: str):
    """办理环节: the form of step ``target`` generated from its fields; the engine judges the move."""
    user = request.user
    case = _changeable_case(user, pk)
    flow = flows.get(case.flow_key)
    if flow is None or not flow.has_step(target):
        raise Http404("流程中没有该环节")
    spec = steps.spec_for(case.flow_key, target)
    specs = spec.form_fields()
    people = list(selectors.active_people(case.agency_id)) if any(f.kind in ("people", "person") for f in specs) else []
    evidence = selectors.evidence(user, case) if any(f.kind == "evidence" for f in specs) else []
    kwargs = {"specs": specs, "people": people, "evidence": evidence}
    rule_error = conflict = ""
    if request.method == "POST":
        form = forms.StepForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                services.advance(user, case.pk, target, form.raw(), version=form.cleaned_data["case_version"])
            except RuleViolation as error:
                rule_error = _rule_message(error)
            except ValidationError as error:
                forms.attach_errors(form, error)
            except Conflict as error:
                conflict = _conflict_message(error)
            else:
                messages.success(request, _("已办理：%(step)s") % {"step": flow.step(target).name})
                return redirect("cases:detail", pk=case.pk)
    else:
        form = forms.StepForm(initial={"case_version": case.version}, **kwargs)
    option = None
    if case.status not in (CaseStatus.ARCHIVED, CaseStatus.ENDED):
        try:
            option = next((o for o in engine.options(user, case) if o.target == target), None)
        except ValidationError:
            option = None
    return render(request, "cases/step.html", {
        "case": case, "flow": flow, "target": target, "target_step": flow.step(target), "spec": spec, "form": form,
        "rule_error": rule_error, "conflict": conflict, "option": option,
        "reachable": option is not None, "step_name": selectors.step_name(case, case.current_step),
    })


# --- side actions ---------------------------------------------------------------------------------

SIDE_ACTIONS = {
    "extend": (gettext_lazy("延长期限"), forms.ExtendForm, services.extend_clock, True),
    "pause": (gettext_lazy("期限中止"), forms.PauseForm, services.pause_clock, True),
    "resume": (gettext_lazy("恢复计时"), forms.ResumeForm, services.resume_clock, True),
    "note": (gettext_lazy("补充记录"), forms.NoteForm, services.add_note, False),
    "officers": (gettext_lazy("调整承办人员"), forms.OfficersForm, services.change_officers, False),
}
SIDE_DONE = {  # the message after a side action: 已 + its title
    "extend": gettext_lazy("已延长期限"),
    "pause": gettext_lazy("已期限中止"),
    "resume": gettext_lazy("已恢复计时"),
    "note": gettext_lazy("已补充记录"),
    "officers": gettext_lazy("已调整承办人员"),
}


def _clock_choices(case, action: str):
    records = selectors.history(case)
    deadlines, _problem = selectors.case_deadlines(case, records)
    if action == "extend":
        chosen = [d for d in deadlines if d.is_open or d.state == clocks.PAUSED]
    elif action == "pause":
        chosen = [d for d in deadlines if d.is_open]
    else:
        chosen = [d for d in deadlines if d.state == clocks.PAUSED]
    return [(d.key, _("%(label)s（%(due)s到期，%(state)s）") % {
        "label": d.label, "due": f"{d.due:%Y-%m-%d}", "state": d.state_label}) for d in chosen]


def _run_side(request, case, form, call):
    """Call the side service; returns (done, rule_error, conflict)."""
    if not form.is_valid():
        return False, "", ""
    try:
        call(form.raw(), form.cleaned_data["case_version"])
    except RuleViolation as error:
        return False, _rule_message(error), ""
    except ValidationError as error:
        forms.attach_errors(form, error, {"corrects": None})
        return False, "", ""
    except Conflict as error:
        return False, "", _conflict_message(error)
    return True, "", ""


@login_required
def side_action(request, pk: int, action: str):
    """延长期限 / 期限中止 / 恢复计时 (leaders), 补充记录, 调整承办人员: a small form, then the case page."""
    if action not in SIDE_ACTIONS:
        raise Http404
    title, form_class, service, leaders_only = SIDE_ACTIONS[action]
    user = request.user
    case = _changeable_case(user, pk)
    if leaders_only and not selectors.is_leader(user, case):
        raise PermissionDenied("延长期限、中止计时须由行政机关负责人办理")
    data = request.POST if request.method == "POST" else None
    form = form_class(data, initial={"case_version": case.version})
    if "clock" in form.fields:
        form.fields["clock"].choices = forms.EMPTY + _clock_choices(case, action)
    if "evidence" in form.fields:
        form.fields["evidence"].choices = [(str(e.pk), f"{e.title}（#{e.pk}）") for e in selectors.evidence(user, case)]
    if action == "officers":
        forms.set_people(form, selectors.agency_people(case.agency_id))
        if data is None:
            current = [o for o in selectors.officers(case) if o.until is None]
            lead = next((o for o in current if o.role == "lead"), None)
            form.initial.update(lead=str(lead.person_id) if lead else "",
                                assistants=[str(o.person_id) for o in current if o is not lead])
    rule_error = conflict = ""
    if data is not None:
        done, rule_error, conflict = _run_side(
            request, case, form, lambda raw, version: service(user, case.pk, raw, version=version))
        if done:
            messages.success(request, str(SIDE_DONE[action]))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/side_action.html", {
        "case": case, "title": title, "form": form, "rule_error": rule_error, "conflict": conflict, "action": action,
        "step_name": selectors.step_name(case, case.current_step),
    })


@login_required
def correct(request, pk: int, record_pk: int):
    """更正: a new record saying what an earlier record got wrong; the earlier one stays as it was (REC-01)."""
    user = request.user
    case = _changeable_case(user, pk)
    record = StepRecord.objects.filter(case=case, pk=record_pk).first()
    if record is None:
        raise Http404("该记录不属于本案")
    data = request.POST if request.method == "POST" else None
    form = forms.CorrectForm(data, initial={"case_version": case.version})
    rule_error = conflict = ""
    if data is not None:
        done, rule_error, conflict = _run_side(
            request, case, form, lambda raw, version: services.correct_record(user, case.pk, record.pk, raw,
                                                                              version=version))
        if done:
            messages.success(request, _("已更正第%(n)s条记录") % {"n": record.index + 1})
            return redirect("cases:detail", pk=case.pk)
    entry = selectors.timeline(case, [record], full=selectors.handles(user, case), evidence_urls={})[0]
    return render(request, "cases/side_action.html", {
        "case": case, "title": _("更正第%(n)s条记录") % {"n": record.index + 1}, "form": form, "rule_error": rule_error,
        "conflict": conflict, "action": "correct", "entry": entry,
        "step_name": selectors.step_name(case, case.current_step), "now": timezone.now(),
    })
