"""One visitor message as one mail, as mailbox-format.md says.

Nothing a visitor typed ever reaches a header: headers are built from the
terminal's own fields (id, terminal, tone, rating), the operator's labels
and the technician's site, each cleared of line breaks and control
characters; the visitor's text, name and phone go only into the bodies,
escaped in the HTML one.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import json
import re
import unicodedata
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from sync.media_types import DEFAULT_CONTENT_TYPE, default_file_name

#: The contract's limit for the subject, after which it ends with "…".
SUBJECT_MAX_CHARS = 120
PATH_SEPARATOR = " › "

#: Words in every language the terminal has interface texts for; others get English.
#: The subject uses the dialog's default language (the labels' language).
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "complaint": "Complaint",
        "praise": "Praise",
        "suggestion": "Suggestion",
        "question": "Question",
        "none": "Feedback",
        "path": "Path",
        "rating": "Rating",
        "text": "Text",
        "callback": "Call back",
        "time": "Time",
        "site": "Site",
        "terminal": "Terminal",
        "voice": "Voice message",
        "no_rating": "none",
        "seconds": "s",
        "attachments": "Attachments",
        "lost_photo": "The photo was lost on the terminal",
        "lost_voice": "The voice message was lost on the terminal",
    },
    "it": {
        "complaint": "Reclamo",
        "praise": "Elogio",
        "suggestion": "Suggerimento",
        "question": "Domanda",
        "none": "Feedback",
        "path": "Percorso",
        "rating": "Voto",
        "text": "Testo",
        "callback": "Richiamare",
        "time": "Ora",
        "site": "Sede",
        "terminal": "Terminale",
        "voice": "Messaggio vocale",
        "no_rating": "nessuno",
        "seconds": "s",
        "attachments": "Allegati",
        "lost_photo": "La foto è andata persa sul terminale",
        "lost_voice": "Il messaggio vocale è andato perso sul terminale",
    },
    "ru": {
        "complaint": "Жалоба",
        "praise": "Благодарность",
        "suggestion": "Предложение",
        "question": "Вопрос",
        "none": "Отзыв",
        "path": "Раздел",
        "rating": "Оценка",
        "text": "Текст",
        "callback": "Перезвонить",
        "time": "Время",
        "site": "Место",
        "terminal": "Терминал",
        "voice": "Голосовое сообщение",
        "no_rating": "нет",
        "seconds": "с",
        "attachments": "Вложения",
        "lost_photo": "Фото потеряно на терминале",
        "lost_voice": "Голосовое сообщение потеряно на терминале",
    },
    "ko": {
        "complaint": "불만",
        "praise": "칭찬",
        "suggestion": "제안",
        "question": "질문",
        "none": "의견",
        "path": "항목",
        "rating": "평가",
        "text": "내용",
        "callback": "회신 요청",
        "time": "시간",
        "site": "장소",
        "terminal": "단말기",
        "voice": "음성 메시지",
        "no_rating": "없음",
        "seconds": "초",
        "attachments": "첨부 파일",
        "lost_photo": "사진이 단말기에서 유실되었습니다",
        "lost_voice": "음성 메시지가 단말기에서 유실되었습니다",
    },
    "de": {
        "complaint": "Beschwerde",
        "praise": "Lob",
        "suggestion": "Vorschlag",
        "question": "Frage",
        "none": "Feedback",
        "path": "Pfad",
        "rating": "Bewertung",
        "text": "Text",
        "callback": "Rückruf",
        "time": "Zeit",
        "site": "Standort",
        "terminal": "Terminal",
        "voice": "Sprachnachricht",
        "no_rating": "keine",
        "seconds": "s",
        "attachments": "Anhänge",
        "lost_photo": "Das Foto ist auf dem Terminal verloren gegangen",
        "lost_voice": "Die Sprachnachricht ist auf dem Terminal verloren gegangen",
    },
    "fr": {
        "complaint": "Réclamation",
        "praise": "Compliment",
        "suggestion": "Suggestion",
        "question": "Question",
        "none": "Avis",
        "path": "Parcours",
        "rating": "Note",
        "text": "Texte",
        "callback": "Rappel",
        "time": "Heure",
        "site": "Site",
        "terminal": "Terminal",
        "voice": "Message vocal",
        "no_rating": "aucune",
        "seconds": "s",
        "attachments": "Pièces jointes",
        "lost_photo": "La photo a été perdue sur le terminal",
        "lost_voice": "Le message vocal a été perdu sur le terminal",
    },
    "es": {
        "complaint": "Queja",
        "praise": "Elogio",
        "suggestion": "Sugerencia",
        "question": "Pregunta",
        "none": "Opinión",
        "path": "Ruta",
        "rating": "Valoración",
        "text": "Texto",
        "callback": "Devolver la llamada",
        "time": "Hora",
        "site": "Centro",
        "terminal": "Terminal",
        "voice": "Mensaje de voz",
        "no_rating": "ninguna",
        "seconds": "s",
        "attachments": "Adjuntos",
        "lost_photo": "La foto se perdió en el terminal",
        "lost_voice": "El mensaje de voz se perdió en el terminal",
    },
    "pt": {
        "complaint": "Reclamação",
        "praise": "Elogio",
        "suggestion": "Sugestão",
        "question": "Pergunta",
        "none": "Opinião",
        "path": "Percurso",
        "rating": "Avaliação",
        "text": "Texto",
        "callback": "Ligar de volta",
        "time": "Hora",
        "site": "Local",
        "terminal": "Terminal",
        "voice": "Mensagem de voz",
        "no_rating": "nenhuma",
        "seconds": "s",
        "attachments": "Anexos",
        "lost_photo": "A fotografia perdeu-se no terminal",
        "lost_voice": "A mensagem de voz perdeu-se no terminal",
    },
    "pt-BR": {
        "complaint": "Reclamação",
        "praise": "Elogio",
        "suggestion": "Sugestão",
        "question": "Pergunta",
        "none": "Opinião",
        "path": "Caminho",
        "rating": "Avaliação",
        "text": "Texto",
        "callback": "Retornar a ligação",
        "time": "Hora",
        "site": "Local",
        "terminal": "Terminal",
        "voice": "Mensagem de voz",
        "no_rating": "nenhuma",
        "seconds": "s",
        "attachments": "Anexos",
        "lost_photo": "A foto se perdeu no terminal",
        "lost_voice": "A mensagem de voz se perdeu no terminal",
    },
    "nl": {
        "complaint": "Klacht",
        "praise": "Compliment",
        "suggestion": "Suggestie",
        "question": "Vraag",
        "none": "Feedback",
        "path": "Pad",
        "rating": "Beoordeling",
        "text": "Tekst",
        "callback": "Terugbellen",
        "time": "Tijd",
        "site": "Locatie",
        "terminal": "Terminal",
        "voice": "Spraakbericht",
        "no_rating": "geen",
        "seconds": "s",
        "attachments": "Bijlagen",
        "lost_photo": "De foto is op de terminal verloren gegaan",
        "lost_voice": "Het spraakbericht is op de terminal verloren gegaan",
    },
    "pl": {
        "complaint": "Skarga",
        "praise": "Pochwała",
        "suggestion": "Sugestia",
        "question": "Pytanie",
        "none": "Opinia",
        "path": "Ścieżka",
        "rating": "Ocena",
        "text": "Tekst",
        "callback": "Oddzwonić",
        "time": "Czas",
        "site": "Lokalizacja",
        "terminal": "Terminal",
        "voice": "Wiadomość głosowa",
        "no_rating": "brak",
        "seconds": "s",
        "attachments": "Załączniki",
        "lost_photo": "Zdjęcie zaginęło na terminalu",
        "lost_voice": "Wiadomość głosowa zaginęła na terminalu",
    },
    "uk": {
        "complaint": "Скарга",
        "praise": "Подяка",
        "suggestion": "Пропозиція",
        "question": "Питання",
        "none": "Відгук",
        "path": "Розділ",
        "rating": "Оцінка",
        "text": "Текст",
        "callback": "Передзвонити",
        "time": "Час",
        "site": "Місце",
        "terminal": "Термінал",
        "voice": "Голосове повідомлення",
        "no_rating": "немає",
        "seconds": "с",
        "attachments": "Вкладення",
        "lost_photo": "Фото втрачено на терміналі",
        "lost_voice": "Голосове повідомлення втрачено на терміналі",
    },
    "tr": {
        "complaint": "Şikâyet",
        "praise": "Övgü",
        "suggestion": "Öneri",
        "question": "Soru",
        "none": "Görüş",
        "path": "Yol",
        "rating": "Puan",
        "text": "Metin",
        "callback": "Geri arama",
        "time": "Zaman",
        "site": "Konum",
        "terminal": "Terminal",
        "voice": "Sesli mesaj",
        "no_rating": "yok",
        "seconds": "sn",
        "attachments": "Ekler",
        "lost_photo": "Fotoğraf terminalde kayboldu",
        "lost_voice": "Sesli mesaj terminalde kayboldu",
    },
    "cs": {
        "complaint": "Stížnost",
        "praise": "Pochvala",
        "suggestion": "Návrh",
        "question": "Dotaz",
        "none": "Názor",
        "path": "Cesta",
        "rating": "Hodnocení",
        "text": "Text",
        "callback": "Zavolat zpět",
        "time": "Čas",
        "site": "Místo",
        "terminal": "Terminál",
        "voice": "Hlasová zpráva",
        "no_rating": "žádné",
        "seconds": "s",
        "attachments": "Přílohy",
        "lost_photo": "Fotografie se na terminálu ztratila",
        "lost_voice": "Hlasová zpráva se na terminálu ztratila",
    },
    "sv": {
        "complaint": "Klagomål",
        "praise": "Beröm",
        "suggestion": "Förslag",
        "question": "Fråga",
        "none": "Synpunkt",
        "path": "Sökväg",
        "rating": "Betyg",
        "text": "Text",
        "callback": "Ring upp",
        "time": "Tid",
        "site": "Plats",
        "terminal": "Terminal",
        "voice": "Röstmeddelande",
        "no_rating": "inget",
        "seconds": "s",
        "attachments": "Bilagor",
        "lost_photo": "Fotot gick förlorat i terminalen",
        "lost_voice": "Röstmeddelandet gick förlorat i terminalen",
    },
    "da": {
        "complaint": "Klage",
        "praise": "Ros",
        "suggestion": "Forslag",
        "question": "Spørgsmål",
        "none": "Feedback",
        "path": "Sti",
        "rating": "Bedømmelse",
        "text": "Tekst",
        "callback": "Ring tilbage",
        "time": "Tid",
        "site": "Sted",
        "terminal": "Terminal",
        "voice": "Talebesked",
        "no_rating": "ingen",
        "seconds": "s",
        "attachments": "Vedhæftede filer",
        "lost_photo": "Fotoet gik tabt på terminalen",
        "lost_voice": "Talebeskeden gik tabt på terminalen",
    },
    "nb": {
        "complaint": "Klage",
        "praise": "Ros",
        "suggestion": "Forslag",
        "question": "Spørsmål",
        "none": "Tilbakemelding",
        "path": "Sti",
        "rating": "Vurdering",
        "text": "Tekst",
        "callback": "Ring tilbake",
        "time": "Tid",
        "site": "Sted",
        "terminal": "Terminal",
        "voice": "Talemelding",
        "no_rating": "ingen",
        "seconds": "s",
        "attachments": "Vedlegg",
        "lost_photo": "Bildet gikk tapt på terminalen",
        "lost_voice": "Talemeldingen gikk tapt på terminalen",
    },
    "fi": {
        "complaint": "Valitus",
        "praise": "Kiitos",
        "suggestion": "Ehdotus",
        "question": "Kysymys",
        "none": "Palaute",
        "path": "Polku",
        "rating": "Arvio",
        "text": "Teksti",
        "callback": "Takaisinsoitto",
        "time": "Aika",
        "site": "Toimipiste",
        "terminal": "Pääte",
        "voice": "Ääniviesti",
        "no_rating": "ei arviota",
        "seconds": "s",
        "attachments": "Liitteet",
        "lost_photo": "Valokuva katosi päätteeltä",
        "lost_voice": "Ääniviesti katosi päätteeltä",
    },
    "el": {
        "complaint": "Παράπονο",
        "praise": "Έπαινος",
        "suggestion": "Πρόταση",
        "question": "Ερώτηση",
        "none": "Σχόλιο",
        "path": "Διαδρομή",
        "rating": "Βαθμολογία",
        "text": "Κείμενο",
        "callback": "Επανάκληση",
        "time": "Ώρα",
        "site": "Τοποθεσία",
        "terminal": "Τερματικό",
        "voice": "Φωνητικό μήνυμα",
        "no_rating": "καμία",
        "seconds": "δευτ.",
        "attachments": "Συνημμένα",
        "lost_photo": "Η φωτογραφία χάθηκε στο τερματικό",
        "lost_voice": "Το φωνητικό μήνυμα χάθηκε στο τερματικό",
    },
    "ro": {
        "complaint": "Reclamație",
        "praise": "Laudă",
        "suggestion": "Sugestie",
        "question": "Întrebare",
        "none": "Părere",
        "path": "Traseu",
        "rating": "Evaluare",
        "text": "Text",
        "callback": "Apel înapoi",
        "time": "Ora",
        "site": "Locație",
        "terminal": "Terminal",
        "voice": "Mesaj vocal",
        "no_rating": "niciuna",
        "seconds": "s",
        "attachments": "Atașamente",
        "lost_photo": "Fotografia s-a pierdut pe terminal",
        "lost_voice": "Mesajul vocal s-a pierdut pe terminal",
    },
    "hu": {
        "complaint": "Panasz",
        "praise": "Dicséret",
        "suggestion": "Javaslat",
        "question": "Kérdés",
        "none": "Vélemény",
        "path": "Útvonal",
        "rating": "Értékelés",
        "text": "Szöveg",
        "callback": "Visszahívás",
        "time": "Idő",
        "site": "Helyszín",
        "terminal": "Terminál",
        "voice": "Hangüzenet",
        "no_rating": "nincs",
        "seconds": "mp",
        "attachments": "Mellékletek",
        "lost_photo": "A fénykép elveszett a terminálon",
        "lost_voice": "A hangüzenet elveszett a terminálon",
    },
    "ar": {
        "complaint": "شكوى",
        "praise": "إشادة",
        "suggestion": "اقتراح",
        "question": "سؤال",
        "none": "رأي",
        "path": "المسار",
        "rating": "التقييم",
        "text": "النص",
        "callback": "معاودة الاتصال",
        "time": "الوقت",
        "site": "الموقع",
        "terminal": "الجهاز",
        "voice": "رسالة صوتية",
        "no_rating": "لا يوجد",
        "seconds": "ث",
        "attachments": "المرفقات",
        "lost_photo": "فُقدت الصورة على الجهاز",
        "lost_voice": "فُقدت الرسالة الصوتية على الجهاز",
    },
    "he": {
        "complaint": "תלונה",
        "praise": "מחמאה",
        "suggestion": "הצעה",
        "question": "שאלה",
        "none": "משוב",
        "path": "נתיב",
        "rating": "דירוג",
        "text": "טקסט",
        "callback": "חזרה טלפונית",
        "time": "שעה",
        "site": "אתר",
        "terminal": "מסוף",
        "voice": "הודעה קולית",
        "no_rating": "אין",
        "seconds": "שנ׳",
        "attachments": "קבצים מצורפים",
        "lost_photo": "התמונה אבדה במסוף",
        "lost_voice": "ההודעה הקולית אבדה במסוף",
    },
}

_SMILEY_FACES = {3: "☹😐☺", 4: "☹🙁🙂☺", 5: "😠☹😐🙂😄"}


def words_in(language: str) -> dict[str, str]:
    """The mail's words in ``language``, else in its base language (de-AT → de), else English."""
    return WORDS.get(language) or WORDS.get(language.split("-")[0]) or WORDS["en"]


