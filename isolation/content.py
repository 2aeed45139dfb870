"""User-facing texts of isolation monitoring, {"id", "en"} (Bahasa Indonesia first)."""

from __future__ import annotations

from isolation import rules

SLOT_LABELS = {
    rules.MORNING: {"id": "pagi", "en": "morning"},
    rules.EVENING: {"id": "sore", "en": "evening"},
}

SYMPTOM_LABELS = {
    "fever": {"id": "Demam", "en": "Fever"},
    "cough": {"id": "Batuk", "en": "Cough"},
    "sore_throat": {"id": "Sakit tenggorokan", "en": "Sore throat"},
    "breathing_difficulty": {"id": "Sesak napas", "en": "Breathing difficulty"},
    "loss_of_smell_taste": {
        "id": "Hilang penciuman/perasa",
        "en": "Loss of smell or taste",
    },
    "fatigue": {"id": "Lemas", "en": "Fatigue"},
    "diarrhoea": {"id": "Diare", "en": "Diarrhoea"},
}

DANGER_LABELS = {
    "severe_breathing_difficulty": {
        "id": "Sesak napas berat",
        "en": "Severe breathing difficulty",
    },
    "chest_pain": {"id": "Nyeri dada", "en": "Chest pain"},
    "confusion": {
        "id": "Bingung / sulit dibangunkan",
        "en": "Confused or hard to wake",
    },
    "bluish_lips": {"id": "Bibir/wajah kebiruan", "en": "Bluish lips or face"},
    "spo2_low": {"id": "SpO2 di bawah 95%", "en": "SpO2 below 95%"},
    "breathing_rate_high": {
        "id": "Napas lebih dari 24 kali/menit",
        "en": "Breathing rate above 24/min",
    },
}

DAILY_STATUS_LABELS = {
    rules.SEEN_OK: {"id": "Terpantau baik", "en": "Seen, ok"},
    rules.SEEN_NOT_OK: {"id": "Terpantau bergejala", "en": "Seen, not ok"},
    rules.MISSED: {"id": "Tidak melapor", "en": "Missed"},
    rules.NOT_DUE: {"id": "Belum waktunya", "en": "Not due"},
}

ALERT_LABELS = {
    "danger": {"id": "Tanda bahaya", "en": "Danger sign"},
    "missed": {"id": "Dua laporan terlewat", "en": "Two check-ins missed"},
    "release_due": {"id": "Siap selesai isolasi", "en": "Ready for release"},
}

ISOLATION_STATUS_LABELS = {
    "active": {"id": "Dalam isolasi", "en": "Under isolation"},
    "released": {"id": "Selesai isolasi", "en": "Released"},
    "referred": {"id": "Dirujuk ke rumah sakit", "en": "Referred to hospital"},
    "lost_to_follow_up": {"id": "Tidak dapat dipantau", "en": "Lost to follow-up"},
    "died": {"id": "Meninggal", "en": "Died"},
}


def danger_alert_text(*, facility: str, initials: str) -> dict[str, str]:
    return {
        "id": f"PERINGATAN {facility}: pasien isolasi {initials} melaporkan tanda "
        "bahaya. Buka dasbor Sigap dan hubungi pasien sekarang.",
        "en": f"ALERT {facility}: isolation patient {initials} reported a danger "
        "sign. Open the Sigap dashboard and contact the patient now.",
    }


def missed_digest_text(*, facility: str, count: int) -> dict[str, str]:
    return {
        "id": f"{facility}: {count} pasien isolasi melewatkan dua laporan berturut-turut."
        " Lihat dasbor Sigap.",
        "en": f"{facility}: {count} isolation patient(s) missed two check-ins in a row."
        " See the Sigap dashboard.",
    }


def release_digest_text(*, facility: str, count: int) -> dict[str, str]:
    return {
        "id": f"{facility}: {count} pasien isolasi sudah mencapai perkiraan selesai "
        "isolasi. Mohon konfirmasi di dasbor Sigap.",
        "en": f"{facility}: {count} isolation patient(s) reached their estimated "
        "release date. Please confirm on the Sigap dashboard.",
    }


def reminder_text(slot: str) -> dict[str, str]:
    return {
        "id": f"Anda belum mengirim laporan isolasi {SLOT_LABELS[slot]['id']} ini. "
        "Buka Sigap dan laporkan suhu, SpO2, napas, dan gejala Anda.",
        "en": f"You have not sent this {SLOT_LABELS[slot]['en']}'s isolation "
        "check-in yet. Open Sigap and report your temperature, SpO2, breathing and "
        "symptoms.",
    }


def enrolled_text(*, facility: str, end: str) -> dict[str, str]:
    return {
        "id": f"Anda terdaftar dalam pemantauan isolasi oleh {facility}. Laporkan "
        f"kondisi Anda dua kali sehari (pagi dan sore). Perkiraan selesai: {end}.",
        "en": f"{facility} is now monitoring your isolation. Report twice a day "
        f"(morning and evening). Estimated end: {end}.",
    }


def request_received_text(*, count: int) -> dict[str, str]:
    return {
        "id": f"Ada {count} permintaan pemantauan isolasi baru. Lihat dasbor Sigap.",
        "en": f"{count} new isolation monitoring request(s). See the Sigap dashboard.",
    }


def request_declined_text(*, facility: str) -> dict[str, str]:
    return {
        "id": f"Permintaan pemantauan isolasi Anda tidak dapat diterima oleh {facility}."
        " Hubungi puskesmas Anda.",
        "en": f"{facility} could not accept your isolation monitoring request. "
        "Please contact your puskesmas.",
    }


def final_status_text(*, status: str) -> dict[str, str]:
    label = ISOLATION_STATUS_LABELS[status]
    return {
        "id": f"Status isolasi Anda: {label['id']}.",
        "en": f"Your isolation status: {label['en']}.",
    }
