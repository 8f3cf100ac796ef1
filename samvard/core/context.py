"""Per-request context that core code may read without knowing about the web layer."""

from __future__ import annotations

import uuid
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("samvard_request_id", default=None)


def current_request_id() -> str:
    """The id of the request being served, or a fresh one for CLI and background work."""
    value = _request_id.get()
    return value if value is not None else f"local-{uuid.uuid4()}"


def set_request_id(value: str) -> object:
    """Bind a request id to the current context; returns a token for `reset_request_id`."""
    return _request_id.set(value)


def reset_request_id(token: object) -> None:
    """Undo `set_request_id`."""
    _request_id.reset(token)  # type: ignore[arg-type]