def message_id_header(message: dict[str, Any]) -> str:
    """``<{id}@{terminal}.kiosk.invalid>``: the same on every retry, so a repeat can be dropped."""
    return f"<{message['id']}@{_header_safe(message['terminal_id'])}.kiosk.invalid>"


def subject(message: dict[str, Any], language: str = "en") -> str:
    """``[{site}] {tone word}: {topic} › {category} › {detail}``, at most 120 characters."""
    words = words_in(language)
    site = message.get("site") or message["terminal_id"]
    what = PATH_SEPARATOR.join(item["label"] for item in message["path"])
    if not what:
        what = f"{words['rating']} {rating_text(message['rating'], words)}"
    text = _header_safe(f"[{site}] {words.get(message['tone'], words['none'])}: {what}")
    if len(text) > SUBJECT_MAX_CHARS:
        text = text[: SUBJECT_MAX_CHARS - 1].rstrip() + "…"
    return text


def rating_text(rating: dict[str, Any] | None, words: dict[str, str]) -> str:
    if rating is None:
        return words["no_rating"]
    if rating["kind"] == "nps":
        return f"{rating['value']}/10 (NPS)"
    faces = _SMILEY_FACES.get(rating["scale"], "")
    face = f" {faces[rating['value'] - 1]}" if 1 <= rating["value"] <= len(faces) else ""
    return f"{rating['value']}/{rating['scale']}{face}"


def build_mail(
    message: dict[str, Any],
    *,
    sender: str,
    recipients: tuple[str, ...] | list[str],
    photo: bytes | None = None,
    voice: bytes | None = None,
    language: str = "en",
) -> EmailMessage:
    """The mail for ``message``; ``photo`` and ``voice`` are the attachments' bytes."""
    words = words_in(language)
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = ", ".join(recipients)
    mail["Date"] = format_datetime(datetime.datetime.fromisoformat(message["created_at"]))
    mail["Message-ID"] = message_id_header(message)
    mail["Subject"] = subject(message, language)
    mail["X-Kiosk-Message-Id"] = _header_safe(message["id"])
    mail["X-Kiosk-Terminal"] = _header_safe(message["terminal_id"])
    mail["X-Kiosk-Tone"] = _header_safe(message["tone"])
    rating = message["rating"]
    mail["X-Kiosk-Rating"] = (
        "none" if rating is None else f"{rating['kind']} {rating['value']}/{rating['scale']}"
    )

    rows = _body_rows(message, words)
    mail.set_content(_plain_body(rows), subtype="plain", charset="utf-8")
    mail.add_alternative(_html_body(rows, language), subtype="html", charset="utf-8")
    # add_attachment turns the alternative into the first part of a multipart/mixed.
    # The contract names the attachments photo.jpg and voice.ogg: what the terminal records.
    for kind, data in (("photo", photo), ("voice", voice)):
        if data is not None:
            maintype, subtype = DEFAULT_CONTENT_TYPE[kind].split("/")
            mail.add_attachment(
                data, maintype=maintype, subtype=subtype, filename=default_file_name(kind)
            )
    mail.add_attachment(
        json.dumps(message, ensure_ascii=False, indent=2).encode("utf-8"),
        maintype="application",
        subtype="json",
        filename="message.json",
    )
    return mail


def build_digest(
    messages: list[tuple[dict[str, Any], dict[str, bytes | None]]],
    *,
    sender: str,
    recipients: tuple[str, ...] | list[str],
    language: str = "en",
) -> EmailMessage:
    """One mail for several messages (sent when over the mail rate), each as in its own mail.

    ``messages`` pairs each message with its photo and voice bytes. The
    attachments are numbered like the sections (``2-photo.jpg``), and
    ``messages.json`` holds every message.
    """
    words = WORDS.get(language, WORDS["en"])
    first = messages[0][0]
    ids = sorted(message["id"] for message, _ in messages)
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = ", ".join(recipients)
    mail["Date"] = format_datetime(datetime.datetime.now(datetime.timezone.utc))
    digest_id = hashlib.sha256("\n".join(ids).encode()).hexdigest()[:32]
    mail["Message-ID"] = f"<digest-{digest_id}@{_header_safe(first['terminal_id'])}.kiosk.invalid>"
    mail["Subject"] = _header_safe(
        f"[{first.get('site') or first['terminal_id']}] {len(messages)} × {words['none']} (digest)"
    )
    mail["X-Kiosk-Terminal"] = _header_safe(first["terminal_id"])
    mail["X-Kiosk-Message-Id"] = _header_safe(" ".join(ids))
    sections = []
    for number, (message, _media) in enumerate(messages, start=1):
        title = f"#{number} {subject(message, language)}"
        sections.append(
            f"{title}\n{'=' * min(len(title), 72)}\n" + _plain_body(_body_rows(message, words))
        )
    mail.set_content("\n".join(sections), subtype="plain", charset="utf-8")
    for number, (_message, media) in enumerate(messages, start=1):
        for kind in ("photo", "voice"):
            data = media.get(kind)
            if data is not None:
                maintype, subtype = DEFAULT_CONTENT_TYPE[kind].split("/")
                mail.add_attachment(
                    data,
                    maintype=maintype,
                    subtype=subtype,
                    filename=f"{number}-{default_file_name(kind)}",
                )
    mail.add_attachment(
        json.dumps([m for m, _ in messages], ensure_ascii=False, indent=2).encode("utf-8"),
        maintype="application",
        subtype="json",
        filename="messages.json",
    )
    return mail


