from __future__ import annotations

from django.utils import translation
from django.utils.functional import lazy

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


def tr(texts: dict | str, **params) -> str:
    """`texts` ({"id": ..., "en": ...}) in the active language (the request's, see
    core.middleware.LanguageMiddleware and core.api.authentication), `params` filled
    in. For messages built while a request is handled (services, views)."""
    text = pick(texts, translation.get_language())
    return text.format(**params) if params else text


#: `tr` chosen when the text is shown, not when it is defined: for messages declared
#: on a class (a serializer field's ``error_messages``), read during a request.
tr_lazy = lazy(tr, str)
