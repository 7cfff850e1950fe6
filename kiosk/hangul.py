"""Hangul syllables composed from jamo as a visitor types them on the two-set (두벌식) layout.

A Korean keyboard has one key per jamo (letter); the syllable blocks people
read are built while they type. The syllable being built is a
:class:`Syllable`: an initial consonant, a medial vowel and an optional
final consonant. Each jamo either joins it or ends it, as every two-set
input method does:

- a consonant then a vowel make ``가``; a further consonant becomes the
  final (``각``), two of them may form a compound final (``갃``, ``닭``);
- two vowels may form a compound vowel (``ㅗ`` + ``ㅏ`` = ``ㅘ``);
- a vowel after a final takes that final as its own initial
  (``각`` + ``ㅏ`` → ``가가``); of a compound final only the second
  consonant moves (``닭`` + ``ㅏ`` → ``달가``, ``값`` + ``ㅣ`` → ``갑시``),
  which is why a compound such as ``ㄳ`` never has to stand as an initial;
- a vowel with nothing before it stands alone as a bare jamo (``ㅏ``), as
  standard input methods show it, without inventing a silent ``ㅇ``;
- backspace takes the syllable apart one keystroke at a time
  (``한`` → ``하`` → ``ㅎ`` → nothing).

Jamo are the Hangul Compatibility Jamo (U+3131…U+3163) that keyboard labels
use; syllables come from Unicode's arithmetic, so the text is already NFC.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The first precomposed syllable, 가; the others follow in index order.
SYLLABLES_START = 0xAC00
#: Initial consonants (choseong) in Unicode index order.
INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
#: Medial vowels (jungseong) in Unicode index order.
MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
#: Final consonants (jongseong) in Unicode index order; index 0 is "no final".
FINALS = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")

#: Vowels typed one after the other that make one vowel.
COMPOUND_VOWELS = {
    ("ㅗ", "ㅏ"): "ㅘ",
    ("ㅗ", "ㅐ"): "ㅙ",
    ("ㅗ", "ㅣ"): "ㅚ",
    ("ㅜ", "ㅓ"): "ㅝ",
    ("ㅜ", "ㅔ"): "ㅞ",
    ("ㅜ", "ㅣ"): "ㅟ",
    ("ㅡ", "ㅣ"): "ㅢ",
}
#: Final consonants typed one after the other that make one final.
COMPOUND_FINALS = {
    ("ㄱ", "ㅅ"): "ㄳ",
    ("ㄴ", "ㅈ"): "ㄵ",
    ("ㄴ", "ㅎ"): "ㄶ",
    ("ㄹ", "ㄱ"): "ㄺ",
    ("ㄹ", "ㅁ"): "ㄻ",
    ("ㄹ", "ㅂ"): "ㄼ",
    ("ㄹ", "ㅅ"): "ㄽ",
    ("ㄹ", "ㅌ"): "ㄾ",
    ("ㄹ", "ㅍ"): "ㄿ",
    ("ㄹ", "ㅎ"): "ㅀ",
    ("ㅂ", "ㅅ"): "ㅄ",
}
_VOWEL_PARTS = {compound: parts for parts, compound in COMPOUND_VOWELS.items()}
_FINAL_PARTS = {compound: parts for parts, compound in COMPOUND_FINALS.items()}
#: Consonants a keyboard can type: the initials (ㄸ ㅃ ㅉ can never be finals).
CONSONANTS = frozenset(INITIALS)
#: Vowels a keyboard can type (compound vowels are typed as two keys).
VOWELS = frozenset(MEDIALS) - frozenset(_VOWEL_PARTS)


def is_jamo(text: str) -> bool:
    """Whether ``text`` is one jamo a two-set keyboard types (and so composes)."""
    return text in CONSONANTS or text in VOWELS


def syllable(initial: str, medial: str, final: str = "") -> str:
    """The precomposed syllable, e.g. ``syllable("ㅎ", "ㅏ", "ㄴ") == "한"``."""
    index = (INITIALS.index(initial) * len(MEDIALS) + MEDIALS.index(medial)) * len(FINALS)
    return chr(SYLLABLES_START + index + FINALS.index(final))


@dataclass(frozen=True)
class Syllable:
    """The syllable being composed; empty strings for the parts not typed yet.

    Immutable: :meth:`add` and :meth:`backspace` return the next state, so a
    caller can try a keystroke and drop it (the keyboard does, to refuse one
    that would exceed its character limit).
    """

    initial: str = ""
    medial: str = ""
    final: str = ""

    def __bool__(self) -> bool:
        return bool(self.initial or self.medial)

    @property
    def text(self) -> str:
        """How it shows: a syllable block, or a bare jamo while only one part is typed."""
        if self.initial and self.medial:
            return syllable(self.initial, self.medial, self.final)
        return self.initial or self.medial

    def add(self, jamo: str) -> tuple[str, Syllable]:
        """Types one jamo: returns the text this keystroke completes and the new syllable."""
        if jamo in CONSONANTS:
            return self._add_consonant(jamo)
        if jamo in VOWELS:
            return self._add_vowel(jamo)
        raise ValueError(
            f"{jamo!r} is not a jamo of the two-set keyboard; "
            "commit the syllable and type it as plain text instead"
        )

    def _add_consonant(self, consonant: str) -> tuple[str, Syllable]:
        if self.initial and self.medial:
            if not self.final and consonant in FINALS:
                return "", Syllable(self.initial, self.medial, consonant)
            compound = COMPOUND_FINALS.get((self.final, consonant))
            if compound:
                return "", Syllable(self.initial, self.medial, compound)
        # A lone consonant, a bare vowel (which takes no final), a full
        # syllable, or a consonant that cannot be a final (ㄸ ㅃ ㅉ): this
        # consonant starts the next syllable.
        return self.text, Syllable(initial=consonant)

    def _add_vowel(self, vowel: str) -> tuple[str, Syllable]:
        if self.final:
            # The final becomes the next syllable's initial; of a compound
            # final only the second consonant moves (닭 + ㅏ → 달가).
            kept, moved = _FINAL_PARTS.get(self.final, ("", self.final))
            done = Syllable(self.initial, self.medial, kept)
            return done.text, Syllable(initial=moved, medial=vowel)
        if self.medial:
            compound = COMPOUND_VOWELS.get((self.medial, vowel))
            if compound:
                return "", Syllable(self.initial, compound)
            return self.text, Syllable(medial=vowel)
        return "", Syllable(self.initial, vowel)

    def backspace(self) -> Syllable:
        """The syllable without its last keystroke (``닭`` → ``달``, ``와`` → ``오``)."""
        if self.final:
            first, _ = _FINAL_PARTS.get(self.final, ("", ""))
            return Syllable(self.initial, self.medial, first)
        if self.medial:
            first, _ = _VOWEL_PARTS.get(self.medial, ("", ""))
            return Syllable(self.initial, first)
        return Syllable()


def compose(jamo: str) -> str:
    """All of ``jamo`` typed in order, e.g. ``compose("ㄷㅏㄹㄱ") == "닭"`` (for tests and tools)."""
    text, current = [], Syllable()
    for each in jamo:
        done, current = current.add(each)
        text.append(done)
    return "".join(text) + current.text
