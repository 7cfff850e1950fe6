"""The visitor's message as typed dictionaries: the manager API's ``Message``.

docs/contracts/manager-api.yaml defines the message a terminal stores and
delivers; these types say the same for mypy. The terminal's flow builds a
:class:`NewMessage` (what the outbox has not filled in yet), the outbox
completes it into a :class:`Message`, and the reports and the feedback
manager read it. They live here because every package that handles a message
may import ``dialog_config``; the message's labels come from the dialog.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

Level = Literal["topic", "category", "detail"]
Tone = Literal["complaint", "praise", "suggestion", "question", "none"]
AttachmentKind = Literal["photo", "voice"]
RatingKind = Literal["smileys", "nps"]


class DialogRef(TypedDict):
    version: int
    sha256: str


class RatingValue(TypedDict):
    kind: RatingKind
    value: int
    scale: int


class PathStep(TypedDict):
    level: Level
    id: str
    #: In the dialog's default language.
    label: str


class Callback(TypedDict):
    name: str | None
    #: E.164.
    phone: str
    consent: Literal[True]


class Attachment(TypedDict):
    content_type: str
    bytes: int
    sha256: str
    duration_s: NotRequired[float]
    width: NotRequired[int]
    height: NotRequired[int]


class NewAttachment(TypedDict, total=False):
    """An attachment before the outbox has its bytes: what is known of it."""

    content_type: str
    duration_s: float
    width: int
    height: int


class _Visit(TypedDict):
    terminal_id: str
    site: str
    created_at: str
    locale: str
    dialog: DialogRef
    rating: RatingValue | None
    path: list[PathStep]
    tone: Tone
    alert: bool
    text: str | None
    callback: Callback | None


class NewMessage(_Visit):
    """A visit as the flow hands it to the outbox: no id, attachments not yet counted."""

    voice: NewAttachment | None
    photo: NewAttachment | None


class Message(_Visit):
    """The message as stored and delivered."""

    id: str
    voice: Attachment | None
    photo: Attachment | None
    lost_attachments: NotRequired[list[AttachmentKind]]
