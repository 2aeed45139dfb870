"""Self-check content as data: questionnaire versions, advice and reason texts (id/en).

Pure: no ORM, no settings. The app and the chatbot render the questionnaire from this
data; advice and reasons are picked by language at response time, so a stored
assessment can be shown in whichever language the reader uses.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from core.i18n import normalise_language, pick
from selfcheck import rules

T = dict[str, str]


SYMPTOM_LABELS: dict[str, T] = {
    "fever": {"id": "Demam", "en": "Fever"},
    "cough": {"id": "Batuk", "en": "Cough"},
    "sore_throat": {"id": "Sakit tenggorokan", "en": "Sore throat"},
    "breathing_difficulty": {"id": "Sesak napas", "en": "Difficulty breathing"},
    "loss_of_smell_taste": {
        "id": "Hilang penciuman atau perasa",
        "en": "Loss of smell or taste",
    },
    "fatigue": {"id": "Lemas / kelelahan", "en": "Fatigue"},
    "diarrhoea": {"id": "Diare", "en": "Diarrhoea"},
}
DANGER_SIGN_LABELS: dict[str, T] = {
    "severe_breathing_difficulty": {
        "id": "Sesak napas berat (sulit bicara satu kalimat)",
        "en": "Severe difficulty breathing (cannot finish a sentence)",
    },
    "chest_pain": {"id": "Nyeri dada", "en": "Chest pain"},
    "confusion": {
        "id": "Bingung atau sulit dibangunkan",
        "en": "Confusion or hard to wake",
    },
    "bluish_lips": {"id": "Bibir atau wajah kebiruan", "en": "Bluish lips or face"},
}
EXPOSURE_LABELS: dict[str, T] = {
    "none": {"id": "Tidak ada", "en": "None"},
    "close_contact": {
        "id": "Kontak erat dengan kasus terkonfirmasi (14 hari terakhir)",
        "en": "Close contact with a confirmed case (last 14 days)",
    },
    "travel": {
        "id": "Bepergian ke daerah dengan penularan COVID-19 (14 hari terakhir)",
        "en": "Travel to an area with COVID-19 transmission (last 14 days)",
    },
    "unsure": {"id": "Tidak yakin", "en": "Not sure"},
}
COMORBIDITY_LABELS: dict[str, T] = {
    "diabetes": {"id": "Diabetes", "en": "Diabetes"},
    "hypertension": {"id": "Hipertensi", "en": "High blood pressure"},
    "heart": {"id": "Penyakit jantung", "en": "Heart disease"},
    "lung": {"id": "Penyakit paru (asma, PPOK, TBC)", "en": "Lung disease"},
    "kidney": {"id": "Penyakit ginjal", "en": "Kidney disease"},
    "immunocompromised": {
        "id": "Daya tahan tubuh lemah (HIV, kemoterapi, steroid)",
        "en": "Weakened immune system (HIV, chemotherapy, steroids)",
    },
    "obesity": {"id": "Obesitas", "en": "Obesity"},
}
RISK_LEVEL_LABELS: dict[str, T] = {
    rules.LOW: {"id": "Risiko rendah", "en": "Low risk"},
    rules.MODERATE: {"id": "Risiko sedang", "en": "Moderate risk"},
    rules.HIGH: {"id": "Risiko tinggi", "en": "High risk"},
    rules.CRITICAL: {"id": "Gawat darurat", "en": "Emergency"},
}


def _options(labels: Mapping[str, T]) -> list[dict[str, Any]]:
    return [{"value": key, "label": dict(label)} for key, label in labels.items()]


def _v1_options(labels: Mapping[str, T]) -> list[dict[str, Any]]:
    # Questionnaire v1 as it was: travel came with v2.
    return [o for o in _options(labels) if o["value"] in rules.EXPOSURES_V1]


QUESTIONNAIRES: dict[str, dict[str, Any]] = {
    "v1": {
        "version": "v1",
        "title": {"id": "Cek mandiri COVID-19", "en": "COVID-19 self-check"},
        "intro": {
            "id": "Jawab sesuai kondisi Anda hari ini. Hasil ini bukan diagnosis.",
            "en": "Answer for how you are today. The result is not a diagnosis.",
        },
        "questions": [
            {
                "key": "age",
                "type": "integer",
                "required": True,
                "min": rules.AGE_RANGE[0],
                "max": rules.AGE_RANGE[1],
                "unit": {"id": "tahun", "en": "years"},
                "label": {"id": "Berapa usia Anda?", "en": "How old are you?"},
            },
            {
                "key": "symptoms",
                "type": "multi_choice",
                "required": False,
                "label": {
                    "id": "Gejala apa yang Anda alami sekarang?",
                    "en": "Which symptoms do you have now?",
                },
                "help": {
                    "id": "Pilih semua yang sesuai; kosongkan bila tidak ada.",
                    "en": "Choose all that apply; leave empty if none.",
                },
                "options": _options(SYMPTOM_LABELS),
            },
            {
                "key": "danger_signs",
                "type": "multi_choice",
                "required": False,
                "label": {
                    "id": "Apakah Anda mengalami salah satu tanda bahaya ini?",
                    "en": "Do you have any of these danger signs?",
                },
                "options": _options(DANGER_SIGN_LABELS),
            },
            {
                "key": "temperature_c",
                "type": "decimal",
                "required": False,
                "min": float(rules.TEMPERATURE_RANGE[0]),
                "max": float(rules.TEMPERATURE_RANGE[1]),
                "step": 0.1,
                "unit": {"id": "°C", "en": "°C"},
                "label": {
                    "id": "Suhu tubuh (bila diukur)",
                    "en": "Body temperature (if measured)",
                },
            },
            {
                "key": "spo2",
                "type": "integer",
                "required": False,
                "min": rules.SPO2_RANGE[0],
                "max": rules.SPO2_RANGE[1],
                "unit": {"id": "%", "en": "%"},
                "label": {
                    "id": "Saturasi oksigen / SpO2 dari oksimeter (bila ada)",
                    "en": "Oxygen saturation / SpO2 from a pulse oximeter (if any)",
                },
            },
            {
                "key": "respiratory_rate",
                "type": "integer",
                "required": False,
                "min": rules.RESPIRATORY_RATE_RANGE[0],
                "max": rules.RESPIRATORY_RATE_RANGE[1],
                "unit": {"id": "napas/menit", "en": "breaths/min"},
                "label": {
                    "id": "Jumlah napas dalam 1 menit (bila dihitung)",
                    "en": "Breaths in one minute (if counted)",
                },
            },
            {
                "key": "exposure",
                "type": "single_choice",
                "required": True,
                "label": {
                    "id": "Apakah Anda kontak erat dengan pasien COVID-19?",
                    "en": "Have you been in close contact with a COVID-19 patient?",
                },
                "options": _v1_options(EXPOSURE_LABELS),
            },
            {
                "key": "comorbidities",
                "type": "multi_choice",
                "required": False,
                "label": {
                    "id": "Apakah Anda punya penyakit penyerta?",
                    "en": "Do you have any long-term conditions?",
                },
                "options": _options(COMORBIDITY_LABELS),
            },
            {
                "key": "pregnant",
                "type": "boolean",
                "required": False,
                "label": {"id": "Apakah Anda sedang hamil?", "en": "Are you pregnant?"},
            },
            {
                "key": "district_code",
                "type": "region",
                "level": "kecamatan",
                "required": False,
                "label": {
                    "id": "Di kecamatan mana Anda tinggal sekarang?",
                    "en": "Which kecamatan (district) are you staying in?",
                },
                "help": {
                    "id": "Kode Kemendagri, mis. 33.74.10; dipakai untuk rumah sakit "
                    "rujukan terdekat dan statistik anonim.",
                    "en": "Kemendagri code, e.g. 33.74.10; used for the nearest referral "
                    "hospitals and anonymous statistics.",
                },
            },
        ],
    }
}


def _questionnaire_v2() -> dict[str, Any]:
    """v1 with travel among the exposures (triage-v2) and the fever threshold told
    next to the temperature."""
    v2 = copy.deepcopy(QUESTIONNAIRES["v1"])
    v2["version"] = "v2"
    for question in v2["questions"]:
        if question["key"] == "temperature_c":
            question["help"] = {
                "id": "38,0 °C atau lebih dihitung sebagai demam.",
                "en": "38.0 °C or more counts as fever.",
            }
        elif question["key"] == "exposure":
            question["label"] = {
                "id": "Dalam 14 hari terakhir, apakah Anda kontak erat dengan pasien "
                "COVID-19 atau bepergian ke daerah dengan penularan?",
                "en": "In the last 14 days, have you been in close contact with a "
                "COVID-19 patient or travelled to an area with transmission?",
            }
            question["options"] = _options(EXPOSURE_LABELS)
    return v2


QUESTIONNAIRES["v2"] = _questionnaire_v2()
DEFAULT_QUESTIONNAIRE_VERSION = "v1"


ADVICE: dict[str, dict[str, T]] = {
    "triage-v1": {
        rules.LOW: {
            "id": "Risiko Anda rendah. Tetap pakai masker, cuci tangan, jaga jarak, dan "
            "pantau kondisi Anda. Cek ulang dalam 7 hari, atau segera bila muncul "
            "gejala.",
            "en": "Your risk is low. Keep wearing a mask, washing hands and keeping "
            "your distance, and watch how you feel. Check again in 7 days, or straight "
            "away if symptoms appear.",
        },
        rules.MODERATE: {
            "id": "Risiko Anda sedang. Isolasi mandiri di rumah, lakukan tes COVID-19 "
            "(antigen/PCR) di puskesmas atau laboratorium, dan konsultasikan dengan "
            "tenaga kesehatan lewat telekonsultasi. Cek ulang besok.",
            "en": "Your risk is moderate. Isolate at home, get a COVID-19 test "
            "(antigen/PCR) at a puskesmas or lab, and talk to a health worker by "
            "teleconsultation. Check again tomorrow.",
        },
        rules.HIGH: {
            "id": "Risiko Anda tinggi. Lakukan tes COVID-19 sekarang, isolasi mandiri, "
            "dan konsultasikan lewat telekonsultasi. Anda dapat mendaftar pemantauan "
            "isolasi oleh puskesmas Anda. Bila muncul tanda bahaya, hubungi 119.",
            "en": "Your risk is high. Get a COVID-19 test now, isolate, and talk to a "
            "health worker by teleconsultation. You can ask your puskesmas to monitor "
            "your isolation. If a danger sign appears, call 119.",
        },
        rules.CRITICAL: {
            "id": "Ini keadaan gawat darurat. Segera cari pertolongan: hubungi PSC 119 "
            "atau datang ke IGD rumah sakit rujukan terdekat sekarang. Jangan "
            "menunggu.",
            "en": "This is an emergency. Get help now: call PSC 119 or go to the "
            "emergency department of the nearest referral hospital. Do not wait.",
        },
    }
}

# v2 changes what counts, not what to do about a level.
ADVICE["triage-v2"] = ADVICE["triage-v1"]
# v3 makes high mean "a doctor today": a very high fever and difficulty breathing
# land there, and a high COVID-19 risk needs the test today anyway.
ADVICE["triage-v3"] = {
    **ADVICE["triage-v2"],
    rules.HIGH: {
        "id": "Risiko Anda tinggi. Periksakan diri ke dokter atau puskesmas hari ini, "
        "jangan menunggu besok, dan lakukan tes COVID-19; sampai itu, isolasi mandiri "
        "dan pakai masker. Bila tidak dapat datang, konsultasikan lewat "
        "telekonsultasi hari ini. Anda dapat mendaftar pemantauan isolasi oleh "
        "puskesmas Anda. Bila muncul tanda bahaya (sesak napas berat, nyeri dada, "
        "bingung, bibir kebiruan) atau suhu mencapai 41 °C, hubungi 119.",
        "en": "Your risk is high. See a doctor or your puskesmas today, do not wait "
        "until tomorrow, and get a COVID-19 test; until then, isolate and wear a "
        "mask. If you cannot go, talk to a health worker by teleconsultation today. "
        "You can ask your puskesmas to monitor your isolation. If a danger sign "
        "appears (severe difficulty breathing, chest pain, confusion, bluish lips) or "
        "your temperature reaches 41 °C, call 119.",
    },
}

NEXT_STEP_LABELS: dict[str, T] = {
    "emergency_call": {
        "id": "Telepon PSC 119 (layanan gawat darurat)",
        "en": "Call PSC 119 (emergency service)",
    },
    "referral_hospital": {
        "id": "IGD rumah sakit rujukan terdekat",
        "en": "Nearest referral hospital emergency department",
    },
    "isolation_request": {
        "id": "Minta pemantauan isolasi oleh puskesmas",
        "en": "Ask your puskesmas to monitor your isolation",
    },
    "teleconsult": {
        "id": "Pesan telekonsultasi",
        "en": "Book a teleconsultation",
    },
}

REASON_TEXTS: dict[str, T] = {
    "danger_sign": {"id": "Tanda bahaya: {sign}", "en": "Danger sign: {sign}"},
    "spo2_low": {
        "id": "Saturasi oksigen {value}% (di bawah {threshold}%)",
        "en": "Oxygen saturation {value}% (below {threshold}%)",
    },
    "respiratory_rate_high": {
        "id": "Napas {value} kali/menit (lebih dari {threshold})",
        "en": "Breathing rate {value}/min (above {threshold})",
    },
    "core_symptoms": {
        "id": "{count} dari 5 gejala utama{listed}",
        "en": "{count} of 5 core symptoms{listed}",
    },
    "exposure": {
        "id": "Kontak erat dengan kasus terkonfirmasi",
        "en": "Close contact with a confirmed case",
    },
    "exposure_travel": {
        "id": "Bepergian ke daerah dengan penularan COVID-19",
        "en": "Travel to an area with COVID-19 transmission",
    },
    "fever_measured": {
        "id": "Suhu terukur {value} °C: demam ({threshold} °C atau lebih)",
        "en": "Measured temperature {value} °C: fever ({threshold} °C or more)",
    },
    "temperature_high": {
        "id": "Suhu terukur {value} °C: demam sangat tinggi ({threshold} °C atau "
        "lebih), perlu diperiksa dokter hari ini",
        "en": "Measured temperature {value} °C: very high fever ({threshold} °C or "
        "more), needs a doctor today",
    },
    "temperature_critical": {
        "id": "Suhu terukur {value} °C: demam sangat tinggi yang berbahaya "
        "({threshold} °C atau lebih), perlu pertolongan gawat darurat sekarang",
        "en": "Measured temperature {value} °C: dangerously high fever ({threshold} "
        "°C or more), needs emergency care now",
    },
    "same_day_symptom": {
        "id": "{symptom}: gejala serius, perlu diperiksa tenaga kesehatan hari ini",
        "en": "{symptom}: a serious symptom, needs a health worker today",
    },
    "older_age": {
        "id": "Usia {age} tahun ({threshold} tahun atau lebih)",
        "en": "Age {age} ({threshold} or older)",
    },
    "comorbidity": {
        "id": "Penyakit penyerta: {comorbidities}",
        "en": "Long-term condition: {comorbidities}",
    },
}


def _labels(keys: Iterable[str], labels: Mapping[str, T], lang: str) -> str:
    return ", ".join(pick(labels[k], lang).lower() if k in labels else k for k in keys)


def reason_text(reason: Mapping[str, Any], lang: str | None) -> str:
    lang = normalise_language(lang)
    code, params = reason["code"], dict(reason.get("params") or {})
    if code == "exposure" and params.get("exposure") == "travel":
        code = "exposure_travel"
    template = REASON_TEXTS.get(code)
    if template is None:
        return code
    if code == "danger_sign":
        params["sign"] = _labels([params["sign"]], DANGER_SIGN_LABELS, lang)
    elif code == "same_day_symptom":
        label = SYMPTOM_LABELS.get(params["symptom"])
        params["symptom"] = pick(label, lang) if label else params["symptom"]
    elif code == "core_symptoms":
        names = _labels(params.get("symptoms", []), SYMPTOM_LABELS, lang)
        params["listed"] = f": {names}" if names else ""
    elif code == "comorbidity":
        params["comorbidities"] = _labels(
            params.get("comorbidities", []), COMORBIDITY_LABELS, lang
        )
    return pick(template, lang).format(**params)


def render_reasons(
    reasons: Iterable[Mapping[str, Any]], lang: str | None
) -> list[dict[str, Any]]:
    return [
        {
            "code": r["code"],
            "params": dict(r.get("params") or {}),
            "text": reason_text(r, lang),
        }
        for r in reasons
    ]


def advice(rule_version: str, risk_level: str, lang: str | None) -> str:
    texts = ADVICE.get(rule_version) or ADVICE[rules.DEFAULT_RULE_VERSION]
    return pick(texts[risk_level], lang)


def questionnaire(version: str) -> dict[str, Any]:
    return QUESTIONNAIRES[version]
