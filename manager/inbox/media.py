"""A message's photo or voice as an HTTP response, for the read API and the inbox pages."""

from __future__ import annotations

from django.http import FileResponse, HttpResponse, HttpResponseRedirect

from manager.inbox.models import Message

MEDIA_KINDS = ("photo", "voice")
CONTENT_TYPES = {"photo": "image/jpeg", "voice": "audio/ogg"}


def media_response(
    message: Message, kind: str, *, download: bool = False, range_header: str = ""
) -> HttpResponse:
    """The file itself from a local folder, or a short-lived signed link to the bucket.

    The caller has already checked that the user may see ``message`` and that
    it has this medium. ``range_header`` (a request's Range) is answered with
    206 and that part: an OGG file's duration is at its end, and a browser
    learns it, and seeks, only by asking for parts.
    """
    field = getattr(message, kind)
    content_type = CONTENT_TYPES[kind]
    filename = f"{message.id}-{kind}.{field.name.rsplit('.', 1)[-1]}"
    disposition = "attachment" if download else "inline"
    response: HttpResponse
    wanted = _byte_range(range_header, field.size) if _is_local(field) and range_header else None
    if wanted is not None:
        start, end = wanted
        with field.open("rb") as handle:
            handle.seek(start)
            part = handle.read(end - start + 1)
        response = HttpResponse(part, status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{field.size}"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    elif _is_local(field):
        response = FileResponse(
            field.open("rb"), content_type=content_type, as_attachment=download, filename=filename
        )
    else:
        # Object storage: the client fetches the bytes from the bucket itself,
        # through a link signed for this request that stops working after
        # [storage] signed_url_s; the object itself is never public.
        response = HttpResponseRedirect(
            field.storage.url(
                field.name,
                parameters={
                    "ResponseContentType": content_type,
                    "ResponseContentDisposition": f'{disposition}; filename="{filename}"',
                },
            )
        )
    response["Accept-Ranges"] = "bytes"
    # Neither the file nor a signed link may be kept by a proxy or a browser cache.
    response["Cache-Control"] = "private, no-store"
    return response


def _is_local(field) -> bool:
    """Whether the storage holds the file on this machine's disk (it has a path)."""
    try:
        return bool(field.path)
    except NotImplementedError:
        return False


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The first range of ``bytes=START-END`` (or ``START-``, ``-SUFFIX``), within the file."""
    unit, _, spec = header.partition("=")
    if unit.strip() != "bytes" or not spec:
        return None
    first, _, last = spec.split(",")[0].strip().partition("-")
    try:
        if first:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
        else:
            start, end = max(0, size - int(last)), size - 1
    except ValueError:
        return None
    if start > end or start >= size:
        return None
    return start, end
