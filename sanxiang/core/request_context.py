"""The current request's id, client address and user, for audit events written deep in services."""

import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    client_address: str = ""


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("sanxiang_request", default=None)


def current() -> RequestContext | None:
    return _current.get()


def bind(context: RequestContext):
    """Bind a context; returns the token to pass to :func:`reset`."""
    return _current.set(context)


def reset(token) -> None:
    _current.reset(token)


def new_request_id() -> str:
    return uuid.uuid4().hex