# A row of the body: a label, its text, and for the phone a tel: link.
_Row = tuple[str, str, str | None]


def _body_rows(message: dict[str, Any], words: dict[str, str]) -> list[_Row]:
    """The contract's order: path, rating, text, callback, local time, site and terminal, voice,
    and the attachments lost on the terminal."""
    rows: list[_Row] = []
    if message["path"]:
        rows.append((words["path"], PATH_SEPARATOR.join(i["label"] for i in message["path"]), None))
    rows.append((words["rating"], rating_text(message["rating"], words), None))
    if message.get("text"):
        rows.append((words["text"], message["text"], None))
    callback = message.get("callback")
    if callback:
        name = callback.get("name")
        rows.append(
            (
                words["callback"],
                f"{name}, {callback['phone']}" if name else callback["phone"],
                callback["phone"],
            )
        )
    created = datetime.datetime.fromisoformat(message["created_at"])
    # created_at carries the terminal's own UTC offset: this is its local time.
    rows.append((words["time"], created.strftime("%Y-%m-%d %H:%M:%S (UTC%z)"), None))
    rows.append(
        (
            words["site"],
            f"{message.get('site') or '-'} · {words['terminal']} {message['terminal_id']}",
            None,
        )
    )
    voice = message.get("voice")
    if voice:
        duration = voice.get("duration_s")
        rows.append(
            (
                words["voice"],
                f"{duration:g} {words['seconds']}"
                if isinstance(duration, (int, float))
                else default_file_name("voice"),
                None,
            )
        )
    lost = [
        words[f"lost_{kind}"]
        for kind in ("photo", "voice")
        if kind in (message.get("lost_attachments") or ())
    ]
    if lost:
        rows.append((words["attachments"], "\n".join(lost), None))
    return rows


