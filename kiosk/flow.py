"""The visitor's journey as a plain-Python state machine.

The screens render :class:`Flow`'s state and forward taps to it; the flow
knows the dialog model, the rules of the message contract (tone, alert, the
spam filter, idle reset) and nothing of Kivy, so every path through a dialog
is tested without a display.

A visit moves through these steps::

    start → [rating] → choice → message ⇄ text | voice | callback → [photo consent] → thanks
                                  ╰──────────── send ─────────────╯

Any step can go back one step or cancel to the start; inactivity for the
dialog's ``idle_reset_s`` ends the visit (see :meth:`Flow.tick`), and
MORE_TIME_WARNING_S before that the visitor is asked whether they need more
time (:attr:`Flow.asks_for_more_time`, WCAG 2.2 success criterion 2.2.1).
"""

from __future__ import annotations

import datetime
import enum
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from dialog_config import Dialog, MessageOptions, Node
from dialog_config.message import NewAttachment, NewMessage, RatingValue, Tone

# The bands are read here by the rating screen, which colours the NPS buttons with them.
from dialog_config.rating import is_low_rating, is_top_rating

from .languages import has_keyboard
from .phone import normalize_phone


class Step(enum.Enum):
    START = "start"
    RATING = "rating"
    CHOICE = "choice"
    MESSAGE = "message"
    TEXT = "text"
    VOICE = "voice"
    CALLBACK = "callback"
    PHOTO_CONSENT = "photo_consent"
    THANKS = "thanks"


#: The steps reached from the message step, which lead back to it.
MESSAGE_PARTS = (Step.TEXT, Step.VOICE, Step.CALLBACK)
#: How long the thanks screen stays before the next visitor's start screen.
THANKS_S = 6.0
#: WCAG 2.2.1 (Timing Adjustable): a visitor is warned this long before an idle
#: reset and given at least this long to ask for more time.
MORE_TIME_WARNING_S = 20.0
#: The least inactivity before that warning, so that a dialog with a short
#: ``idle_reset_s`` does not ask a visitor who has just tapped.
QUIET_BEFORE_WARNING_S = 5.0


@dataclass(frozen=True)
class Callback:
    name: str | None
    phone: str  # E.164


@dataclass(frozen=True)
class VoiceClip:
    ogg: bytes
    duration_s: float


@dataclass(frozen=True)
class Submission:
    """A finished visit, ready for the outbox.

    ``message`` is the manager API's ``Message`` less what the outbox fills in
    (``id``, the attachments' ``bytes`` and ``sha256``). ``take_photo`` says
    whether the photo of the moment is to be attached now.
    """

    message: NewMessage
    voice: bytes | None
    take_photo: bool
    #: True for a visit that ended by inactivity rather than by Send.
    idle: bool = False


@dataclass(frozen=True)
class Access:
    """How the visitor wants the screens: larger text, spoken prompts. Ends with the visit."""

    large_text: bool = False
    speech: bool = False


@dataclass
class Visit:
    """What one visitor has chosen so far."""

    language: str
    rating: int | None = None
    path: list[Node] = field(default_factory=list)
    text: str | None = None
    callback: Callback | None = None
    voice: VoiceClip | None = None
    photo_consent: bool | None = None


def local_timestamp(now: datetime.datetime) -> str:
    """RFC 3339 with milliseconds and the terminal's UTC offset."""
    return now.isoformat(timespec="milliseconds")


class SpamFilter:
    """Drops the same bare visit repeated from this terminal within a window.

    A bare visit carries no text, voice or callback; what makes two of them
    the same is their rating and path. Repeats are counted, not stored.
    """

    def __init__(self, window_s: float, clock: Callable[[], float] = time.monotonic):
        self.window_s = window_s
        self.clock = clock
        self._last: dict[tuple, float] = {}

    def is_repeat(self, message: NewMessage) -> bool:
        if message["text"] or message["voice"] or message["callback"]:
            return False
        rating = message["rating"]
        key = (rating and rating["value"], tuple(item["id"] for item in message["path"]))
        now = self.clock()
        # Forget what is out of the window, so the table stays small for months.
        self._last = {k: t for k, t in self._last.items() if now - t < self.window_s}
        if key in self._last:
            self._last[key] = now
            return True
        self._last[key] = now
        return False


