"""The manager's URLs plus the ingest baseline: a view that only writes the media to storage."""

from __future__ import annotations

import uuid

from django.core.files.storage import default_storage
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare_messages(request):
    """Django's own form parsing of the same multipart body, then the photo and the voice
    written to the manager's media storage: no token, no checks, no database."""
    folder = f"bare/{uuid.uuid4()}"
    for kind, extension in (("photo", "jpg"), ("voice", "ogg")):
        default_storage.save(f"{folder}/{kind}.{extension}", request.FILES[kind])
    return JsonResponse({"id": request.headers.get("Idempotency-Key", "")}, status=201)


urlpatterns = [
    # The path bench_ingest.py posts to (its BARE_PATH).
    path("bench/bare-messages", bare_messages),
    path("", include("manager.urls")),
]
handler404 = "manager.api.views.not_found"
