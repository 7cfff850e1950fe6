"""The Kivy ``App`` of the terminal. Imported only by :func:`kiosk.ui.launch.run_app`.

The app owns the objects and the threads; the flow owns the visit; the
screens own nothing but widgets.

One module of about 570 lines on purpose: it is the one place where Kivy's
clock, the worker threads and the flow meet (building, the tick, touches
and keys, the dialog file, storing, operator mode, recovery), and each part
reads the others' state.
"""

from __future__ import annotations

import importlib
import logging
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.base import ExceptionHandler, ExceptionManager
from kivy.clock import Clock
from kivy.core.text import DEFAULT_FONT, LabelBase
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager

from dialog_config import Dialog, DialogError
from sync import systemd
from sync.outbox import OutboxError

from .. import fonts
from ..cli import EXIT_FAILURE, EXIT_OK
from ..devices.speech import Speaker, open_speaker
from ..dialog_copies import BUNDLED_DEFAULT, DialogCopies, StartDialog
from ..faults import FaultBudget
from ..flow import Flow, InvalidStep, Step
from ..i18n import gettext, screen_text
from ..operator import MAX_WRONG_TRIES, PinFormatError, PinGuard, verify_pin
from ..outbox_health import OutboxHealth, open_outbox
from ..settings import Settings, SettingsError
from ..speech import Announcer
from ..submitter import Submitter
from ..watcher import POLL_S, DialogWatcher
from . import text as label_text
from . import theme
from .design import (
    ASSETS_DIR,
    DESIGN_SIZE_PX,
    LARGE_TEXT_SCALE,
    LOW_REACH_TOP_SHARE,
    MIN_SCALE,
    font_px,
)
from .widgets import MoreTimePrompt

log = logging.getLogger(__name__)

SCREENS_DIR = Path(__file__).resolve().parent / "screens"
#: How often the flow checks for inactivity.
TICK_S = 1.0

FONT_NAME = "KioskSans"
FONT_FILES = ("NotoSansKR-Regular.otf", "NotoSansKR-Bold.otf")
BYTES_PER_MB = 1024 * 1024
#: Untouched this long on the start screen, the app draws at REST_FPS.
REST_AFTER_S = 5.0
#: Frames per second while resting: the welcome text changes every few
#: seconds, and a first touch waits at most 1/REST_FPS longer.
REST_FPS = 8.0
#: Operator-screen keys that a visitor with a keyboard must not use to leave.
ESCAPE_KEY = 27
F4_KEY = 285