class Flow:
    """One terminal's visitor journey over one dialog at a time.

    ``submit`` receives every visit to be stored; ``on_spam`` is told of each
    repeat the spam filter dropped; ``on_dialog_applied`` is told of each new
    dialog once visitors see it (not when it is merely offered). All are
    called on the caller's thread and must return at once (the app hands the
    work to a worker).
    """

    def __init__(
        self,
        dialog: Dialog,
        *,
        terminal_id: str,
        site: str,
        submit: Callable[[Submission], None],
        on_spam: Callable[[], None] = lambda: None,
        on_dialog_applied: Callable[[Dialog], None] = lambda _dialog: None,
        phone_region: str | None = None,
        spam_window_s: float = 20,
        voice_available: bool = True,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime.datetime] | None = None,
    ):
        self.dialog = dialog
        self.terminal_id = terminal_id
        self.site = site
        self.submit = submit
        self.on_spam = on_spam
        self.on_dialog_applied = on_dialog_applied
        self.phone_region = phone_region
        self.voice_available = voice_available
        self.clock = clock
        self.wall_clock = wall_clock or (lambda: datetime.datetime.now().astimezone())
        self.spam = SpamFilter(spam_window_s, clock)
        self.pending_dialog: Dialog | None = None
        self.step = Step.START
        self.visit = Visit(language=dialog.default_language)
        self.access = self.default_access()
        self.last_touch = clock()
        self.last_submission: Submission | None = None
        self._history: list[Step] = []

    # -- what the screens show ------------------------------------------------

    @property
    def language(self) -> str:
        return self.visit.language

    @property
    def level(self) -> int:
        """How deep the visitor has chosen: 0 nothing, 1 a topic, 2 a category, 3 a detail."""
        return len(self.visit.path)

    @property
    def options(self) -> MessageOptions:
        """What may be added at the end, for the branch chosen."""
        return self.visit.path[-1].message if self.visit.path else self.dialog.message

    @property
    def can_add_voice(self) -> bool:
        return self.options.voice and self.voice_available

    @property
    def can_add_text(self) -> bool:
        """Text needs a keyboard in the visitor's language; without one the button is hidden
        rather than offering a keyboard the visitor cannot write their language with."""
        return self.options.text and has_keyboard(self.language)

    @property
    def idle_s(self) -> float:
        """Seconds since the visitor last did anything."""
        return self.clock() - self.last_touch

    @property
    def warn_after_s(self) -> float:
        """Inactivity after which the visitor is asked whether they need more time."""
        return max(self.dialog.idle_reset_s - MORE_TIME_WARNING_S, QUIET_BEFORE_WARNING_S)

    @property
    def reset_after_s(self) -> float:
        """Inactivity that ends a visit: the dialog's ``idle_reset_s``, or later where that
        would leave less than MORE_TIME_WARNING_S to answer the warning."""
        return self.warn_after_s + MORE_TIME_WARNING_S

    @property
    def asks_for_more_time(self) -> bool:
        """Whether the "Do you need more time?" prompt is due: a visit in progress, left
        alone past :attr:`warn_after_s`."""
        return self.step not in (Step.START, Step.THANKS) and self.idle_s >= self.warn_after_s

    @property
    def seconds_left(self) -> int:
        """Whole seconds until the idle reset, for the prompt's countdown."""
        return max(0, math.ceil(self.reset_after_s - self.idle_s))

    @property
    def shows_promoter_link(self) -> bool:
        rating = self.dialog.rating
        return (
            self.dialog.promoter_link is not None
            and rating is not None
            and self.visit.rating is not None
            and is_top_rating(rating.kind, self.visit.rating, rating.scale)
        )

    def default_access(self) -> Access:
        """What every visitor starts with: the dialog may turn speech on for its site."""
        return Access(speech=self.dialog.accessibility.speech)

    def columns(self) -> tuple[tuple[Node, ...], tuple[Node, ...]]:
        """The categories and details columns on the choice screen, for the path so far."""
        path = self.visit.path
        categories = path[0].children if path else ()
        details = path[1].children if len(path) > 1 else ()
        return categories, details

    # -- taps -----------------------------------------------------------------

    def touch(self) -> None:
        """Any touch anywhere, a key typed, a voice recorded: postpones the idle reset."""
        self.last_touch = self.clock()

    def more_time(self) -> None:
        """The visitor answered "Do you need more time?": the visit goes on as it was."""
        self.touch()

    def set_language(self, language: str) -> None:
        if language not in self.dialog.languages:
            raise ValueError(f"{language!r} is not one of the dialog's languages")
        self.touch()
        self.visit.language = language

    def set_access(self, *, large_text: bool | None = None, speech: bool | None = None) -> None:
        """The A+ or speaker button: on for the rest of this visit, or off again.

        Tapped on the start screen, it holds for the visit that follows.
        """
        self.touch()
        self.access = Access(
            large_text=self.access.large_text if large_text is None else large_text,
            speech=self.access.speech if speech is None else speech,
        )

    def begin(self, language: str | None = None) -> None:
        """The visitor touched the start screen (or a language button on it)."""
        self._expect(Step.START)
        self._apply_pending_dialog()
        self.visit = Visit(language=self.visit.language)
        if language:
            self.set_language(language)
        self.touch()
        self._go(Step.RATING if self.dialog.rating else Step.CHOICE)

    def rate(self, value: int) -> None:
        self._expect(Step.RATING)
        rating = self.dialog.rating
        if rating is None or value not in rating.values:
            allowed = rating.values if rating else "none (the dialog asks for no rating)"
            raise ValueError(f"rating {value} is outside {allowed}")
        self.touch()
        self.visit.rating = value
        self._go(Step.CHOICE)

    def skip_rating(self) -> None:
        self._expect(Step.RATING)
        self.touch()
        self.visit.rating = None
        self._go(Step.CHOICE)

    def choose(self, level: int, node_id: str) -> None:
        """A tap on a button of the topics row (level 1) or a column (2, 3).

        Tapping at a level replaces the choice there and below it, so a
        visitor can change their mind without going back.
        """
        self._expect(Step.CHOICE)
        path = self.visit.path
        if not 1 <= level <= len(path) + 1:
            raise ValueError(f"level {level} cannot be chosen with {len(path)} chosen")
        siblings = self.dialog.topics if level == 1 else path[level - 2].children
        node = next((n for n in siblings if n.id == node_id), None)
        if node is None:
            raise KeyError(node_id)
        self.touch()
        self.visit.path = path[: level - 1] + [node]
        if node.is_leaf:
            self.finish_choice()

    def finish_choice(self) -> None:
        """The visitor is done choosing (a leaf, or "next" on a branch)."""
        self._expect(Step.CHOICE)
        if not self.visit.path:
            raise ValueError("nothing is chosen yet")
        self.touch()
        self._go(Step.MESSAGE)

    def open_part(self, step: Step) -> None:
        """Text, voice or callback from the message step."""
        self._expect(Step.MESSAGE)
        allowed = {
            Step.TEXT: self.can_add_text,
            Step.VOICE: self.can_add_voice,
            Step.CALLBACK: self.options.callback,
        }
        if not allowed.get(step):
            raise ValueError(f"{step.value} is not offered on this branch")
        self.touch()
        self._go(step)

    def set_text(self, text: str) -> None:
        self._expect(Step.TEXT)
        text = text.strip()
        if len(text) > self.options.text_max_chars:
            raise ValueError(f"text is longer than {self.options.text_max_chars} characters")
        self.touch()
        self.visit.text = text or None
        self._back_to_message()

    def set_voice(self, clip: VoiceClip | None) -> None:
        self._expect(Step.VOICE)
        self.touch()
        self.visit.voice = clip
        self._back_to_message()

    def set_callback(self, name: str, phone: str, consent: bool) -> str | None:
        """Stores the callback; returns why it was refused, or None when stored."""
        self._expect(Step.CALLBACK)
        self.touch()
        number = normalize_phone(phone, self.phone_region)
        if number is None:
            return "phone_invalid"
        if not consent:
            return "callback_consent"
        self.visit.callback = Callback(name=name.strip()[:100] or None, phone=number)
        self._back_to_message()
        return None

    def clear_callback(self) -> None:
        self.visit.callback = None

    def send(self) -> None:
        """Send from the message step: ask for the photo first where the dialog says so."""
        self._expect(Step.MESSAGE)
        self.touch()
        if self.dialog.photo_mode == "ask":
            self._go(Step.PHOTO_CONSENT)
        else:
            self._finish()

    def photo_consent(self, agreed: bool) -> None:
        self._expect(Step.PHOTO_CONSENT)
        self.touch()
        self.visit.photo_consent = agreed
        self._finish()

    def back(self) -> None:
        """One step back; from the choice screen, first undo the deepest choice."""
        self.touch()
        if self.step == Step.CHOICE and self.visit.path:
            self.visit.path.pop()
            return
        if self.step in (Step.START, Step.THANKS) or not self._history:
            return
        previous = self._history.pop()
        if previous == Step.START:
            self._reset()
        else:
            self.step = previous

    def cancel(self) -> None:
        """Drops the visit; nothing is stored."""
        self._reset()

    def tick(self) -> None:
        """Called about once a second: ends a visit left alone for :attr:`reset_after_s`
        (the dialog's ``idle_reset_s``).

        A visit with at least a rating or a topic is stored as chosen, without
        photo and without text or voice that was never sent; anything less is
        dropped. The thanks screen gives way to the start after THANKS_S.
        """
        idle_s = self.idle_s
        if (
            self.step == Step.START
            and idle_s >= self.dialog.idle_reset_s
            and self.access != self.default_access()
        ):
            # A+ tapped on the start screen by someone who then walked away.
            self.access = self.default_access()
        if self.step == Step.THANKS and idle_s >= THANKS_S:
            self._reset()
        elif self.step not in (Step.START, Step.THANKS) and idle_s >= self.reset_after_s:
            if self.visit.rating is not None or self.visit.path:
                self.visit.text = None
                self.visit.voice = None
                self._store(take_photo=False, idle=True)
            self._reset()

    # -- dialog updates -------------------------------------------------------

    def offer_dialog(self, dialog: Dialog) -> None:
        """A new valid dialog: used from the next start screen, never mid-visit."""
        self.pending_dialog = dialog
        if self.step == Step.START:
            self._apply_pending_dialog()

    def _apply_pending_dialog(self) -> None:
        if self.pending_dialog is not None:
            untouched = self.access == self.default_access()
            self.dialog, self.pending_dialog = self.pending_dialog, None
            if self.visit.language not in self.dialog.languages:
                self.visit = Visit(language=self.dialog.default_language)
            if untouched:
                # What the visitor chose on the start screen stays; the site's default follows.
                self.access = self.default_access()
            self.on_dialog_applied(self.dialog)

    # -- the message ----------------------------------------------------------

    def build_message(self) -> NewMessage:
        """The visit as the manager API's ``Message``, less the outbox's fields."""
        visit = self.visit
        dialog = self.dialog
        rating: RatingValue | None = None
        if visit.rating is not None and dialog.rating is not None:
            rating = {
                "kind": dialog.rating.kind,
                "value": visit.rating,
                "scale": dialog.rating.scale,
            }
        tone: Tone = visit.path[-1].tone if visit.path else "none"
        alert = (
            any(node.alert for node in visit.path)
            or tone == "complaint"
            or (
                rating is not None
                and is_low_rating(rating["kind"], rating["value"], rating["scale"])
            )
        )
        voice: NewAttachment | None = None
        if visit.voice is not None:
            voice = {"content_type": "audio/ogg", "duration_s": round(visit.voice.duration_s, 2)}
        return {
            "terminal_id": self.terminal_id,
            "site": self.site,
            "created_at": local_timestamp(self.wall_clock()),
            "locale": visit.language,
            "dialog": {"version": dialog.version, "sha256": dialog.sha256},
            "rating": rating,
            "path": [
                {"level": node.level, "id": node.id, "label": node.label.default}
                for node in visit.path
            ],
            "tone": tone,
            "alert": alert,
            "text": visit.text,
            "callback": None
            if visit.callback is None
            else {"name": visit.callback.name, "phone": visit.callback.phone, "consent": True},
            "voice": voice,
            "photo": None,
        }

    # -- internals ------------------------------------------------------------

    def _finish(self) -> None:
        mode = self.dialog.photo_mode
        take_photo = mode == "notice" or (mode == "ask" and bool(self.visit.photo_consent))
        self._store(take_photo=take_photo, idle=False)
        self._history.clear()
        self.step = Step.THANKS

    def _store(self, *, take_photo: bool, idle: bool) -> None:
        message = self.build_message()
        if self.spam.is_repeat(message):
            self.on_spam()
            return
        voice = self.visit.voice.ogg if self.visit.voice else None
        self.last_submission = Submission(message, voice, take_photo, idle)
        self.submit(self.last_submission)

    def _reset(self) -> None:
        self._history.clear()
        self.step = Step.START
        self._apply_pending_dialog()
        self.visit = Visit(language=self.dialog.default_language)
        self.access = self.default_access()
        self.touch()

    def _go(self, step: Step) -> None:
        self._history.append(self.step)
        self.step = step

    def _back_to_message(self) -> None:
        # The part's screen returns to the message step it came from.
        self.step = self._history.pop() if self._history else Step.MESSAGE

    def _expect(self, *steps: Step) -> None:
        if self.step not in steps:
            raise InvalidStep(f"{self.step.value}: expected {', '.join(s.value for s in steps)}")


class InvalidStep(RuntimeError):
    """A tap that does not belong to the current step (a screen out of step with the flow)."""
