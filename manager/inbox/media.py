"""A message's photo or voice as an HTTP response, for the read API and the inbox pages."""

from __future__ import annotations

from django.http import FileResponse, HttpResponse, HttpResponseRedirect

from manager.inbox.models import Message

MEDIA_KINDS = ("photo", "voice")
CONTENT_TYPES = {"photo": "image/jpeg", "voice": "audio/ogg"}


def media_response(message: Message, kind: str, *, download: bool = False) -> HttpResponse:
    """The file itself from a local folder, or a short-lived signed link to the bucket.

    The caller has already checked that the user may see ``message`` and that
    it has this medium.
    """
    field = getattr(message, kind)
    content_type = CONTENT_TYPES[kind]
    filename = f"{message.id}-{kind}.{field.name.rsplit('.', 1)[-1]}"
    disposition = "attachment" if download else "inline"
    response: HttpResponse
    if _is_local(field):
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
    # Neither the file nor a signed link may be kept by a proxy or a browser cache.
    response["Cache-Control"] = "private, no-store"
    return response


def _is_local(field) -> bool:
    """Whether the storage holds the file on this machine's disk (it has a path)."""
    try:
        return bool(field.path)
    except NotImplementedError:
        return False
