"""espeak-ng as the terminal's speaker: a voice for every shipped language, speech on
the audio output (a PulseAudio null sink), and silence once it is stopped."""

from __future__ import annotations

import pytest

from kiosk.devices.speech import EspeakSpeaker, NoSpeaker, espeak_command, open_speaker
from kiosk.i18n import shipped_languages
from kiosk.voices import installed_voices, parse_voices, voice_for

#: RMS of the null sink's monitor: espeak-ng speech is around 0.1; digital silence is 0.
SPEECH_RMS = 0.02
SILENCE_RMS = 0.001
LONG_TEXT = "This sentence goes on for a while so that there is time to stop it early. " * 3

LISTING = """\
Pty Language       Age/Gender VoiceName          File                 Other Languages
 5  af              --/M      Afrikaans          gmw/af
 2  en-gb           --/M      English_(Great_Britain) gmw/en
 5  en-us           --/M      English_(America)  gmw/en-US
 5  pt              --/M      Portuguese_(Portugal) roa/pt
 5  pt-BR           --/M      Portuguese_(Brazil) roa/pt-BR
"""


def test_the_voice_listing_is_read_by_language_code():
    assert parse_voices(LISTING) == {"af", "en-gb", "en-us", "pt", "pt-br"}


@pytest.mark.parametrize(
    ("language", "voice"),
    [("pt-BR", "pt-br"), ("pt", "pt"), ("en", "en-gb"), ("en-US", "en-us"), ("el", None)],
)
def test_a_language_takes_its_own_voice_else_its_primary_one(language, voice):
    assert voice_for(language, parse_voices(LISTING)) == voice


def test_the_command_speaks_the_text_even_when_it_starts_with_a_dash():
    command = espeak_command("-- not an option", "it")
    assert command[:3] == ["espeak-ng", "-v", "it"]
    assert command[-2:] == ["--", "-- not an option"]


def test_espeak_ng_has_a_voice_for_every_shipped_language():
    voices = installed_voices()
    assert voices is not None, "espeak-ng is missing: apt-get install espeak-ng"
    assert [code for code in shipped_languages() if voice_for(code, voices) is None] == []


def test_without_espeak_ng_the_speaker_is_silent_and_not_offered():
    speaker = open_speaker(program="no-such-espeak")
    assert isinstance(speaker, NoSpeaker) and not speaker.available
    speaker.say("hello", "en")  # nothing happens, nothing raises


@pytest.mark.slow
def test_speech_plays_on_the_audio_output_and_stop_silences_it(pulse):
    speaker = open_speaker()
    assert isinstance(speaker, EspeakSpeaker)
    assert pulse.monitor_rms(0.5) < SILENCE_RMS
    speaker.say(LONG_TEXT, "en")
    assert max(pulse.monitor_levels(5.0, until=SPEECH_RMS)) >= SPEECH_RMS
    speaker.stop()
    assert not speaker.speaking
    assert pulse.monitor_rms(1.0) < SILENCE_RMS


@pytest.mark.slow
def test_a_new_utterance_ends_the_one_before(pulse):
    speaker = open_speaker()
    speaker.say(LONG_TEXT, "en")
    first = speaker._process
    speaker.say("Καλησπέρα", "el")
    assert first is not None and first.poll() is not None, "the first utterance was killed"
    assert max(pulse.monitor_levels(5.0, until=SPEECH_RMS)) >= SPEECH_RMS
    speaker.close()


def test_the_shipped_languages_are_english_and_every_catalog():
    languages = shipped_languages()
    assert languages[0] == "en" and {"ar", "el", "ko", "pt-BR", "uk"} <= set(languages)
    assert len(languages) == len(set(languages)) == 23
