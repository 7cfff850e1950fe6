"""Errors as RFC 9457 problem details, the only error shape the API answers with."""

from __future__ import annotations

from django.http import JsonResponse

TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
}


class Problem(Exception):
    """Raised inside a view; the view answers with it."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}

    def response(self) -> JsonResponse:
        return problem(self.status, self.detail, self.headers)


def problem(status: int, detail: str, headers: dict[str, str] | None = None) -> JsonResponse:
    response = JsonResponse(
        {
            "type": "about:blank",
            "title": TITLES.get(status, "Error"),
            "status": status,
            "detail": detail,
        },
        status=status,
        content_type="application/problem+json",
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response