class KioskApp(App):
    title = "Feedback terminal"
    #: Sizes in kv are multiplied by this, so one design serves 1280×800 and 800×480.
    scale = NumericProperty(1.0)
    #: LARGE_TEXT_SCALE while the visitor wants larger text (A+), else 1.
    text_scale = NumericProperty(1.0)
    #: The window's scale times the visitor's text scale. Every font size comes from
    #: :meth:`font`, which kv calls with this as a dependency, so no text is left out.
    type_scale = NumericProperty(1.0)
    #: Whether this terminal can speak (espeak-ng is installed): the speaker button shows.
    speech_available = BooleanProperty(False)
    #: The visitor turned spoken prompts on (or the dialog did, for every visit).
    speech_on = BooleanProperty(False)
    #: The visitor's language; kv texts depend on it so they change with it.
    language = StringProperty("en")
    #: The visitor's language writes right to left: rows run mirrored (Back on the right).
    rtl = BooleanProperty(False)
    #: The mark after a choice that leads further: it points the way the language reads.
    onward_mark = StringProperty("›")
    #: Bumped whenever the texts may have changed (a new dialog).
    revision = NumericProperty(0)
    #: Set by the operator screen's "leave the app"; any other close is refused.
    may_exit = BooleanProperty(False)
    operator_open = BooleanProperty(False)
    #: The share of the window at the top that holds no control (``display.reach``)...
    reach_top = NumericProperty(0.0)
    #: ... and its height in pixels: the screens make their question that tall, which
    #: pushes the controls down.
    reach_top_px = NumericProperty(0.0)

    def __init__(
        self,
        *,
        settings: Settings,
        start: StartDialog,
        devices=None,
        speaker: Speaker | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.settings = settings
        self.initial_dialog = start.dialog
        self.reach_top = LOW_REACH_TOP_SHARE if settings.display.reach == "low" else 0.0
        self.devices = devices
        self.speaker = speaker
        #: An observer attached from outside once the app has started (the UI
        #: tests' probe): told of each change of screen and called in each tick.
        self.probe = None
        #: Added to the monotonic clock of the visit (idle reset); the UI tests'
        #: probe advances it. Nothing in the app changes it.
        self.clock_offset_s = 0.0
        # Its own clocks, never the app's: nothing that moves the visit's clock moves the lockout.
        self.pin_guard = PinGuard(settings.data_dir)
        self._pin_checking = False
        self.last_store_error = ""
        #: Why the settings' dialog file is not in use, while it is not.
        self.dialog_errors: tuple[str, ...] = start.errors
        #: What runs instead of a dialog file that had errors at start (dialog_copies).
        self.dialog_fallback: str | None = start.fallback
        self.dialog_copies = DialogCopies(settings.data_dir)
        self.faults = FaultBudget()
        #: The process's exit code once the app has stopped.
        self.exit_code = EXIT_OK
        self._screens: dict[str, object] = {}
        self._resting = False
        self._awake_fps = 0.0
        self._more_time_prompt: MoreTimePrompt | None = None

    def now(self) -> float:
        return time.monotonic() + self.clock_offset_s

    # -- building ---------------------------------------------------------

    def build(self):
        self._register_fonts()
        Builder.load_file(str(SCREENS_DIR.parent / "widgets" / "widgets.kv"))
        Window.clearcolor = theme.BACKGROUND
        Window.bind(
            on_request_close=self._on_request_close,
            on_keyboard=self._on_keyboard,
            size=self._on_window_size,
        )
        # A finger lifted counts too: a key held for its variants is activity.
        Window.bind(on_touch_down=self._on_any_touch, on_touch_up=self._on_any_touch)
        self.bind(scale=self._set_type_scale, text_scale=self._set_type_scale)
        self._on_window_size(Window, Window.size)
        # systemd stops the app with SIGTERM: finish storing, then exit cleanly.
        signal.signal(signal.SIGTERM, self._on_sigterm)

        settings = self.settings
        # Never raises: an outbox that cannot store visits puts the terminal out of order.
        self.outbox, problem = open_outbox(
            settings.data_dir, reserve_bytes=settings.disk_reserve_mb * BYTES_PER_MB
        )
        self.outbox_health = OutboxHealth(
            self.outbox, problem, on_change=self._outbox_health_changed
        )
        start_daemon(self.outbox_health.run, "outbox-health")
        if self.devices is None:
            from sync.health import write_device_status

            from ..devices import open_devices

            # The delivery service reports these to the manager with its status.
            self.devices = open_devices(
                settings,
                on_status=lambda **states: write_device_status(settings.data_dir, **states),
            )
        self.submitter = Submitter(
            self.outbox,
            self.devices.take_photo,
            on_error=self._on_store_error,
            on_outbox_problem=self.outbox_health.report,
        )
        self.flow = Flow(
            self.initial_dialog,
            terminal_id=settings.terminal_id,
            site=settings.site,
            submit=self.submitter.submit,
            on_spam=self.submitter.count_suppressed,
            on_dialog_applied=self._keep_dialog,
            phone_region=settings.phone_region,
            spam_window_s=settings.spam_window_s,
            voice_available=self.devices.voice_available,
            clock=self.now,
        )
        self.language = self.flow.language
        if self.speaker is None:
            self.speaker = open_speaker()
        self.speech_available = self.speaker.available
        self.announcer = Announcer(self.speaker)
        if self.dialog_fallback is None:
            # A fallback is a copy already, or the bundled dialog: never "last good".
            self._keep_dialog(self.flow.dialog)
        self.watcher = DialogWatcher(
            settings.dialog,
            self.initial_dialog.sha256,
            on_valid=self._dialog_changed,
            on_invalid=self._dialog_invalid,
            errors=self.dialog_errors,
        )
        self._stop_watching = threading.Event()
        start_daemon(self._watch_dialog, "dialog-watcher")

        self.manager = ScreenManager(transition=NoTransition())
        self._tick_event = Clock.schedule_interval(self._tick, TICK_S)
        Window.fbind("on_flip", self._on_first_frame)
        self._fault_handler = _RecoverToStart(self)
        ExceptionManager.add_handler(self._fault_handler)
        self.show()
        return self.manager

    def _on_first_frame(self, *_args) -> None:
        """The first frame is on screen: tell systemd, and feed its watchdog from the clock.

        Fed from the UI thread's clock, so a frozen UI stops feeding it and
        systemd restarts the app.
        """
        Window.funbind("on_flip", self._on_first_frame)
        systemd.ready("showing the start screen")
        feed_s = systemd.watchdog_interval_s()
        if feed_s is not None:
            Clock.schedule_interval(lambda _dt: systemd.watchdog(), feed_s)

    def _register_fonts(self) -> None:
        regular, bold = (ASSETS_DIR / "fonts" / name for name in FONT_FILES)
        if regular.exists() and bold.exists():
            # One family for Latin, Cyrillic and Hangul keeps every screen alike.
            LabelBase.register(DEFAULT_FONT, fn_regular=str(regular), fn_bold=str(bold))
            LabelBase.register(FONT_NAME, fn_regular=str(regular), fn_bold=str(bold))
        else:
            log.warning(
                "the fonts in %s are missing; Korean text will not render", ASSETS_DIR / "fonts"
            )
            return
        try:
            faces = fonts.faces()
        except FileNotFoundError as exc:
            log.warning("%s; only the first font is used", exc)
            return
        # Each label then draws with the face that has its characters.
        label_text.install(faces)

    def on_stop(self) -> None:
        systemd.stopping("stopping")
        ExceptionManager.remove_handler(self._fault_handler)
        self._stop_watching.set()
        self.outbox_health.stop()
        self.speaker.close()
        self.submitter.close()
        self.devices.close()
        self.outbox.close()

    # -- texts ------------------------------------------------------------

    def text(self, name: str, *_depends) -> str:
        """A built-in screen text (or the dialog's override) in the visitor's language.

        kv passes ``app.language`` and ``app.revision`` as ``_depends`` so the
        text is looked up again when either changes.
        """
        return screen_text(self.flow.dialog, name, self.language)

    def text_in(self, name: str, language: str) -> str:
        """A screen text in a given language (the start screen cycles through them)."""
        return screen_text(self.flow.dialog, name, language)

    def tr(self, msgid: str, *_depends, **values) -> str:
        """One of the app's own strings in the visitor's language."""
        text = gettext(self.language, msgid)
        return text.format(**values) if values else text

    def label(self, label) -> str:
        """A dialog label in the visitor's language."""
        return label.get(self.language) if label is not None else ""

    # -- steps ------------------------------------------------------------

    def act(self, action: Callable[..., Any], *args):
        """Calls one of the flow's methods, then shows the step the flow is in.

        Screens pass the method itself (``app.act(app.flow.send)``), never
        its name: a misspelt action then fails
        tests/kiosk/test_screen_actions.py rather than a visitor's tap.
        """
        if action == self.flow.begin:
            # Opening a webcam takes a second; start now so Send finds it awake.
            self.devices.camera.prepare()
        try:
            result = action(*args)
        except InvalidStep as exc:
            # A second tap landing after the screen moved on: harmless.
            log.debug("tap ignored: %s", exc)
            result = None
        self.show()
        return result

    def show(self) -> None:
        """Shows the screen of the flow's step (or the operator's), refreshed."""
        if self.flow.language != self.language:
            label_text.set_language(self.flow.language)
            self.rtl = fonts.is_rtl_language(self.flow.language)
            self.onward_mark = "‹" if self.rtl else "›"
            self.language = self.flow.language
        self._apply_access()
        if not self.operator_open:
            name = self.flow.step.value
            if name == Step.START.value and self.outbox_health.problem:
                # No visit starts while the outbox cannot store it.
                name = "out_of_order"
            self._switch(name)
            self.announcer.shown(self.flow)
        else:
            self.speaker.stop()
        self._ask_for_more_time_if_due()
        if self.probe:
            self.probe.changed()

    def _ask_for_more_time_if_due(self) -> None:
        """Puts "Do you need more time?" over the current screen while the flow says it is
        due, and takes it away once it is not (an answer, any touch, or the reset)."""
        prompt = self._more_time_prompt
        screen = self.current_screen()
        if self.flow.asks_for_more_time and not self.operator_open and screen is not None:
            if prompt is None:
                prompt = self._more_time_prompt = MoreTimePrompt()
                prompt.bind(on_more_time=lambda _prompt: self.more_time())
            prompt.seconds_left = self.flow.seconds_left
            if prompt.parent is not screen:
                if prompt.parent is not None:
                    prompt.parent.remove_widget(prompt)
                # Added last, it is drawn over the screen and takes touches first.
                screen.add_widget(prompt)
                log.info("asking whether the visitor needs more time")
                if self.probe:
                    self.probe.changed()
        elif prompt is not None and prompt.parent is not None:
            prompt.parent.remove_widget(prompt)
            if self.probe:
                self.probe.changed()

    def more_time(self) -> None:
        """The visitor answered the prompt: the visit goes on where it was."""
        log.info("the visitor asked for more time")
        self.flow.more_time()
        self._ask_for_more_time_if_due()

    def _switch(self, name: str) -> None:
        screen = self.screen(name)
        if self.manager.current != name:
            self.manager.current = name
        screen.refresh()

    # -- larger text and speech ---------------------------------------------

    def _apply_access(self) -> None:
        access = self.flow.access
        self.text_scale = LARGE_TEXT_SCALE if access.large_text else 1.0
        self.speech_on = access.speech and self.speech_available

    def toggle_large_text(self) -> None:
        """The A+ button: larger text for the rest of the visit, or normal again."""
        self.flow.set_access(large_text=not self.flow.access.large_text)
        self.show()

    def toggle_speech(self) -> None:
        """The speaker button: spoken prompts for the rest of the visit, or none."""
        self.flow.set_access(speech=not self.flow.access.speech)
        self.show()

    def button_tapped(self, text: str) -> None:
        """A button with this text is being tapped: it is said with what comes next."""
        self.announcer.tapped(text)

    def screen(self, name: str):
        """The screen called ``name``, made (with its kv file) the first time it is needed."""
        if name not in self._screens:
            Builder.load_file(str(SCREENS_DIR / f"{name}.kv"))
            module = importlib.import_module(f"kiosk.ui.screens.{name}")
            screen = module.SCREEN_CLASS(name=name, kiosk=self)
            self.manager.add_widget(screen)
            self._screens[name] = screen
        return self._screens[name]

    def current_screen(self):
        return self._screens.get(self.manager.current)

    # -- the clock, touches, keys -----------------------------------------

    def _tick(self, _dt) -> None:
        if self.probe:
            self.probe.tick()
        self._rest_if_unattended()
        before = self.flow.step
        self.flow.tick()
        if self.flow.step != before and not self.operator_open:
            self.show()
        elif self.operator_open and self.flow.step != Step.START:
            # The operator screen is left alone for as long as the operator
            # needs; the visit behind it has ended.
            self.flow.cancel()
        else:
            self._ask_for_more_time_if_due()

    def recover(self, error: BaseException) -> int:
        """An exception escaped into Kivy's loop: log it, end the visit, show the start screen.

        Returns Kivy's ``ExceptionManager.PASS`` when the app goes on. Past
        the fault budget (kiosk/faults.py), or when even the start screen
        cannot be shown, the app stops with exit code 1 for systemd to
        restart it: a screen that fails over and over must not look alive to
        the watchdog.
        """
        if not isinstance(error, Exception):
            return ExceptionManager.RAISE  # KeyboardInterrupt, SystemExit: let them end it
        log.error(
            "unexpected error; the visit is cancelled and the start screen shown", exc_info=error
        )
        if not self.faults.allows_another():
            log.critical(
                "%d unexpected errors within %.0f s: the app exits so that systemd "
                "starts it afresh",
                self.faults.recent,
                self.faults.window_s,
            )
            return self._give_up()
        try:
            self.operator_open = False
            self.flow.cancel()
            self.show()
            # Kivy drops an interval whose callback raised; without the tick
            # there would be no idle reset any more.
            self._tick_event.cancel()
            self._tick_event = Clock.schedule_interval(self._tick, TICK_S)
        except Exception:
            log.critical(
                "the start screen cannot be shown after an error; the app exits so "
                "that systemd starts it afresh",
                exc_info=True,
            )
            return self._give_up()
        return ExceptionManager.PASS

    def _give_up(self) -> int:
        # A stop rather than the exception raised on: on_stop still stores
        # the visits in hand before the process ends.
        self.exit_code = EXIT_FAILURE
        self.may_exit = True
        self.stop()
        return ExceptionManager.PASS

    def _on_sigterm(self, _signum, _frame) -> None:
        # A signal handler only sets things going; the stop runs on the clock.
        Clock.schedule_once(lambda _dt: self._stop_for_signal())

    def _stop_for_signal(self) -> None:
        log.info("stopping on SIGTERM")
        self.may_exit = True
        self.stop()

    def _on_any_touch(self, _window, _touch) -> bool:
        self.flow.touch()
        self._wake()
        return False

    def _rest_if_unattended(self) -> None:
        """Lowers Kivy's frame rate while the start screen waits untouched.

        Kivy runs its loop at the full frame rate even when nothing moves;
        on a terminal that waits for hours that is most of its CPU (measured
        by make bench). At REST_FPS a visitor's first touch waits at most
        one such frame longer; every later one is at the full rate.
        """
        if (
            not self._resting
            and self.flow.step == Step.START
            and not self.operator_open
            and self.now() - self.flow.last_touch >= REST_AFTER_S
        ):
            self._awake_fps = Clock._max_fps  # Kivy keeps its frame cap here (kivy/clock.py)
            Clock._max_fps = REST_FPS
            self._resting = True

    def _wake(self) -> None:
        if self._resting:
            Clock._max_fps = self._awake_fps
            self._resting = False

    def _on_window_size(self, _window, size) -> None:
        width, height = size
        self.scale = max(MIN_SCALE, min(width / DESIGN_SIZE_PX[0], height / DESIGN_SIZE_PX[1]))
        self.reach_top_px = self.reach_top * height

    def _set_type_scale(self, *_args) -> None:
        self.type_scale = self.scale * self.text_scale

    def font(self, design_px: float, *_depends) -> float:
        """A font size for a text of ``design_px`` at the design size; kv passes
        ``app.type_scale`` as ``_depends`` so the size follows the window and A+."""
        return font_px(design_px, self.scale, self.text_scale)

    def _on_request_close(self, *_args, **_kwargs) -> bool:
        """The window's close button and Alt+F4 do nothing; only the operator screen exits."""
        if self.may_exit:
            return False
        log.info("a request to close the window was refused (lockdown)")
        return True

    def _on_keyboard(self, _window, key, _scancode, _codepoint, modifiers) -> bool:
        """Swallows Escape, Alt+F4 and Ctrl+C; nothing typed on a keyboard leaves the app.

        Any key counts as activity, as a touch does.
        """
        self.flow.touch()
        if (
            key == ESCAPE_KEY
            or (key == F4_KEY and "alt" in modifiers)
            or (_codepoint == "c" and "ctrl" in modifiers)
        ):
            log.info("key %s refused (lockdown)", "+".join([*modifiers, str(key)]))
            return True
        return False

    # -- the dialog file ----------------------------------------------------

    def _watch_dialog(self) -> None:
        while not self._stop_watching.wait(POLL_S):
            try:
                self.watcher.poll()
            except Exception:  # the watcher must outlive any one bad read
                log.exception("checking the dialog file failed")

    def reload_dialog(self, done) -> None:
        """The operator's "reload": reads the file now; ``done()`` on the UI thread after."""

        def work() -> None:
            try:
                self.watcher.reload()
            finally:
                Clock.schedule_once(lambda _dt: done())

        start_daemon(work, "dialog-reload")

    def _dialog_changed(self, dialog: Dialog) -> None:
        Clock.schedule_once(lambda _dt: self._apply_dialog(dialog))

    def _apply_dialog(self, dialog: Dialog) -> None:
        self.dialog_errors = ()
        self.dialog_fallback = None
        self.flow.offer_dialog(dialog)
        self.revision += 1
        self.show()

    def _dialog_invalid(self, error: DialogError) -> None:
        errors = tuple(str(p) for p in error.problems)
        Clock.schedule_once(lambda _dt: self._set_dialog_errors(errors))

    def _set_dialog_errors(self, errors: tuple[str, ...]) -> None:
        self.dialog_errors = errors
        self.revision += 1
        if self.operator_open:
            self.current_screen().refresh()

    def _keep_dialog(self, dialog: Dialog) -> None:
        """A dialog visitors now see: its copy in data_dir is written off the UI thread."""
        start_daemon(lambda: self.dialog_copies.keep(dialog), "dialog-copy")

    def dialog_state(self) -> str:
        """What the operator screen says about the dialog file, or "" when all is well."""
        if not self.dialog_errors:
            return ""
        if self.dialog_fallback == BUNDLED_DEFAULT:
            return "The dialog file has errors; the bundled default dialog runs instead"
        if self.dialog_fallback:
            return "The dialog file has errors; the last good dialog runs instead"
        return "The dialog file has errors; the previous one stays in use"

    # -- storing ------------------------------------------------------------

    def _on_store_error(self, text: str) -> None:
        Clock.schedule_once(lambda _dt: setattr(self, "last_store_error", text))

    def _outbox_health_changed(self, _problem) -> None:
        Clock.schedule_once(lambda _dt: self.show())

    # -- operator mode --------------------------------------------------------

    def open_operator(self) -> None:
        """The operator corner was held: ask for the PIN (or open, on embedded defaults)."""
        if self.flow.step != Step.START:
            return
        # What a visitor chose on the start screen is not the operator's.
        self.flow.cancel()
        self._apply_access()
        self.speaker.stop()
        self.operator_open = True
        if self.settings.operator_pin_file is None and self.settings.source is None:
            # A terminal on its embedded defaults is a demonstration in a window.
            self._switch("operator")
        else:
            self._switch("pin")
        if self.probe:
            self.probe.changed()

    def check_pin(self, pin: str, done) -> None:
        """Checks ``pin`` on a worker thread; ``done(result)`` runs on the UI thread.

        ``result`` is "ok", "wrong", "locked" or a message saying what is wrong
        with the PIN file.
        """
        if self._pin_checking:
            # One try at a time: an OK pressed again during a check is not a second guess.
            return
        if self.pin_guard.locked_for_s > 0:
            done("locked")
            return
        self._pin_checking = True
        secret = self.settings.operator_pin_file

        def work() -> None:
            try:
                if secret is None:
                    raise SettingsError([])
                correct = verify_pin(pin, secret.read())
            except (SettingsError, PinFormatError) as exc:
                log.error(
                    "operator PIN cannot be checked: %s",
                    exc or "no operator.pin_file in the settings",
                )
                Clock.schedule_once(lambda _dt: self._pin_not_checked(done))
                return
            Clock.schedule_once(lambda _dt: self._pin_checked(correct, done))

        start_daemon(work, "pin-check")

    def _pin_not_checked(self, done) -> None:
        self._pin_checking = False
        done("no_pin")

    def _pin_checked(self, correct: bool, done) -> None:
        self._pin_checking = False
        self.pin_guard.record(correct)
        if correct:
            log.info("operator screen opened")
            self._switch("operator")
            done("ok")
        elif self.pin_guard.locked_for_s > 0:
            log.warning(
                "%d wrong operator PINs in a row: the PIN pad is locked for %.0f s "
                "(lockout %d since the last right PIN)",
                MAX_WRONG_TRIES,
                self.pin_guard.locked_for_s,
                self.pin_guard.lockouts,
            )
            done("locked")
        else:
            log.warning("wrong operator PIN (%d in a row)", self.pin_guard.wrong_tries)
            done("wrong")
        if self.probe:
            self.probe.changed()

    def close_operator(self) -> None:
        self.operator_open = False
        self.flow.cancel()
        self.show()

    def leave(self) -> None:
        """The operator's "leave the app": the one way out."""
        log.info("the operator left the app")
        self.may_exit = True
        self.stop()

    def outbox_summary(self) -> dict:
        health = {
            "problem": self.outbox_health.problem,
            "quarantined": self.outbox_health.quarantined(),
        }
        try:
            return {"targets": self.outbox.counts(), "error": self.last_store_error, **health}
        except OutboxError as exc:
            return {"targets": {}, "error": str(exc), **health}


class _RecoverToStart(ExceptionHandler):
    """Kivy's hook for exceptions that escape its loop; the app decides (KioskApp.recover)."""

    def __init__(self, app: KioskApp):
        self.app = app

    def handle_exception(self, inst):
        return self.app.recover(inst)


def start_daemon(target: Callable[[], object], name: str) -> threading.Thread:
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread
