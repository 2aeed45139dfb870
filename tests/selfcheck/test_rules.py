"""Triage v1 as a table: every branch and boundary of PRODUCT.md §2. No database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from selfcheck import content, rules
from selfcheck.rules import CRITICAL, HIGH, LOW, MODERATE, Answers
from tests.selfcheck.helpers import body

V1 = "triage-v1"
CORE = list(rules.CORE_SYMPTOMS)


def answers(**kw) -> Answers:
    kw.setdefault("age", 34)
    for key in ("symptoms", "danger_signs", "comorbidities"):
        kw[key] = frozenset(kw.get(key, ()))
    return Answers(**kw)


# (case id, answers, expected level, expected reason codes in order)
CASES = [
    # -- critical: any danger sign, SpO2 < 95, rate > 24 --
    *[
        (f"danger-{sign}", answers(danger_signs=[sign]), CRITICAL, ["danger_sign"])
        for sign in rules.DANGER_SIGNS
    ],
    ("spo2-94-critical", answers(spo2=94), CRITICAL, ["spo2_low"]),
    ("spo2-95-not-critical", answers(spo2=95), LOW, ["core_symptoms"]),
    ("spo2-50-critical", answers(spo2=50), CRITICAL, ["spo2_low"]),
    ("spo2-100-not-critical", answers(spo2=100), LOW, ["core_symptoms"]),
    (
        "rate-25-critical",
        answers(respiratory_rate=25),
        CRITICAL,
        ["respiratory_rate_high"],
    ),
    ("rate-24-not-critical", answers(respiratory_rate=24), LOW, ["core_symptoms"]),
    (
        "measures-missing",
        answers(spo2=None, respiratory_rate=None),
        LOW,
        ["core_symptoms"],
    ),
    (
        "danger-sign-with-normal-spo2",
        answers(danger_signs=["chest_pain"], spo2=99),
        CRITICAL,
        ["danger_sign"],
    ),
    (
        "every-danger-listed",
        answers(danger_signs=rules.DANGER_SIGNS, spo2=90, respiratory_rate=30),
        CRITICAL,
        ["danger_sign"] * 4 + ["spo2_low", "respiratory_rate_high"],
    ),
    (
        "critical-beats-symptoms",
        answers(symptoms=CORE, exposure="close_contact", spo2=94),
        CRITICAL,
        ["spo2_low"],
    ),
    # -- 0..3 core symptoms x exposure --
    ("0-none", answers(exposure="none"), LOW, ["core_symptoms"]),
    ("0-unsure", answers(exposure="unsure"), LOW, ["core_symptoms"]),
    (
        "0-close",
        answers(exposure="close_contact"),
        MODERATE,
        ["core_symptoms", "exposure"],
    ),
    ("1-none", answers(symptoms=["fever"]), MODERATE, ["core_symptoms"]),
    (
        "1-unsure",
        answers(symptoms=["cough"], exposure="unsure"),
        MODERATE,
        ["core_symptoms"],
    ),
    (
        "1-close",
        answers(symptoms=["sore_throat"], exposure="close_contact"),
        HIGH,
        ["core_symptoms", "exposure"],
    ),
    ("2-none", answers(symptoms=CORE[:2]), MODERATE, ["core_symptoms"]),
    (
        "2-unsure",
        answers(symptoms=CORE[:2], exposure="unsure"),
        MODERATE,
        ["core_symptoms"],
    ),
    (
        "2-close",
        answers(symptoms=CORE[:2], exposure="close_contact"),
        HIGH,
        ["core_symptoms", "exposure"],
    ),
    ("3-none", answers(symptoms=CORE[:3]), HIGH, ["core_symptoms"]),
    (
        "3-unsure",
        answers(symptoms=CORE[2:5], exposure="unsure"),
        HIGH,
        ["core_symptoms"],
    ),
    (
        "3-close",
        answers(symptoms=CORE[:3], exposure="close_contact"),
        HIGH,
        ["core_symptoms"],
    ),
    ("5-none", answers(symptoms=CORE), HIGH, ["core_symptoms"]),
    # -- age 59/60 only matters with exactly 2 core symptoms --
    ("2-age-59", answers(age=59, symptoms=CORE[:2]), MODERATE, ["core_symptoms"]),
    (
        "2-age-60",
        answers(age=60, symptoms=CORE[:2]),
        HIGH,
        ["core_symptoms", "older_age"],
    ),
    (
        "2-age-120",
        answers(age=120, symptoms=CORE[3:5]),
        HIGH,
        ["core_symptoms", "older_age"],
    ),
    ("1-age-60", answers(age=60, symptoms=["fever"]), MODERATE, ["core_symptoms"]),
    ("0-age-90", answers(age=90), LOW, ["core_symptoms"]),
    ("2-age-0", answers(age=0, symptoms=CORE[:2]), MODERATE, ["core_symptoms"]),
    # -- comorbidity only matters with exactly 2 core symptoms --
    *[
        (
            f"2-comorbid-{c}",
            answers(symptoms=CORE[:2], comorbidities=[c]),
            HIGH,
            ["core_symptoms", "comorbidity"],
        )
        for c in rules.COMORBIDITIES
    ],
    (
        "1-comorbid",
        answers(symptoms=["fever"], comorbidities=["heart"]),
        MODERATE,
        ["core_symptoms"],
    ),
    ("0-comorbid", answers(comorbidities=["lung", "kidney"]), LOW, ["core_symptoms"]),
    (
        "2-every-factor",
        answers(
            age=75,
            symptoms=CORE[:2],
            exposure="close_contact",
            comorbidities=["diabetes"],
        ),
        HIGH,
        ["core_symptoms", "exposure", "older_age", "comorbidity"],
    ),
    # -- what v1 does not weigh --
    (
        "non-core-only",
        answers(symptoms=["fatigue", "diarrhoea"]),
        LOW,
        ["core_symptoms"],
    ),
    (
        "non-core-not-counted",
        answers(symptoms=["fever", "fatigue", "diarrhoea"]),
        MODERATE,
        ["core_symptoms"],
    ),
    (
        "2-pregnant",
        answers(symptoms=CORE[:2], pregnant=True),
        MODERATE,
        ["core_symptoms"],
    ),
    (
        "high-temp-no-symptom",
        answers(temperature_c=Decimal("39.5")),
        LOW,
        ["core_symptoms"],
    ),
]


@pytest.mark.parametrize(
    ("given", "level", "codes"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_it_triages_v1(given, level, codes):
    result = rules.evaluate(given, V1)

    assert result.risk_level == level
    assert [r.code for r in result.reasons] == codes
    assert result.rule_version == V1


@pytest.mark.parametrize(
    ("level", "days", "steps"),
    [
        (LOW, 7, ()),
        (MODERATE, 1, ("teleconsult",)),
        (HIGH, 1, ("isolation_request", "teleconsult")),
        (
            CRITICAL,
            None,
            (
                "emergency_call",
                "referral_hospitals",
                "isolation_request",
                "teleconsult",
            ),
        ),
    ],
)
def test_it_attaches_recheck_and_next_steps_per_level(level, days, steps):
    result = rules.Result(level, (), V1)

    assert result.recheck_after_days == days
    assert result.next_steps == steps


def test_it_reports_which_symptoms_counted():
    result = rules.evaluate(answers(symptoms=["diarrhoea", "cough", "fever"]), V1)

    assert result.reasons[0].params == {"count": 2, "symptoms": ["fever", "cough"]}


def test_it_keeps_versions_apart():
    spec = rules.RuleSpec(
        version="test-stricter",
        evaluator=rules.evaluate_symptom_count,
        params={**rules.get_rule(V1).params, "spo2_critical_below": 96},
        title={"id": "uji", "en": "test"},
    )
    rules.register(spec)
    try:
        given = answers(spo2=95)
        assert rules.evaluate(given, "test-stricter").risk_level == CRITICAL
        assert rules.evaluate(given, V1).risk_level == LOW
    finally:
        rules._REGISTRY.pop("test-stricter")


def test_it_refuses_to_overwrite_a_version():
    with pytest.raises(ValueError):
        rules.register(rules.get_rule(V1))


def test_it_rejects_an_unknown_version():
    with pytest.raises(rules.UnknownRuleVersion):
        rules.evaluate(answers(), "triage-v0")


def test_it_describes_a_version_as_plain_data():
    described = rules.describe(V1)

    assert described["params"]["spo2_critical_below"] == 95
    assert described["params"]["core_symptoms"] == CORE
    assert described["params"]["recheck_days"]["critical"] is None


# -- parsing raw answers ------------------------------------------------------------

# The API's valid body without what the API adds (district, client key).
VALID = {k: v for k, v in body().items() if k not in ("district_code", "client_key")}


def test_it_parses_a_full_body():
    parsed = rules.parse_answers(VALID)

    assert parsed.age == 34
    assert parsed.symptoms == {"fever", "cough"}
    assert parsed.temperature_c == Decimal("38.2")
    assert parsed.spo2 == 96


def test_it_accepts_the_minimum_body():
    parsed = rules.parse_answers({"age": 5, "exposure": "unsure", "spo2": None})

    assert parsed == Answers(age=5, exposure="unsure")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("age", 0),
        ("age", 120),
        ("spo2", 50),
        ("spo2", 100),
        ("temperature_c", 30),
        ("temperature_c", "45.0"),
        ("respiratory_rate", 4),
        ("respiratory_rate", 80),
        ("age", 34.0),
    ],
)
def test_it_accepts_boundary_values(field, value):
    answers = rules.parse_answers({**VALID, field: value})
    got = getattr(answers, field)
    assert got == Decimal(str(value)) and not isinstance(got, bool)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("age", -1),
        ("age", 121),
        ("age", 34.5),
        ("age", True),
        ("age", "abc"),
        ("age", None),
        ("spo2", 49),
        ("spo2", 101),
        ("temperature_c", 29.9),
        ("temperature_c", 45.1),
        ("temperature_c", "NaN"),
        ("respiratory_rate", 81),
        ("symptoms", ["fever", "headache"]),
        ("symptoms", "fever"),
        ("danger_signs", ["fainting"]),
        ("comorbidities", ["cancer"]),
        ("exposure", "abroad"),
        ("exposure", None),
        ("pregnant", "yes"),
    ],
)
def test_it_rejects_bad_values_per_field(field, value):
    with pytest.raises(rules.InvalidAnswers) as exc:
        rules.parse_answers({**VALID, field: value})

    assert list(exc.value.fields) == [field]


def test_it_rejects_unknown_keys():
    with pytest.raises(rules.InvalidAnswers) as exc:
        rules.parse_answers({**VALID, "shortness": True})

    assert exc.value.fields == {"shortness": ["Unknown field."]}


def test_it_reports_every_bad_field_at_once():
    with pytest.raises(rules.InvalidAnswers) as exc:
        rules.parse_answers({"spo2": 20, "symptoms": ["x"]})

    assert set(exc.value.fields) == {"age", "exposure", "spo2", "symptoms"}


def test_it_fingerprints_equal_answers_equally():
    a = rules.parse_answers({**VALID, "symptoms": ["cough", "fever", "cough"]})
    b = rules.parse_answers({**VALID, "temperature_c": "38.20"})

    assert rules.answers_fingerprint(a) == rules.answers_fingerprint(b)
    assert rules.answers_fingerprint(a) != rules.answers_fingerprint(
        a, {"district": "33.74.10"}
    )


def test_it_round_trips_stored_answers():
    parsed = rules.parse_answers(VALID)

    assert rules.answers_from_dict(parsed.as_dict()) == parsed


# -- geography and suppression ------------------------------------------------------


def test_it_measures_great_circle_distance():
    semarang, jakarta = (-6.9667, 110.4167), (-6.2088, 106.8456)

    assert rules.distance_km(*semarang, *semarang) == 0
    assert 395 < rules.distance_km(*semarang, *jakarta) < 410


@pytest.mark.parametrize(("count", "shown"), [(0, "<5"), (4, "<5"), (5, 5), (120, 120)])
def test_it_suppresses_small_cells(count, shown):
    assert rules.suppress(count) == shown


# -- content --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_it_has_advice_for_every_level_in_both_languages(lang):
    for level in rules.RISK_LEVELS:
        assert content.advice(V1, level, lang)
    assert "119" in content.advice(V1, CRITICAL, lang)


def test_it_renders_reasons_in_the_requested_language():
    result = rules.evaluate(answers(age=61, symptoms=["fever", "cough"], spo2=97), V1)
    reasons = [r.as_dict() for r in result.reasons]

    assert [r["text"] for r in content.render_reasons(reasons, "en")] == [
        "2 of 5 core symptoms: fever, cough",
        "Age 61 (60 or older)",
    ]
    assert content.render_reasons(reasons, "id")[0]["text"] == (
        "2 dari 5 gejala utama: demam, batuk"
    )
    critical = rules.evaluate(answers(spo2=93, danger_signs=["chest_pain"]), V1)
    texts = content.render_reasons([r.as_dict() for r in critical.reasons], "id")
    assert [t["text"] for t in texts] == [
        "Tanda bahaya: nyeri dada",
        "Saturasi oksigen 93% (di bawah 95%)",
    ]


@pytest.mark.parametrize(
    ("version", "exposures"), [("v1", rules.EXPOSURES_V1), ("v2", rules.EXPOSURES)]
)
def test_it_labels_every_option_of_the_questionnaire_in_both_languages(
    version, exposures
):
    q = content.questionnaire(version)
    keys = [question["key"] for question in q["questions"]]

    assert set(rules.ANSWER_FIELDS) <= set(keys)
    by_key = {question["key"]: question for question in q["questions"]}
    assert [o["value"] for o in by_key["symptoms"]["options"]] == list(rules.SYMPTOMS)
    assert [o["value"] for o in by_key["danger_signs"]["options"]] == list(
        rules.DANGER_SIGNS
    )
    assert [o["value"] for o in by_key["exposure"]["options"]] == list(exposures)
    assert [o["value"] for o in by_key["comorbidities"]["options"]] == list(
        rules.COMORBIDITIES
    )
    for question in q["questions"]:
        assert set(question["label"]) == {"id", "en"}
        for option in question.get("options", []):
            assert all(option["label"][lang] for lang in ("id", "en"))


# --- triage-v2 --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("temperature", "symptoms", "exposure", "level"),
    [
        (None, [], "none", "low"),
        ("37.9", [], "none", "low"),
        ("38.0", [], "none", "moderate"),
        ("39.5", [], "none", "moderate"),
        ("38.0", ["fever"], "none", "moderate"),
        ("38.0", ["cough"], "none", "moderate"),
        ("38.0", ["cough", "sore_throat"], "none", "high"),
        ("37.9", ["cough"], "travel", "high"),
        (None, [], "travel", "moderate"),
        (None, [], "unsure", "low"),
    ],
)
def test_triage_v2_counts_measured_fever_and_travel(
    temperature, symptoms, exposure, level
):
    answers = rules.parse_answers(
        {
            "age": 30,
            "symptoms": symptoms,
            "temperature_c": temperature,
            "exposure": exposure,
        }
    )
    assert rules.evaluate(answers, "triage-v2").risk_level == level


def test_triage_v1_keeps_its_meaning():
    answers = rules.parse_answers(
        {"age": 30, "temperature_c": "39.5", "exposure": "none"}
    )
    result = rules.evaluate(answers, "triage-v1")
    assert result.risk_level == "low"
    assert "fever_from_c" not in rules.describe("triage-v1")["params"]
    with pytest.raises(rules.InvalidAnswers) as exc:
        rules.parse_answers(
            {"age": 30, "exposure": "travel"},
            exposures=rules.exposure_options("triage-v1"),
        )
    assert "exposure" in exc.value.fields


def test_triage_v2_uses_the_check_ins_fever_threshold():
    from isolation.rules import FEVER_FROM

    params = rules.describe("triage-v2")["params"]
    assert Decimal(params["fever_from_c"]) == FEVER_FROM
    assert params["exposures"] == ["none", "close_contact", "travel", "unsure"]


# --- The symptoms a version judged (what the signals count) ------------------------


def _measured(ticked: list[str], temperature: str | None) -> Answers:
    return rules.parse_answers(
        {
            "age": 30,
            "symptoms": ticked,
            "temperature_c": temperature,
            "exposure": "none",
        }
    )


@pytest.mark.parametrize(
    ("version", "temperature", "ticked", "judged"),
    [
        ("triage-v2", "38.6", [], ["fever"]),
        ("triage-v2", "38.0", ["cough"], ["cough", "fever"]),
        ("triage-v2", "37.9", [], []),
        ("triage-v2", "37.5", ["cough"], ["cough"]),
        ("triage-v2", None, ["fatigue"], ["fatigue"]),
        ("triage-v2", "39.0", ["fever"], ["fever"]),
        ("triage-v2", "36.0", ["fever"], ["fever"]),
        ("triage-v1", "38.6", [], []),
        ("triage-v1", "39.5", ["cough"], ["cough"]),
        ("triage-v1", "36.0", ["fever"], ["fever"]),
    ],
)
def test_it_tells_the_symptoms_each_version_judged(
    version, temperature, ticked, judged
):
    parsed = _measured(ticked, temperature)

    assert rules.effective_symptoms(parsed, version) == frozenset(judged)


@pytest.mark.parametrize("version", ["triage-v1", "triage-v2"])
@pytest.mark.parametrize("temperature", [None, "37.5", "37.9", "38.0", "38.6", "41.0"])
@pytest.mark.parametrize("ticked", [[], ["fever"], ["cough"], ["cough", "fatigue"]])
def test_the_symptoms_judged_are_those_triage_counted(version, temperature, ticked):
    parsed = _measured(ticked, temperature)

    result = rules.evaluate(parsed, version)

    counted = next(r for r in result.reasons if r.code == "core_symptoms")
    judged = rules.effective_symptoms(parsed, version)
    assert sorted(counted.params["symptoms"]) == sorted(judged & set(CORE))
    assert judged >= parsed.symptoms  # ticked ones always stay


# --- triage-v3 --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "temperature", "symptoms", "signs", "level", "added"),
    [
        (30, "38.6", [], [], "moderate", []),
        (30, "39.9", [], [], "moderate", []),
        (30, "40.0", [], [], "high", ["temperature_high"]),
        (30, "40.2", [], [], "high", ["temperature_high"]),
        (4, "40.2", [], [], "high", ["temperature_high"]),
        (30, "40.9", ["cough", "sore_throat"], [], "high", ["temperature_high"]),
        (30, "41.0", [], [], "critical", ["temperature_critical"]),
        (30, "45.0", [], [], "critical", ["temperature_critical"]),
        (30, "40.5", [], ["confusion"], "critical", []),
        (30, "41.5", [], ["confusion"], "critical", ["temperature_critical"]),
        (30, None, ["breathing_difficulty"], [], "high", ["same_day_symptom"]),
        (
            30,
            "40.1",
            ["breathing_difficulty"],
            [],
            "high",
            ["temperature_high", "same_day_symptom"],
        ),
        (30, None, ["cough"], [], "moderate", []),
        (30, None, [], ["severe_breathing_difficulty"], "critical", []),
        (30, None, [], [], "low", []),
    ],
)
def test_triage_v3_sends_very_high_fever_and_breathing_difficulty_to_care_today(
    age, temperature, symptoms, signs, level, added
):
    answers = rules.parse_answers(
        {
            "age": age,
            "symptoms": symptoms,
            "danger_signs": signs,
            "temperature_c": temperature,
            "exposure": "none",
        }
    )
    v2 = rules.evaluate(answers, "triage-v2")
    v3 = rules.evaluate(answers, "triage-v3")

    assert v3.risk_level == level
    codes = [r.code for r in v3.reasons]
    new = [c for c in codes if c not in {r.code for r in v2.reasons}]
    assert new == added
    if level != "critical" or v2.risk_level == "critical":
        # v2's explanation stays, the measured fever included.
        assert codes[: len(v2.reasons)] == [r.code for r in v2.reasons]


def test_triage_v2_keeps_its_meaning_for_what_v3_changed():
    fever = rules.parse_answers(
        {"age": 30, "temperature_c": "41.5", "exposure": "none"}
    )
    breathing = rules.parse_answers(
        {"age": 30, "symptoms": ["breathing_difficulty"], "exposure": "none"}
    )
    assert rules.evaluate(fever, "triage-v2").risk_level == "moderate"
    assert rules.evaluate(breathing, "triage-v2").risk_level == "moderate"
    assert "temperature_high_from_c" not in rules.describe("triage-v2")["params"]


def test_triage_v3_thresholds_are_within_the_questionnaires_range():
    params = rules.describe("triage-v3")["params"]
    lo, hi = rules.TEMPERATURE_RANGE
    high = Decimal(params["temperature_high_from_c"])
    critical = Decimal(params["temperature_critical_from_c"])
    assert Decimal(params["fever_from_c"]) < high < critical <= hi
    assert params["same_day_symptoms"] == ["breathing_difficulty"]
    assert params["next_steps"]["critical"][0] == "emergency_call"


@pytest.mark.parametrize(
    ("age", "pregnant", "sex", "expected"),
    [
        (5, True, "", {"pregnant": "pregnant_age"}),
        (9, True, "F", {"pregnant": "pregnant_age"}),
        (10, True, "", {}),
        (60, True, "F", {}),
        (61, True, "", {"pregnant": "pregnant_age"}),
        (30, True, "M", {"pregnant": "pregnant_male"}),
        (30, True, "F", {}),
        (30, True, "", {}),
        (5, False, "M", {}),
        (90, False, "", {}),
    ],
)
def test_it_finds_implausible_pregnancies(age, pregnant, sex, expected):
    answers = rules.parse_answers(
        {"age": age, "exposure": "none", "pregnant": pregnant}
    )
    assert rules.answers_implausible(answers, sex=sex) == expected


def test_triage_v3_has_advice_and_reason_texts_in_both_languages():
    for level in rules.RISK_LEVELS:
        for lang in ("id", "en"):
            assert content.ADVICE["triage-v3"][level][lang]
    for code in ("temperature_high", "temperature_critical", "same_day_symptom"):
        assert set(content.REASON_TEXTS[code]) == {"id", "en"}
    assert "hari ini" in content.ADVICE["triage-v3"][HIGH]["id"]
    assert "today" in content.ADVICE["triage-v3"][HIGH]["en"]
    assert "Check again tomorrow" not in content.ADVICE["triage-v3"][HIGH]["en"]
