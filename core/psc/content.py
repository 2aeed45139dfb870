"""User-facing texts of PSC 119 escalations, {"id", "en"} (Bahasa Indonesia first).

Errors a resident can meet say what to do in words, never an API path. The operators'
console stays in Bahasa Indonesia (its labels are in core/psc/selectors.py)."""

from __future__ import annotations

from django.utils import translation

from core.i18n import normalise_language, pick
from core.psc.error_codes import PscErrorCode

TEXTS: dict[str, dict[str, str]] = {
    PscErrorCode.CONSENT_REQUIRED: {
        "id": "Setujui berbagi lokasi dan data kesehatan terakhir Anda dengan PSC 119 "
        "untuk permintaan ini. Dalam keadaan darurat, telepon 119.",
        "en": "Agree to share your location and latest health data with PSC 119 for "
        "this request. In an emergency, call 119.",
    },
    "consent_field": {
        "id": "Wajib disetujui (true).",
        "en": "Required: true to agree.",
    },
    PscErrorCode.NOT_ELIGIBLE: {
        "id": "Permintaan bantuan PSC 119 tersedia setelah cek mandiri gawat darurat "
        "atau laporan isolasi dengan tanda bahaya dalam 24 jam terakhir. Dalam "
        "keadaan darurat, telepon 119.",
        "en": "Asking PSC 119 for help is available after a self-check with an "
        "emergency result or an isolation check-in with a danger sign in the last "
        "24 hours. In an emergency, call 119.",
    },
    PscErrorCode.ASSESSMENT_NOT_FOUND: {
        "id": "Hasil cek mandiri gawat darurat tidak ditemukan (24 jam terakhir).",
        "en": "No self-check with an emergency result found (last 24 hours).",
    },
    "assessment_field": {
        "id": "Bukan hasil gawat darurat Anda.",
        "en": "Not one of your emergency results.",
    },
    PscErrorCode.LOCATION_REQUIRED: {
        "id": "Lokasi tidak diketahui: bagikan lokasi Anda atau lengkapi alamat di "
        "profil. Dalam keadaan darurat, telepon 119.",
        "en": "Your location is unknown: share your location or complete the address "
        "in your profile. In an emergency, call 119.",
    },
    "location_field": {
        "id": "Bagikan lokasi (lat, lng).",
        "en": "Share your location (lat, lng).",
    },
    "location_pair": {
        "id": "lat dan lng diisi berdua.",
        "en": "Send lat and lng together.",
    },
    PscErrorCode.OUTSIDE_INDONESIA: {
        "id": "Titik lokasi ini tidak berada di daratan Indonesia (laut lepas atau "
        "negara lain), jadi PSC 119 tidak dapat mengirim bantuan ke sana. Bila Anda "
        "di Indonesia, kirim permintaan tanpa lokasi (PSC memakai kecamatan atau "
        "alamat Anda) atau telepon 119; di luar negeri, telepon nomor darurat "
        "setempat.",
        "en": "This point is not on Indonesian land (open sea or another country), "
        "so PSC 119 cannot send help there. If you are in Indonesia, send the "
        "request without a location (PSC then uses your kecamatan or address) or "
        "call 119; abroad, call the local emergency number.",
    },
    "not_a_gps_point": {
        "id": "Lokasi yang dikirim bukan titik GPS yang dapat dipakai: {reason} Kirim "
        "ulang lokasi, atau kirim permintaan tanpa lokasi (PSC memakai kecamatan atau "
        "alamat Anda). Dalam keadaan darurat, telepon 119.",
        "en": "The location sent is not a usable GPS point: {reason} Send it again, "
        "or send the request without a location (PSC then uses your kecamatan or "
        "address). In an emergency, call 119.",
    },
    "outside_field": {
        "id": "Titik di luar daratan Indonesia.",
        "en": "Point outside Indonesian land.",
    },
    "null_island_field": {
        "id": "0, 0 bukan lokasi GPS (ponsel belum mendapat sinyal GPS).",
        "en": "0, 0 is not a GPS location (the phone has no GPS fix yet).",
    },
    "swapped_field": {
        "id": "lat dan lng tertukar: lat (lintang) untuk Indonesia antara -11 dan 6, "
        "lng (bujur) antara 95 dan 141.",
        "en": "lat and lng are swapped: in Indonesia lat (latitude) is between -11 "
        "and 6, lng (longitude) between 95 and 141.",
    },
    PscErrorCode.ESCALATION_NOT_FOUND: {
        "id": "Permintaan bantuan PSC 119 tidak ditemukan.",
        "en": "PSC 119 request not found.",
    },
    PscErrorCode.INVALID_TRANSITION: {
        "id": "Petugas PSC 119 sudah menangani permintaan ini; untuk membatalkan, "
        "telepon 119.",
        "en": "A PSC 119 officer is already handling this request; to cancel it, "
        "call 119.",
    },
    PscErrorCode.PERMISSION_DENIED: {
        "id": "Hanya warga atau tenaga kesehatan yang membuat permintaan PSC 119.",
        "en": "Only residents and health workers create PSC 119 requests.",
    },
}

# What a resident reads about their request (the console uses the model's labels).
STATUS_LABELS: dict[str, dict[str, str]] = {
    "new": {"id": "Baru, menunggu petugas", "en": "New, waiting for an officer"},
    "taken": {"id": "Ditangani petugas", "en": "An officer is handling it"},
    "dispatched": {"id": "Ambulans diberangkatkan", "en": "Ambulance on its way"},
    "referred": {"id": "Dirujuk ke rumah sakit", "en": "Referred to a hospital"},
    "resolved": {"id": "Selesai", "en": "Closed"},
    "cancelled": {"id": "Dibatalkan", "en": "Cancelled"},
}

ERASURE_BLOCKED = {
    "id": "Permintaan bantuan PSC 119 #{id} ({region}) masih berjalan ({status}); "
    "akun dapat dihapus setelah permintaan itu selesai atau dibatalkan (batalkan di "
    "aplikasi selama petugas belum menanganinya, atau telepon 119).",
    "en": "Your PSC 119 request #{id} ({region}) is still open ({status}); the "
    "account can be erased once it is closed or cancelled (cancel it in the app "
    "while no officer has taken it, or call 119).",
}


def language() -> str:
    """The request's language (Accept-Language, else the signed-in user's)."""
    return normalise_language(translation.get_language())


def text(key: str, **params) -> str:
    message = pick(TEXTS[key], language())
    return message.format(**params) if params else message


def status_label(status: str, lang: str | None = None) -> str:
    labels = STATUS_LABELS.get(status)
    return pick(labels, lang or language()) if labels else status
