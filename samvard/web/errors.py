"""Errors the web layer turns into Swedish pages or structured JSON."""

from __future__ import annotations


class WebError(Exception):
    """An error with an HTTP status, a stable code and a Swedish message for the user."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message


class LoginRequired(WebError):  # noqa: N818 - reads as the state it signals
    """No (live) login; pages redirect to the login page, APIs answer 401."""

    def __init__(
        self, login_path: str, message: str = "Du behöver logga in.", *, why: str = "login_required"
    ) -> None:
        super().__init__(401, "login_required", message)
        self.login_path = login_path
        self.why = why


class RequestTooLarge(Exception):  # noqa: N818 - named after the HTTP status it becomes
    """A streamed body grew past the limit."""
