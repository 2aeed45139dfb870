"""The API's JSON parser: DRF's, plus a nesting limit (see ``core.jsonparse``)."""

from __future__ import annotations

import codecs

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils.json import strict_constant

from core import jsonparse


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
            return jsonparse.loads(
                text, parse_constant=strict_constant if self.strict else None
            )
        except ValueError as exc:  # UnicodeDecodeError and JSONTooDeep included
            raise ParseError(f"JSON parse error - {exc}") from None
