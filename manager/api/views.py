"""The terminal API (docs/contracts/manager-api.yaml) and the read API for integrations.

Thin views: authentication, then a model or :mod:`manager.api.ingest`
does the work. Every error is problem+json. Terminals authenticate with
their own bearer token, people's scripts with a user's API token; no
session cookies, so no CSRF token either.
"""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from manager import tokens
from manager.accounts.models import ApiToken, AuditRecord
from manager.api import export
from manager.api.ingest import Upload, read_json_body, schema_problems
from manager.api.problems import Problem, problem
from manager.dialogs.models import DialogVersion
from manager.fleet.models import Terminal
from manager.inbox.media import MEDIA_KINDS, media_response
from manager.inbox.models import Message

log = logging.getLogger(__name__)

#: A status report or an enrolment request is a few kilobytes.
MAX_JSON_BYTES = 256 * 1024

WWW_AUTHENTICATE = {"WWW-Authenticate": 'Bearer realm="kiosk-manager"'}


def endpoint(*methods: str):
    """An API view: only ``methods`` (405 otherwise), no CSRF, Problem → problem+json."""

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())
            if request.method not in allowed:
                return problem(
                    405,
                    f"{request.method} is not allowed here",
                    {"Allow": ", ".join(sorted(allowed))},
                )
            try:
                return view(request, *args, **kwargs)
            except Problem as exc:
                return exc.response()

        return wrapper

    return decorate


def terminal_of(request) -> Terminal:
    terminal = Terminal.authenticate(tokens.bearer(request.headers.get("Authorization")))
    if terminal is None:
        raise Problem(
            401,
            "no valid terminal token: send the terminal's token as "
            "`Authorization: Bearer …`; a revoked or rotated token no longer "
            "works (enrol the terminal again)",
            WWW_AUTHENTICATE,
        )
    return terminal


def own_terminal(request, terminal_id: str) -> Terminal:
    terminal = terminal_of(request)
    if terminal.terminal_id != terminal_id:
        raise Problem(
            403,
            f"this token belongs to terminal {terminal.terminal_id!r}, "
            f"not {terminal_id[:64]!r}; check terminal_id in its settings",
        )
    return terminal


def user_of(request):
    user = ApiToken.authenticate(tokens.bearer(request.headers.get("Authorization")))
    if user is None:
        raise Problem(
            401,
            "no valid API token: create one with `kiosk-manager token create "
            "USER` and send it as `Authorization: Bearer …`",
            WWW_AUTHENTICATE,
        )
    return user


# ------------------------------------------------------------------ terminal API


@endpoint("POST")
def messages(request):
    terminal = terminal_of(request)
    upload = Upload.parse(request, terminal, settings.MAX_MESSAGE_BYTES)
    status = upload.store()
    terminal.seen()
    return JsonResponse({"id": upload.message["id"]}, status=status)


@endpoint("GET")
def dialog(request, terminal_id: str):
    terminal = own_terminal(request, terminal_id)
    terminal.seen()
    version = DialogVersion.for_terminal(terminal)
    if version is None:
        raise Problem(
            404, "no dialog is assigned to this terminal or its site; the terminal keeps its own"
        )
    headers = {"ETag": version.etag, "Cache-Control": "private, no-cache"}
    if _etag_matches(request.headers.get("If-None-Match"), version.etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(
            version.content.encode("utf-8"), content_type="application/yaml; charset=utf-8"
        )
    for name, value in headers.items():
        response[name] = value
    return response


@endpoint("PUT")
def status(request, terminal_id: str):
    terminal = own_terminal(request, terminal_id)
    report = read_json_body(request, MAX_JSON_BYTES)
    problems = schema_problems("Status", report)
    if problems:
        raise Problem(
            422, "the status does not match the contract's Status: " + "; ".join(problems)
        )
    terminal.record_status(report)
    return HttpResponse(status=204)


@endpoint("POST")
def enrolment(request):
    body = read_json_body(request, MAX_JSON_BYTES)
    problems = schema_problems("EnrolmentRequest", body)
    if problems:
        raise Problem(422, 'send {"code": "XXXX-XXXX-XXXX"}: ' + "; ".join(problems))
    enrolled = Terminal.enrol(body["code"])
    if enrolled is None:
        raise Problem(
            403,
            "this enrolment code is unknown, used or expired; ask the "
            "manager's admin for a new one (`kiosk-manager terminal rotate ID`)",
        )
    terminal, token = enrolled
    AuditRecord.record(
        "enrol", "terminal", terminal.terminal_id, actor_label=f"terminal {terminal.terminal_id}"
    )
    return JsonResponse(
        {
            "terminal_id": terminal.terminal_id,
            "site": terminal.site.name,
            "timezone": terminal.site.timezone,
            "token": token,
        }
    )


# ------------------------------------------------------------------ read API


@endpoint("GET")
def export_messages(request):
    user = user_of(request)
    page = export.page(request, user)
    AuditRecord.record(
        "export",
        "messages",
        request.GET.get("site", "all sites"),
        actor=user,
        items=len(page["items"]),
        query=request.GET.urlencode()[:500],
    )
    return JsonResponse(page, json_dumps_params={"ensure_ascii": False})


@endpoint("GET")
def export_media(request, message_id, kind: str):
    user = user_of(request)
    message = Message.objects.visible_to(user).filter(pk=message_id).first()
    field = getattr(message, kind) if message is not None and kind in MEDIA_KINDS else None
    if not field:
        raise Problem(
            404,
            f"no {kind} for message {message_id} among your sites "
            "(or it was deleted after the retention period)",
        )
    return media_response(message, kind)


def not_found(request, exception=None):
    """404 for the whole site: problem+json under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return problem(404, f"{request.path[:200]} is not in the API")
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def _etag_matches(header: str | None, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/ is ignored."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return etag in candidates
