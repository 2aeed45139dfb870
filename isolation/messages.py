"""The messages of isolation monitoring's errors, in Indonesian and English (as
teleconsult's), picked in the request's language when raised."""

from __future__ import annotations

from django.utils import translation

from core.i18n import normalise_language, pick

MESSAGES: dict[str, dict[str, str]] = {
    # Alerts and care
    "already_acknowledged": {
        "id": "Peringatan ini sudah ditangani.",
        "en": "This alert has already been handled.",
    },
    "isolation_closed": {
        "id": "Isolasi ini sudah ditutup.",
        "en": "This isolation is already closed.",
    },
    "note_empty": {"id": "Catatan kosong.", "en": "The note is empty."},
    "required": {"id": "Wajib diisi.", "en": "Required."},
    "final_status_invalid": {
        "id": "Status akhir tidak valid.",
        "en": "Not a valid final status.",
    },
    "final_status_choose": {
        "id": "Pilih selesai, dirujuk, tidak dapat dipantau, meninggal.",
        "en": "Choose released, referred, lost to follow-up or died.",
    },
    "open_danger_alerts": {
        "id": "Pasien masih punya {count} peringatan tanda bahaya yang belum "
        "ditangani. Tangani dulu, atau konfirmasi bahwa pasien tetap diselesaikan.",
        "en": "The patient still has {count} unhandled danger-sign alert(s). Handle "
        "them first, or confirm that the patient is released all the same.",
    },
    "open_danger_confirm": {
        "id": "Konfirmasi untuk menyelesaikan isolasi dengan peringatan tanda bahaya "
        "terbuka.",
        "en": "Confirm to release the patient with open danger-sign alerts.",
    },
    "referral_required": {
        "id": "Pilih rumah sakit rujukan.",
        "en": "Choose the referral hospital.",
    },
    "referral_choose_active": {
        "id": "Pilih rumah sakit yang aktif.",
        "en": "Choose an active hospital.",
    },
    "referral_only_referred": {
        "id": "Rumah sakit rujukan hanya untuk status dirujuk.",
        "en": "A referral hospital goes with the status referred only.",
    },
    "referral_only_referred_field": {
        "id": "Hanya untuk status dirujuk.",
        "en": "Only for the status referred.",
    },
    "extend_one_of": {
        "id": "Isi tanggal selesai baru atau jumlah hari.",
        "en": "Give either the new end date or a number of days.",
    },
    "extend_one_of_field": {
        "id": "Isi salah satu: until atau days.",
        "en": "Give one of: until or days.",
    },
    "extend_after_end": {
        "id": "Tanggal baru harus setelah perkiraan selesai saat ini.",
        "en": "The new date must be after the current estimated end.",
    },
    "extend_after_end_field": {
        "id": "Harus setelah {current}.",
        "en": "Must be after {current}.",
    },
    "extend_max": {
        "id": "Perpanjangan paling lama 30 hari sekaligus.",
        "en": "An extension is at most 30 days at a time.",
    },
    "extend_max_field": {"id": "Paling lama 30 hari.", "en": "At most 30 days."},
    # Check-ins
    "no_active_isolation": {
        "id": "Anda tidak sedang dalam pemantauan isolasi.",
        "en": "You are not being monitored in isolation.",
    },
    "client_id_reused": {
        "id": "client_id ini sudah dipakai untuk laporan dengan isi berbeda; laporan ini "
        "tidak disimpan. Kirim ulang dengan client_id baru.",
        "en": "This client_id was already used for a report with different values; "
        "this report was not stored. Send it again with a new client_id.",
    },
    "client_id_reused_field": {
        "id": "Sudah dipakai untuk laporan yang berbeda; gunakan client_id baru.",
        "en": "Already used for a different report; use a new client_id.",
    },
    "checkin_empty": {
        "id": "Laporan kosong: isi minimal satu pengukuran (suhu, SpO2, napas), daftar "
        "gejala (daftar kosong berarti tidak ada gejala), tanda bahaya, atau catatan.",
        "en": "Empty check-in: send at least one measurement (temperature, SpO2, "
        "breathing), the symptoms list (an empty list means no symptoms), a danger "
        "sign or a note.",
    },
    "checkin_empty_field": {
        "id": "Isi minimal salah satu dari ini.",
        "en": "Send at least one of these.",
    },
    "measured_in_future": {
        "id": "Waktu pengukuran tidak boleh di masa depan.",
        "en": "The measurement time cannot be in the future.",
    },
    "measured_in_future_field": {
        "id": "Waktu pengukuran di masa depan.",
        "en": "Measurement time in the future.",
    },
    "measured_before_start": {
        "id": "Waktu pengukuran sebelum isolasi dimulai.",
        "en": "The measurement time is before the isolation started.",
    },
    "measured_before_start_field": {
        "id": "Sebelum isolasi dimulai.",
        "en": "Before the isolation started.",
    },
    # Enrolment and requests
    "dates_invalid": {"id": "Tanggal tidak valid.", "en": "Invalid dates."},
    "test_date_future": {
        "id": "Tanggal tes tidak boleh di masa depan.",
        "en": "The test date cannot be in the future.",
    },
    "symptom_onset_future": {
        "id": "Tanggal awal gejala tidak boleh di masa depan.",
        "en": "The symptom onset cannot be in the future.",
    },
    "start_date_far": {
        "id": "Tanggal mulai isolasi terlalu jauh di masa depan.",
        "en": "The isolation start is too far in the future.",
    },
    "test_date_old": {
        "id": "Tanggal tes lebih dari 30 hari yang lalu.",
        "en": "The test date is more than 30 days ago.",
    },
    "already_isolating": {
        "id": "Pasien ini sedang dalam pemantauan isolasi.",
        "en": "This patient is already being monitored in isolation.",
    },
    "already_isolating_field": {
        "id": "Sudah dalam isolasi.",
        "en": "Already in isolation.",
    },
    "enrolment_refused": {
        "id": "Nomor ini tidak dapat didaftarkan di puskesmas Anda. Periksa nomornya, "
        "atau minta pasien mengajukan permintaan isolasi dari aplikasi Sigap.",
        "en": "This number cannot be enrolled at your puskesmas. Check the number, or "
        "ask the patient to request isolation monitoring in the Sigap app.",
    },
    "enrolment_refused_field": {
        "id": "Tidak dapat didaftarkan di sini.",
        "en": "Cannot be enrolled here.",
    },
    "test_date_required": {
        "id": "Tanggal tes wajib untuk hasil tes positif.",
        "en": "A positive test needs its test date.",
    },
    "test_date_required_field": {
        "id": "Wajib diisi untuk hasil tes positif.",
        "en": "Required for a positive test.",
    },
    "enrolment_incomplete": {
        "id": "Data pendaftaran belum lengkap.",
        "en": "The enrolment is incomplete.",
    },
    "full_name_required": {
        "id": "Isi nama lengkap pasien.",
        "en": "Enter the patient's full name.",
    },
    "consent_at_puskesmas_required": {
        "id": "Pastikan pasien memberi persetujuan pemrosesan data kesehatan di "
        "puskesmas, lalu centang.",
        "en": "Make sure the patient gives consent to health-data processing at the "
        "puskesmas, then tick.",
    },
    "invalid_assessment": {
        "id": "Hasil cek mandiri tidak ditemukan atau risikonya tidak tinggi.",
        "en": "Self-check not found, or its risk is not high.",
    },
    "invalid_assessment_field": {
        "id": "Bukan hasil cek mandiri risiko tinggi Anda.",
        "en": "Not a high-risk self-check of yours.",
    },
    "reason_invalid": {"id": "Alasan tidak valid.", "en": "Not a valid reason."},
    "reason_choose": {
        "id": "Pilih hasil tes positif atau cek mandiri risiko tinggi.",
        "en": "Choose a positive test or a high-risk self-check.",
    },
    "assessment_required": {
        "id": "Sertakan hasil cek mandiri Anda.",
        "en": "Include your self-check.",
    },
    "assessment_required_field": {
        "id": "Wajib untuk cek mandiri risiko tinggi.",
        "en": "Required for a high-risk self-check.",
    },
    "facility_not_found": {
        "id": "Puskesmas tidak ditemukan.",
        "en": "Puskesmas not found.",
    },
    "facility_choose_active": {
        "id": "Pilih puskesmas yang aktif.",
        "en": "Choose an active puskesmas.",
    },
    "facility_required": {
        "id": "Puskesmas Anda tidak diketahui; pilih puskesmas.",
        "en": "Your puskesmas is not known; choose one.",
    },
    "facility_choose": {"id": "Pilih puskesmas.", "en": "Choose a puskesmas."},
    "request_pending": {
        "id": "Anda sudah mempunyai permintaan yang menunggu konfirmasi.",
        "en": "You already have a request waiting for confirmation.",
    },
    "already_decided": {
        "id": "Permintaan ini sudah diputuskan.",
        "en": "This request has already been decided.",
    },
    # Reads
    "data_not_found": {"id": "Data tidak ditemukan.", "en": "Not found."},
    "isolation_not_found": {
        "id": "Pasien isolasi tidak ditemukan.",
        "en": "Isolation patient not found.",
    },
    "alert_not_found": {
        "id": "Peringatan tidak ditemukan.",
        "en": "Alert not found.",
    },
    "request_not_found": {
        "id": "Permintaan tidak ditemukan.",
        "en": "Request not found.",
    },
    "no_isolation": {
        "id": "Anda belum terdaftar dalam pemantauan isolasi.",
        "en": "You are not enrolled in isolation monitoring.",
    },
}


def message(key: str, **params) -> str:
    """The message `key` in the active request language."""
    text = pick(MESSAGES[key], normalise_language(translation.get_language()))
    return text.format(**params) if params else text
