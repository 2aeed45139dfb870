"""The words of case integration: statuses, their aliases and labels, sexes, specimen
and test types, the columns of a report."""

from __future__ import annotations

import datetime as dt

from core.rules import EARLIEST_BIRTH_DATE

SUSPECT, PROBABLE, CONFIRMED, RECOVERED, DIED = (
    "suspect",
    "probable",
    "confirmed",
    "recovered",
    "died",
)
DISCARDED = (
    "discarded"  # derived: suspect/probable with no news for SUSPECT_DISCARD_DAYS
)
STATUSES = (SUSPECT, PROBABLE, CONFIRMED, RECOVERED, DIED)
# Same-day events apply in this order, so "confirmed" then "recovered" ends recovered.
STATUS_ORDER = {s: i for i, s in enumerate(STATUSES)}
STATUS_LABELS = {
    SUSPECT: {"id": "suspek", "en": "suspect"},
    PROBABLE: {"id": "probable", "en": "probable"},
    CONFIRMED: {"id": "konfirmasi", "en": "confirmed"},
    RECOVERED: {"id": "sembuh", "en": "recovered"},
    DIED: {"id": "meninggal", "en": "died"},
    DISCARDED: {"id": "discarded", "en": "discarded"},
}
STATUS_ALIASES = {
    "suspek": SUSPECT,
    "suspect": SUSPECT,
    "probable": PROBABLE,
    "probabel": PROBABLE,
    "confirmed": CONFIRMED,
    "konfirmasi": CONFIRMED,
    "terkonfirmasi": CONFIRMED,
    "positif": CONFIRMED,
    "recovered": RECOVERED,
    "sembuh": RECOVERED,
    "selesai isolasi": RECOVERED,
    "died": DIED,
    "meninggal": DIED,
    "death": DIED,
}
SEX_ALIASES = {
    "m": "M",
    "l": "M",
    "male": "M",
    "laki-laki": "M",
    "laki laki": "M",
    "pria": "M",
    "f": "F",
    "p": "F",
    "female": "F",
    "perempuan": "F",
    "wanita": "F",
}
SPECIMEN_TYPES = (
    "nasopharyngeal_swab",
    "oropharyngeal_swab",
    "sputum",
    "saliva",
    "blood",
    "other",
)
TEST_TYPES = ("pcr", "tcm", "antigen", "antibody", "other")
TEST_RESULTS = ("positive", "negative", "inconclusive")
TEST_RESULT_ALIASES = {
    "positive": "positive",
    "positif": "positive",
    "negative": "negative",
    "negatif": "negative",
    "inconclusive": "inconclusive",
    "invalid": "inconclusive",
}

# Kemenkes (KMK HK.01.07/MENKES/413/2020): a suspect or probable person with no further
# news after 14 days of quarantine is "discarded".
SUSPECT_DISCARD_DAYS = 14
HOUSEHOLD_WINDOW_DAYS = 7
EARLIEST_EVENT = dt.date(2020, 1, 1)
EARLIEST_BIRTH = EARLIEST_BIRTH_DATE

REPORT_FIELDS = (
    "record_id",
    "nik",
    "full_name",
    "birth_date",
    "sex",
    "kelurahan_code",
    "household_id",
    "status",
    "event_date",
    "specimen_type",
    "test_type",
    "test_result",
)
REQUIRED_COLUMNS = ("record_id", "kelurahan_code", "status", "event_date")


# How a report found its case (CaseReport.match).
MATCH_NEW, MATCH_NIK, MATCH_NAME, MATCH_NAME_AMBIGUOUS = (
    "new",
    "nik",
    "name",
    "name_ambiguous",
)

__all__ = [
    "MATCH_NAME",
    "MATCH_NAME_AMBIGUOUS",
    "MATCH_NEW",
    "MATCH_NIK",
    "CONFIRMED",
    "DIED",
    "DISCARDED",
    "EARLIEST_BIRTH",
    "EARLIEST_EVENT",
    "HOUSEHOLD_WINDOW_DAYS",
    "PROBABLE",
    "RECOVERED",
    "REPORT_FIELDS",
    "REQUIRED_COLUMNS",
    "SEX_ALIASES",
    "SPECIMEN_TYPES",
    "STATUSES",
    "STATUS_ALIASES",
    "STATUS_LABELS",
    "STATUS_ORDER",
    "SUSPECT",
    "SUSPECT_DISCARD_DAYS",
    "TEST_RESULTS",
    "TEST_RESULT_ALIASES",
    "TEST_TYPES",
]
