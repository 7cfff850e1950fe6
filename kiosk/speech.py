"""What the terminal says aloud when a visitor has turned speech on, and when.

Each screen's question is spoken when the screen comes; a tapped button's
label is spoken first, so a visitor hears what they chose and then what is
asked next. A new screen stops what is still being said. Plain Python: the
app tells the :class:`Announcer` of taps and screens, the announcer tells a
:class:`kiosk.devices.speech.Speaker` what to say.
"""

from __future__ import annotations

import re

from .devices.speech import Speaker
from .flow import Flow, Step
from .i18n import screen_text

#: Kivy markup ([b], [color=#52606d]) and the marks buttons carry beside their words:
#: the tick of a part already added, the arrow of a choice that leads further.
_NOT_SPOKEN = re.compile(r"\[/?[a-z_]+(=[^\]]*)?\]|[✓›‹]")
#: Between the label of a tapped button and the next screen's question.
PAUSE = ". "

#: The screen text that asks each step's question (the choice step's depends on the level).
STEP_QUESTIONS = {
    Step.MESSAGE: ("message_prompt",),
    Step.TEXT: ("text_button",),
    Step.VOICE: ("voice_button",),
    Step.CALLBACK: ("callback_phone",),
    Step.PHOTO_CONSENT: ("photo_ask",),
    Step.THANKS: ("thanks",),
    Step.START: ("welcome", "invitation"),
}


def spoken(label: str) -> str:
    """A button's text as it is to be said: no markup, no marks, one line."""
    return " ".join(_NOT_SPOKEN.sub(" ", label).split())


def screen_question(flow: Flow) -> str:
    """The question the flow's current screen asks, in the visitor's language."""
    dialog, language, step = flow.dialog, flow.language, flow.step
    if step == Step.RATING:
        rating = dialog.rating
        if rating is not None and rating.prompt is not None:
            return rating.prompt.get(language)
        return screen_text(dialog, "rating_prompt", language)
    if step == Step.CHOICE:
        categories, details = flow.columns()
        if details:
            name = "detail_prompt"
        elif categories:
            name = "category_prompt"
        else:
            name = "topic_prompt"
        return screen_text(dialog, name, language)
    names = STEP_QUESTIONS.get(step, ())
    return PAUSE.join(screen_text(dialog, name, language) for name in names)


class Announcer:
    """Turns taps and screens into utterances for one speaker."""

    def __init__(self, speaker: Speaker):
        self.speaker = speaker
        self._label = ""
        self._question: tuple[Step, str, str] | None = None
        self._speaking = False

    def tapped(self, label: str) -> None:
        """A button with this text was tapped; it is said with what the tap shows next."""
        self._label = spoken(label)

    def shown(self, flow: Flow) -> None:
        """The screen now shows the flow's state: say what changed, if speech is on."""
        label, self._label = self._label, ""
        if not flow.access.speech:
            if self._speaking:
                self.speaker.stop()
            self._speaking = False
            self._question = None
            return
        question = screen_question(flow)
        key = (flow.step, flow.language, question)
        if key != self._question or not self._speaking:
            self._question = key
            self._speaking = True
            self.speaker.say(PAUSE.join(filter(None, (label, question))), flow.language)
        elif label:
            self.speaker.say(label, flow.language)
