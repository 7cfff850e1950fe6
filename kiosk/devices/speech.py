"""Spoken prompts: a speaker that says a text in a language, and stops when told.

The real one runs espeak-ng (Debian package ``espeak-ng``), which speaks
offline through the system's audio output (PulseAudio or ALSA, whatever
the terminal plays sound with). One utterance at a time: a new one, or
:meth:`Speaker.stop`, ends the one before by killing its process, so a
visitor who taps on never hears the last screen over the next.

For the app::

    speaker = open_speaker()
    speaker.has_voice("el")          # a voice for the language at all?
    speaker.say("Πώς ήταν;", "el")   # returns at once; speaks in its own process
    speaker.stop()
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Iterable

from ..voices import ESPEAK, ESPEAK_PACKAGE, installed_voices, voice_for

log = logging.getLogger(__name__)

#: Words per minute: espeak-ng's default (175) is quick for a visitor who listens hard.
WORDS_PER_MINUTE = 150
#: How long a killed utterance may take to end before it is left to the kernel.
STOP_TIMEOUT_S = 2.0


def espeak_command(text: str, voice: str, *, program: str = ESPEAK) -> list[str]:
    """The command line that speaks ``text`` with ``voice`` on the default audio output.

    The text goes after ``--`` so that a label starting with a dash is
    spoken, not read as an option.
    """
    return [program, "-v", voice, "-s", str(WORDS_PER_MINUTE), "--", text]


class Speaker:
    """Says texts; the base is silent (a terminal without speech)."""

    #: Whether the speaker button is offered at all.
    available = False

    def has_voice(self, language: str) -> bool:
        return False

    def say(self, text: str, language: str) -> None:
        """Stops what is being said and starts ``text``; returns at once."""

    def stop(self) -> None:
        """Ends what is being said, if anything."""

    def close(self) -> None:
        self.stop()


class NoSpeaker(Speaker):
    """No espeak-ng on this terminal: the speaker button is not shown."""


class EspeakSpeaker(Speaker):
    """espeak-ng in a process per utterance, killed by the next one."""

    available = True

    def __init__(self, voices: Iterable[str], *, program: str = ESPEAK):
        self.voices = frozenset(voices)
        self.program = program
        self._process: subprocess.Popen | None = None

    def has_voice(self, language: str) -> bool:
        return voice_for(language, self.voices) is not None

    def say(self, text: str, language: str) -> None:
        self.stop()
        voice = voice_for(language, self.voices)
        if voice is None or not text.strip():
            return
        try:
            # Popen forks with vfork: a millisecond or two on the UI thread,
            # and the speech itself runs in its own process.
            self._process = subprocess.Popen(
                espeak_command(text, voice, program=self.program),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            log.warning("%s cannot be started (%s); nothing is spoken", self.program, exc)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.kill()
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            log.warning("%s did not end when killed (pid %d)", self.program, process.pid)

    @property
    def speaking(self) -> bool:
        return self._process is not None and self._process.poll() is None


def open_speaker(program: str = ESPEAK) -> Speaker:
    """espeak-ng when it is installed; otherwise a silent speaker, logged."""
    voices = installed_voices(program)
    if voices is None:
        log.warning(
            "%s is not installed: the speaker button is hidden; install the Debian package %s",
            program,
            ESPEAK_PACKAGE,
        )
        return NoSpeaker()
    return EspeakSpeaker(voices, program=program)
