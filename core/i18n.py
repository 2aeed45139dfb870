from __future__ import annotations

from django.utils import translation

SUPPORTED = ("id", "en")


def normalise_language(lang: str | None) -> str:
    lang = (lang or "").lower()[:2]
    return lang if lang in SUPPORTED else "id"


def pick(texts: dict | str, lang: str | None) -> str:
    """Choose the text for a language from a {"id": ..., "en": ...} dict (id first)."""
    if isinstance(texts, str):
        return texts
    lang = normalise_language(lang)
    return texts.get(lang) or texts.get("id") or next(iter(texts.values()), "")


def request_language(request) -> str:
    return normalise_language(
        getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
    )
