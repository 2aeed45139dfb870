"""Case statuses on staff pages in the page's language ("konfirmasi", not
"confirmed"): the codes stay in the API and the exports, which programs read."""

from __future__ import annotations

from django import template
from django.utils import translation

from core.cases.rules import STATUS_LABELS
from core.i18n import normalise_language

register = template.Library()


@register.filter
def case_status(code: str) -> str:
    labels = STATUS_LABELS.get(code)
    if labels is None:
        return code
    return labels[normalise_language(translation.get_language())]


@register.filter
def case_statuses(codes) -> str:
    """Several statuses, in the order given, joined for a table cell."""
    return ", ".join(case_status(code) for code in codes)
