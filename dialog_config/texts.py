"""The built-in screen texts that a dialog file's ``texts:`` may override.

The names are part of the dialog format: a name once published keeps its
meaning, so files written for it keep working. The English text is the
gettext message id the terminal translates; the description is what an
editor shows beside the name (``schema.json`` is generated from this table).
"""

from __future__ import annotations

from typing import NamedTuple


class ScreenText(NamedTuple):
    english: str
    description: str


SCREEN_TEXTS: dict[str, ScreenText] = {
    "welcome": ScreenText("Your opinion matters", "Title of the start screen"),
    "invitation": ScreenText(
        "Touch the screen to leave feedback",
        "Invitation on the start screen, shown in each language in turn",
    ),
    "choose_language": ScreenText("Language", "Caption above the language buttons"),
    "rating_prompt": ScreenText(
        "How was your visit today?", "Question on the rating screen when the rating has no prompt"
    ),
    "topic_prompt": ScreenText(
        "What would you like to tell us about?", "Heading above the row of topics"
    ),
    "category_prompt": ScreenText("What exactly?", "Heading above the column of categories"),
    "detail_prompt": ScreenText("Can you be more specific?", "Heading above the column of details"),
    "message_prompt": ScreenText("Would you like to add anything?", "Heading of the message step"),
    "voice_button": ScreenText("Voice message", "Button that records a voice message"),
    "text_button": ScreenText("Write a message", "Button that opens the keyboard"),
    "callback_button": ScreenText("Call me back", "Button that asks for a phone number"),
    "send": ScreenText("Send", "Button that sends the message"),
    "back": ScreenText("Back", "Button that goes one step back"),
    "cancel": ScreenText("Cancel", "Button that drops the visit and returns to the start"),
    "done": ScreenText("Done", "Button that closes the keyboard or a form"),
    "text_placeholder": ScreenText("Type your message here", "Hint inside the empty text box"),
    "callback_name": ScreenText("Your name (optional)", "Label of the name field"),
    "callback_phone": ScreenText("Phone number", "Label of the phone field"),
    "callback_consent": ScreenText(
        "I agree to be contacted about my feedback",
        "Consent box a visitor must tick to leave a number",
    ),
    "phone_invalid": ScreenText(
        "Please check the number", "Shown under a phone number that is not valid"
    ),
    "record": ScreenText("Record", "Button that starts recording"),
    "stop": ScreenText("Stop", "Button that stops recording"),
    "listen": ScreenText("Listen", "Button that plays the recording back"),
    "record_again": ScreenText("Record again", "Button that drops the recording and starts anew"),
    "photo_notice": ScreenText(
        "A photo of this moment is attached to your message",
        "Notice shown when the photo mode is notice",
    ),
    "photo_ask": ScreenText(
        "May we attach a photo of this moment?", "Question shown when the photo mode is ask"
    ),
    "photo_agree": ScreenText("Yes, take a photo", "Button that agrees to the photo"),
    "photo_decline": ScreenText("No photo", "Button that declines the photo"),
    "thanks": ScreenText("Thank you! Your message has been sent.", "Title of the thanks screen"),
    "promoter_prompt": ScreenText(
        "Glad you liked it! Tell others:",
        "Text above the QR code when the promoter link has no prompt",
    ),
}
