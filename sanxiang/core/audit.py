"""Writing audit events (DESIGN.md rule 3). Services call :func:`record` inside their transaction."""

import datetime
import decimal
import uuid

from django.db import models, transaction

from . import request_context
from .models import AuditEvent


def _jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model | None, fields: list[str] | None = None) -> dict | None:
    """A JSON-ready dict of a model instance's concrete fields (foreign keys as ids)."""
    if obj is None:
        return None
    data = {}
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        data[f.attname] = _jsonable(getattr(obj, f.attname))
    return data


def record(actor, action: str, obj: models.Model | None = None, *, before=None, after=None,
           reason: str = "", object_type: str = "", object_id: str = "", object_repr: str = "") -> AuditEvent:
    """Append one audit event. Must run inside the transaction of the change it describes."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events are written inside the change's transaction")
    context = request_context.current()
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=(user.get_username() if user else str(actor or "system"))[:150],
        action=action,
        object_type=object_type or (obj._meta.label if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None and obj.pk is not None else ""),
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        before=_jsonable(before),
        after=_jsonable(after),
        reason=reason,
        request_id=context.request_id if context else "",
        client_address=context.client_address if context else "",
    )
