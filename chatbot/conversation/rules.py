"""Pure rules of the dialogue engine: what a typed message is before any flow sees
it, and which chats are one person's. No ORM, no settings."""

from __future__ import annotations

import re
from dataclasses import dataclass

MENU_WORDS = {"menu", "start", "help", "bantuan", "mulai", "halo", "hai", "hi"}
LANGUAGE_WORDS = {"bahasa", "language", "lang"}
CANCEL_WORDS = {"batal", "cancel", "kembali", "back"}
STOP_WORDS = {"berhenti", "stop", "unsubscribe"}
# "langganan", "/langganan tembalang", "subscribe semarang": the zone answer of the
# place, with its "Langganan info" button.
SUBSCRIBE_WORDS = {"langganan", "berlangganan", "subscribe"}
UNLINK_WORDS = {"putuskan", "unlink"}
LINK_WORDS = {"link", "hubungkan"}
HANDOFF_END_WORDS = {"selesai", "done", "end"}
KNOWN_COMMANDS = (
    MENU_WORDS
    | LANGUAGE_WORDS
    | CANCEL_WORDS
    | STOP_WORDS
    | SUBSCRIBE_WORDS
    | UNLINK_WORDS
    | LINK_WORDS
    | HANDOFF_END_WORDS
)

_LINK_CODE = re.compile(
    r"^/?(?:(?:link|hubungkan|kode|code)\s*:?\s*)?(\d{3}) ?(\d{3})$"
)
_NUMBER_PICK = re.compile(
    r"^(?:(?:yang|the)\s+)?(?:(?:no|nomor|nomer|number|nr|#)\s*\.?\s*)?(\d{1,2})[.)]?$"
)

_NOT_A_WORD = re.compile(r"[\W_]+")

_NUMBER_WITH_UNIT = re.compile(r"^([+-]?\d+(?:[.,]\d+)?)\s*(.*)$")
# Usual ways of writing the questionnaires' units, by the unit as written there.
UNIT_ALIASES = {
    "tahun": {"thn", "th", "years", "year", "yrs", "yo"},
    "years": {"tahun", "thn", "th", "year", "yrs", "yo"},
    "c": {"celsius", "derajat", "derajatcelsius", "degrees", "degreescelsius"},
    "%": {"persen", "percent"},
    "napas/menit": {"x/menit", "kali/menit", "/menit", "permenit", "breaths/min"},
    "breaths/min": {"/min", "permin", "perminute", "x/min", "napas/menit"},
}


def _unit_key(unit: str) -> str:
    return "".join(unit.lower().replace("°", "").split()).rstrip(".")


def number_with_unit(text: str, units: tuple[str, ...] = ()) -> str | None:
    """ "94%" -> "94", "42 tahun" -> "42", "38,6 °C" -> "38.6": the number, when
    nothing or one of `units` (or a usual way of writing it) follows; else None."""
    match = _NUMBER_WITH_UNIT.match(text.strip())
    if match is None:
        return None
    suffix = _unit_key(match.group(2))
    if suffix:
        known = {_unit_key(u) for u in units if u}
        if suffix not in known | {a for k in known for a in UNIT_ALIASES.get(k, ())}:
            return None
    return match.group(1).replace(",", ".")


def chat_is_personal(channel: str, chat_id: str) -> bool:
    """Whether a chat id can only be one person's chat. Telegram gives a private chat
    the user's (positive) id, groups, supergroups and channels negative ids; a
    WhatsApp chat id is the sender's number, a web chat the signed-in user's."""
    return not (channel == "telegram" and chat_id.startswith("-"))


@dataclass(frozen=True)
class Command:
    word: str  # "start" for "/start ref_abc"; the whole text when it has no slash
    arg: str = ""  # "ref_abc" (a /start deep-link payload, a /link code, ...)
    slash: bool = False


def command_parse(text: str) -> Command:
    """A "/word arg" command (Telegram's form, also with a deep-link payload), or a
    text that may be a command word as a whole ("menu", "batal")."""
    norm = " ".join(text.lower().split())
    if norm.startswith("/"):
        word, _, arg = norm[1:].partition(" ")
        return Command(word=word, arg=arg, slash=True)
    return Command(word=norm)


def subscribe_request(text: str) -> str | None:
    """The place of a request to subscribe ("langganan tembalang" -> "tembalang",
    "/subscribe" -> ""); None when the text is not one."""
    norm = " ".join((text or "").lower().split()).removeprefix("/")
    word, _, place = norm.partition(" ")
    return place.strip() if word in SUBSCRIBE_WORDS else None


def label_key(text: str) -> str:
    """A button label as typed or pasted, compared without case, emoji, punctuation
    or extra spaces: " 🩺 Cek Gejala! " -> "cek gejala"."""
    return " ".join(_NOT_A_WORD.sub(" ", text.casefold()).split())


def label_choice(text: str, labels: dict[str, str]) -> str | None:
    """The choice whose label (`labels`: label_key -> choice id) is the whole text;
    a question that merely contains a label ("konsultasi dokter bayar gak?") is
    none."""
    key = label_key(text)
    return labels.get(key) if key else None


def link_code_in(text: str) -> str | None:
    """The 6-digit code of "/link 123456", "link 123 456" or a bare "123456"."""
    match = _LINK_CODE.match(" ".join(text.lower().split()))
    return match.group(1) + match.group(2) if match else None


def number_pick(text: str) -> int | None:
    """The number of "2", "2.", "no 2", "nomor 2", "yang nomor 2" (a reply to a
    numbered list); None for anything else."""
    match = _NUMBER_PICK.match(" ".join(text.lower().split()))
    return int(match.group(1)) if match else None
