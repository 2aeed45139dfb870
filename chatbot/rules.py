"""Pure rules of the chatbot: cleaning what users send and wording the replies.

No ORM, no settings: callers pass plain values.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# Long digit runs are NIKs, phone or account numbers, six digits may be a live chat
# link code: never stored in the inboxes.
_LONG_NUMBER = re.compile(r"\+?\d(?:[\d .-]{6,}\d)|(?<!\d)\d{3} ?\d{3}(?!\d)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Zero-width space, non-joiner, joiner, word joiner and BOM: invisible, so words they
# join ("is\u200bthe\u200bvaccine") read as one. Between two words they are a space;
# elsewhere the space and the word joiner are dropped, the joiners kept (emoji
# sequences such as 👨\u200d👩\u200d👧 need theirs).
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_ZERO_WIDTH_BETWEEN = re.compile(rf"(?<=\w)[{ZERO_WIDTH}]+(?=\w)")
_ZERO_WIDTH_LONE = re.compile("[\u200b\u2060\ufeff]")


class MessageTooLong(ValueError):
    pass


def clean_message(text: str, *, max_chars: int) -> str:
    """Text safe to match and store: valid Unicode, no control characters (PostgreSQL
    refuses NUL), trimmed; raises MessageTooLong above the cap."""
    if len(text) > max_chars:
        raise MessageTooLong(max_chars)
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text))
    text = _ZERO_WIDTH_LONE.sub("", _ZERO_WIDTH_BETWEEN.sub(" ", text))
    return text.strip()


def redact(text: str) -> str:
    """Drop identifying numbers (NIK, phone, account, link code) before a message is
    stored."""
    return _LONG_NUMBER.sub("[angka]", text)


def fingerprint(terms: Sequence[str], urls: Sequence[str] = ()) -> str:
    """Identity of a message for grouping duplicates: its normalised terms + links."""
    key = " ".join(terms) + "|" + " ".join(sorted(urls))
    return hashlib.sha256(key.encode()).hexdigest()


# --- replies --------------------------------------------------------------------------

VERDICT_LABEL = {
    "hoax": {"id": "HOAKS", "en": "HOAX"},
    "misleading": {"id": "MENYESATKAN", "en": "MISLEADING"},
    "fact": {"id": "FAKTA", "en": "FACT"},
}
VERDICT_ICON = {"hoax": "❌", "misleading": "⚠️", "fact": "✅"}


@dataclass(frozen=True, slots=True)
class ClaimView:
    claim: str
    verdict: str
    explanation: str
    source_url: str = ""


def _lang(language: str) -> str:
    return "en" if language == "en" else "id"


def reply_hoax(claim: ClaimView, others: Sequence[ClaimView], language: str) -> str:
    lang = _lang(language)
    label = VERDICT_LABEL.get(claim.verdict, VERDICT_LABEL["hoax"])[lang]
    lines = [
        f"{VERDICT_ICON.get(claim.verdict, '⚠️')} *{label}*: {claim.claim}",
        "",
        claim.explanation,
    ]
    if claim.source_url:
        lines += ["", ("Source: " if lang == "en" else "Sumber: ") + claim.source_url]
    for other in others:
        other_label = VERDICT_LABEL.get(other.verdict, VERDICT_LABEL["hoax"])[lang]
        lines += [
            "",
            (
                "This message also contains another checked claim"
                if lang == "en"
                else "Pesan ini juga memuat klaim lain yang sudah diperiksa"
            )
            + f" ({other_label}): {other.claim}",
        ]
    if claim.verdict != "fact":
        lines += [
            "",
            "Please do not forward it."
            if lang == "en"
            else "Mohon jangan teruskan pesan tersebut.",
        ]
    return "\n".join(lines)


def reply_hoax_possible(claim: ClaimView, language: str) -> str:
    lang = _lang(language)
    label = VERDICT_LABEL.get(claim.verdict, VERDICT_LABEL["hoax"])[lang]
    if lang == "en":
        head = "This message may be related to a claim that has been checked"
        tail = "A curator will check whether it is the same claim."
    else:
        head = "Pesan ini mungkin berkaitan dengan klaim yang sudah diperiksa"
        tail = "Kurator kami akan memeriksa apakah klaimnya sama."
    lines = [f"{head} ({label}): {claim.claim}", "", claim.explanation, "", tail]
    return "\n".join(lines)


SUGGESTIONS_TAIL = {
    "en": "Reply with the number of your question.",
    "id": "Balas dengan nomor pertanyaan yang Anda maksud.",
}
# In a group, where a number picks nothing (no one's state is kept there).
SUGGESTIONS_TAP_TAIL = {
    "en": "Tap the question you mean.",
    "id": "Ketuk pertanyaan yang Anda maksud.",
}


def reply_suggestions(questions: Sequence[str], language: str) -> str:
    lang = _lang(language)
    head = "Did you mean:" if lang == "en" else "Mungkin maksud Anda:"
    items = [f"{i}. {q}" for i, q in enumerate(questions, start=1)]
    return "\n".join([head, *items, "", SUGGESTIONS_TAIL[lang]])


def suggestions_to_tap(reply: str) -> str:
    """The suggestions reply for a group chat: tap, not "reply with the number"."""
    for lang, tail in SUGGESTIONS_TAIL.items():
        reply = reply.replace(tail, SUGGESTIONS_TAP_TAIL[lang])
    return reply


def reply_fallback(language: str, *, empty: bool = False) -> str:
    # 119 ext. 9 is an information line: an emergency is sent to 119 itself.
    if _lang(language) == "en":
        if empty:
            return "Please type your question or paste the message you want checked."
        return (
            "Sorry, I can't answer that yet. Your question has been passed to our "
            "curators. Try other words, or call the Ministry of Health hotline "
            "1500-567. In an emergency call *119* or go to the nearest emergency "
            "room."
        )
    if empty:
        return "Silakan ketik pertanyaan Anda atau tempel pesan yang ingin dicek."
    return (
        "Maaf, saya belum bisa menjawab pertanyaan itu. Pertanyaan Anda sudah kami "
        "catat untuk tim kurator. Coba dengan kata lain, atau hubungi hotline "
        "Kemenkes 1500-567. Dalam keadaan darurat hubungi *119* atau segera ke IGD "
        "terdekat."
    )


EMERGENCY_LINE = {
    "en": (
        "🚑 If someone has a danger sign now (hard to breathe, chest pain, blue lips, "
        "oxygen under 95%, confusion, fainting, a seizure): call *119* or go to the "
        "nearest emergency room now."
    ),
    "id": (
        "🚑 Bila ada tanda bahaya sekarang (sesak napas, nyeri dada, bibir kebiruan, "
        "saturasi di bawah 95%, bingung, pingsan, kejang): hubungi *119* atau segera "
        "ke IGD terdekat."
    ),
}


BEDS_LINE = {
    "en": (
        "🏥 Nearest hospitals with free beds (ICU, isolation, emergency room): "
        "*Find a hospital* in the Sigap app or in the chat menu, with your location "
        "or a kecamatan/city name."
    ),
    "id": (
        "🏥 Rumah sakit terdekat dengan tempat tidur kosong (ICU, isolasi, IGD): "
        "menu *Cari rumah sakit* di aplikasi Sigap atau di menu chat, dengan lokasi "
        "Anda atau nama kecamatan/kota."
    ),
}


def reply_beds_first(reply: str, language: str) -> str:
    """A reply to a message asking for the nearest hospital or free beds: where
    the bed search is, first."""
    return BEDS_LINE[_lang(language)] + "\n\n" + reply


def reply_emergency_first(reply: str, language: str) -> str:
    """A reply to a message that reports a danger sign: 119 and the emergency room
    first."""
    return EMERGENCY_LINE[_lang(language)] + "\n\n" + reply


def reply_report(
    *, known_claim: str | None, known_verdict: str | None, language: str
) -> str:
    lang = _lang(language)
    if known_claim:
        label = VERDICT_LABEL.get(known_verdict or "hoax", VERDICT_LABEL["hoax"])[lang]
        if lang == "en":
            return (
                f"Thank you. This message matches a claim already checked ({label}): "
                f"{known_claim}"
            )
        return (
            f"Terima kasih. Pesan ini cocok dengan klaim yang sudah diperiksa "
            f"({label}): {known_claim}"
        )
    if lang == "en":
        return "Thank you for your report. Our curators will check the message."
    return "Terima kasih atas laporan Anda. Tim kurator kami akan memeriksa pesan ini."


# --- the curators' inbox ------------------------------------------------------------


def same_question(
    a: Sequence[str],
    b: Sequence[str],
    *,
    best_a: int | None = None,
    best_b: int | None = None,
) -> bool:
    """Whether two unanswered questions (their normalised terms) ask the same thing:
    nearly the same words, or most content words shared, or some shared and the
    matcher's best guess agreeing."""
    from rapidfuzz import fuzz

    if not a or not b:
        return False
    if fuzz.token_sort_ratio(" ".join(a), " ".join(b)) >= 85:
        return True
    sa, sb = set(a), set(b)
    shared = len(sa & sb)
    dice = 2 * shared / (len(sa) + len(sb))
    if shared >= 2 and dice >= 0.6:
        return True
    return best_a is not None and best_a == best_b and shared >= 1 and dice >= 0.4


def truncate_words(text: str, limit: int) -> str:
    """`text` on one line, cut at the last whole word within `limit` characters
    with an ellipsis ("Vaksin berisi chip untuk…"); a single word longer than the
    limit is cut inside it."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:-–—") + "…"