#: Every line of a value in the plain part starts with this; labels start the
#: line. A visitor's line break cannot then make a line that looks like a
#: label such as "Call back:".
PLAIN_INDENT = "    "


def _plain_body(rows: list[_Row]) -> str:
    return "".join(
        f"{label}:\n"
        + "".join(f"{PLAIN_INDENT}{line}\n" for line in _plain_text(text).split("\n"))
        + "\n"
        for label, text, _ in rows
    )


def _html_body(rows: list[_Row], language: str) -> str:
    items = []
    for label, text, phone in rows:
        value = html.escape(text).replace("\n", "<br>\n")
        if phone is not None:
            # E.164 by the contract; escaped all the same, it comes from a visitor.
            value = (
                f'{value}<br>\n<a href="tel:{html.escape(phone, quote=True)}">'
                f"{html.escape(phone)}</a>"
            )
        items.append(
            f'<dt style="font-weight:bold;margin-top:0.8em">{html.escape(label)}</dt>\n'
            f'<dd dir="auto" style="margin:0">{value}</dd>'
        )
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(language, quote=True)}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        '</head>\n<body style="font-family:sans-serif;font-size:16px">\n<dl>\n'
        + "\n".join(items)
        + "\n</dl>\n</body></html>\n"
    )


def _plain_text(text: str) -> str:
    """Visitor text for the plain part: line breaks normalised, other controls dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Unicode's own line and paragraph separators break lines in mail readers too.
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return "".join(c for c in text if c == "\n" or unicodedata.category(c) != "Cc")


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]+")


def _header_safe(text: str) -> str:
    """One line of header text: any line break or control character becomes one space."""
    return _CONTROL.sub(" ", str(text)).strip()
