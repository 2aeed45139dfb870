"""Self-check triage: pure, versioned rules. No ORM, no settings.

A rule version is *data* (a params dict) plus *pure code* (an evaluator function),
registered under a version key. Assessments store that key, so any assessment can be
re-evaluated and explained with the exact rule it was judged by, years later. New
versions are added with ``register()``; existing entries are never edited.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from core.rules import RESPIRATORY_RATE_RANGE, SPO2_RANGE, TEMPERATURE_RANGE

LOW, MODERATE, HIGH, CRITICAL = "low", "moderate", "high", "critical"
RISK_LEVELS = (LOW, MODERATE, HIGH, CRITICAL)
# Risk levels that may ask a puskesmas for isolation monitoring.
HIGH_RISK_LEVELS = (HIGH, CRITICAL)

CORE_SYMPTOMS = (
    "fever",
    "cough",
    "sore_throat",
    "breathing_difficulty",
    "loss_of_smell_taste",
)
SYMPTOMS = (*CORE_SYMPTOMS, "fatigue", "diarrhoea")
DANGER_SIGNS = ("severe_breathing_difficulty", "chest_pain", "confusion", "bluish_lips")
COMORBIDITIES = (
    "diabetes",
    "hypertension",
    "heart",
    "lung",
    "kidney",
    "immunocompromised",
    "obesity",
)
# Every exposure any version knows; each version's params say which it accepts
# ("travel" came with triage-v2, PRODUCT.md §2).
EXPOSURES = ("none", "close_contact", "travel", "unsure")
EXPOSURES_V1 = ("none", "close_contact", "unsure")

# Plausible input ranges; outside them the answer is rejected, not judged (the vital
# signs' ranges are core.rules', shared with the check-in).
AGE_RANGE = (0, 120)
# Ages at which a pregnancy is plausible enough to be judged (both included): the
# youngest mothers on record are about 10, pregnancies after 60 are isolated cases of
# assisted reproduction; outside them the answer is far likelier a mistap.
PREGNANCY_AGE_RANGE = (10, 60)
MALE = "M"  # core.models.ResidentProfile.Sex.MALE, without the ORM

ANSWER_FIELDS = (
    "age",
    "symptoms",
    "danger_signs",
    "temperature_c",
    "spo2",
    "respiratory_rate",
    "exposure",
    "comorbidities",
    "pregnant",
)


@dataclass(frozen=True, slots=True)
class Answers:
    age: int
    symptoms: frozenset[str] = frozenset()
    danger_signs: frozenset[str] = frozenset()
    temperature_c: Decimal | None = None
    spo2: int | None = None
    respiratory_rate: int | None = None
    exposure: str = "none"
    comorbidities: frozenset[str] = frozenset()
    pregnant: bool = False

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, canonical (sorted lists) so equal answers serialise equally."""
        return {
            "age": self.age,
            "symptoms": sorted(self.symptoms),
            "danger_signs": sorted(self.danger_signs),
            "temperature_c": (
                None if self.temperature_c is None else str(self.temperature_c)
            ),
            "spo2": self.spo2,
            "respiratory_rate": self.respiratory_rate,
            "exposure": self.exposure,
            "comorbidities": sorted(self.comorbidities),
            "pregnant": self.pregnant,
        }


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a level was reached: a stable code plus the values it refers to."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}


@dataclass(frozen=True, slots=True)
class Result:
    risk_level: str
    reasons: tuple[Reason, ...]
    rule_version: str

    @property
    def recheck_after_days(self) -> int | None:
        return get_rule(self.rule_version).params["recheck_days"][self.risk_level]

    @property
    def next_steps(self) -> tuple[str, ...]:
        return get_rule(self.rule_version).params["next_steps"][self.risk_level]


Evaluator = Callable[[Answers, Mapping[str, Any]], tuple[str, tuple[Reason, ...]]]
SymptomsJudged = Callable[[Answers, Mapping[str, Any]], frozenset[str]]


def ticked_symptoms(answers: Answers, p: Mapping[str, Any]) -> frozenset[str]:
    return answers.symptoms


@dataclass(frozen=True, slots=True)
class RuleSpec:
    version: str
    evaluator: Evaluator
    params: Mapping[str, Any]
    title: Mapping[str, str]
    # The symptoms the evaluator judges by: the ticked ones, unless the version counts
    # a measured value as a symptom (triage-v2's fever). The signals count these.
    symptoms_judged: SymptomsJudged = ticked_symptoms

    def evaluate(self, answers: Answers) -> Result:
        level, reasons = self.evaluator(answers, self.params)
        return Result(level, reasons, self.version)

    def symptoms(self, answers: Answers) -> frozenset[str]:
        return self.symptoms_judged(answers, self.params)


_REGISTRY: dict[str, RuleSpec] = {}


class UnknownRuleVersion(KeyError):
    pass


def register(spec: RuleSpec) -> RuleSpec:
    if spec.version in _REGISTRY:
        raise ValueError(f"Rule version {spec.version!r} exists; add a new version.")
    _REGISTRY[spec.version] = spec
    return spec


def get_rule(version: str) -> RuleSpec:
    try:
        return _REGISTRY[version]
    except KeyError:
        raise UnknownRuleVersion(version) from None


def rule_versions() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def evaluate(answers: Answers, version: str) -> Result:
    return get_rule(version).evaluate(answers)


def effective_symptoms(answers: Answers, version: str) -> frozenset[str]:
    """The symptoms a version judged: those ticked, plus fever when the version counts
    the measured temperature as fever (triage-v2 from 38.0 °C; v1 never). Stored with
    the assessment for the signals, so that they say what triage concluded."""
    return get_rule(version).symptoms(answers)


# --- Triage v1 --------------------------------------------------------------------


def evaluate_symptom_count(
    answers: Answers, p: Mapping[str, Any]
) -> tuple[str, tuple[Reason, ...]]:
    """Danger signs first, then the number of core symptoms weighed against exposure,
    age and comorbidity (South Africa's HealthCheck, Kemenkes danger signs)."""
    danger: list[Reason] = [
        Reason("danger_sign", {"sign": sign})
        for sign in p["danger_signs"]
        if sign in answers.danger_signs
    ]
    if answers.spo2 is not None and answers.spo2 < p["spo2_critical_below"]:
        danger.append(
            Reason(
                "spo2_low",
                {"value": answers.spo2, "threshold": p["spo2_critical_below"]},
            )
        )
    rate = answers.respiratory_rate
    if rate is not None and rate > p["respiratory_rate_critical_above"]:
        danger.append(
            Reason(
                "respiratory_rate_high",
                {"value": rate, "threshold": p["respiratory_rate_critical_above"]},
            )
        )
    if danger:
        return CRITICAL, tuple(danger)

    present = [s for s in p["core_symptoms"] if s in answers.symptoms]
    count = len(present)
    symptoms = Reason("core_symptoms", {"count": count, "symptoms": present})
    exposed = answers.exposure in p["exposed_values"]
    factors: list[Reason] = []
    if exposed:
        factors.append(Reason("exposure", {"exposure": answers.exposure}))

    if count >= p["high_from_symptoms"]:
        return HIGH, (symptoms,)
    if count == 2:
        if answers.age >= p["older_age_from"]:
            factors.append(
                Reason(
                    "older_age", {"age": answers.age, "threshold": p["older_age_from"]}
                )
            )
        present_comorbid = [c for c in p["comorbidities"] if c in answers.comorbidities]
        if present_comorbid:
            factors.append(Reason("comorbidity", {"comorbidities": present_comorbid}))
        return (HIGH if factors else MODERATE), (symptoms, *factors)
    if count == 1:
        return (HIGH if exposed else MODERATE), (symptoms, *factors)
    if exposed:
        return MODERATE, (symptoms, *factors)
    return LOW, (symptoms,)


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


TRIAGE_V1 = register(
    RuleSpec(
        version="triage-v1",
        evaluator=evaluate_symptom_count,
        title={
            "id": "Triase v1 (HealthCheck + tanda bahaya Kemenkes)",
            "en": "Triage v1 (HealthCheck + Kemenkes danger signs)",
        },
        params=_frozen(
            {
                "danger_signs": list(DANGER_SIGNS),
                "spo2_critical_below": 95,
                "respiratory_rate_critical_above": 24,
                "core_symptoms": list(CORE_SYMPTOMS),
                "high_from_symptoms": 3,
                "older_age_from": 60,
                "comorbidities": list(COMORBIDITIES),
                # "unsure" is recorded but, as in HealthCheck, only a known close
                # contact counts as exposed.
                "exposed_values": ["close_contact"],
                "recheck_days": {LOW: 7, MODERATE: 1, HIGH: 1, CRITICAL: None},
                "next_steps": {
                    LOW: [],
                    MODERATE: ["teleconsult"],
                    HIGH: ["isolation_request", "teleconsult"],
                    CRITICAL: [
                        "emergency_call",
                        "referral_hospitals",
                        "isolation_request",
                        "teleconsult",
                    ],
                },
            }
        ),
    )
)


# --- Triage v2 --------------------------------------------------------------------


@functools.cache
def _celsius(text: str) -> Decimal:
    # Thresholds are strings in the params (they read exactly); parsed once.
    return Decimal(text)


def _fever_measured(answers: Answers, p: Mapping[str, Any]) -> bool:
    t = answers.temperature_c
    return t is not None and t >= _celsius(p["fever_from_c"])


def symptoms_with_measured_fever(
    answers: Answers, p: Mapping[str, Any]
) -> frozenset[str]:
    """The ticked symptoms, plus fever when the measured temperature is at or above
    `fever_from_c`."""
    if "fever" not in answers.symptoms and _fever_measured(answers, p):
        return answers.symptoms | {"fever"}
    return answers.symptoms


def evaluate_measured_fever(
    answers: Answers, p: Mapping[str, Any]
) -> tuple[str, tuple[Reason, ...]]:
    """Triage v1, with a measured temperature at or above the fever threshold counted
    as the fever symptom (the isolation check-in's threshold, 38.0 °C) and travel
    counted as exposure."""
    measured = _fever_measured(answers, p)
    symptoms = symptoms_with_measured_fever(answers, p)
    judged = answers
    if symptoms is not answers.symptoms:
        judged = dataclasses.replace(answers, symptoms=symptoms)
    level, reasons = evaluate_symptom_count(judged, p)
    if measured and level != CRITICAL:
        reasons = (
            *reasons,
            Reason(
                "fever_measured",
                {"value": str(answers.temperature_c), "threshold": p["fever_from_c"]},
            ),
        )
    return level, reasons


TRIAGE_V2 = register(
    RuleSpec(
        version="triage-v2",
        evaluator=evaluate_measured_fever,
        symptoms_judged=symptoms_with_measured_fever,
        title={
            "id": "Triase v2 (v1 + suhu terukur ≥ 38,0 °C dihitung demam, perjalanan "
            "dihitung paparan)",
            "en": "Triage v2 (v1 + a measured temperature ≥ 38.0 °C counts as fever, "
            "travel counts as exposure)",
        },
        params=_frozen(
            {
                **TRIAGE_V1.params,
                # A string, so the threshold reads (and compares) exactly.
                "fever_from_c": "38.0",
                "exposures": list(EXPOSURES),
                "exposed_values": ["close_contact", "travel"],
            }
        ),
    )
)


# --- Triage v3 --------------------------------------------------------------------


def evaluate_same_day_care(
    answers: Answers, p: Mapping[str, Any]
) -> tuple[str, tuple[Reason, ...]]:
    """Triage v2, and what v2 left at "check again tomorrow" although it needs a
    doctor today: a measured temperature at or above `temperature_high_from_c`
    (40.0 °C, a very high fever) or a symptom of `same_day_symptoms` (difficulty
    breathing, a WHO "serious symptom") is at least high; at or above
    `temperature_critical_from_c` (41.0 °C, hyperpyrexia) it is an emergency. The v2 reasons
    stay (the measured fever still counts as the fever symptom)."""
    level, reasons = evaluate_measured_fever(answers, p)
    temperature = answers.temperature_c
    if temperature is not None and temperature >= _celsius(
        p["temperature_critical_from_c"]
    ):
        critical = Reason(
            "temperature_critical",
            {
                "value": str(temperature),
                "threshold": p["temperature_critical_from_c"],
            },
        )
        # An emergency is explained by its signs alone, as v1's danger signs are.
        return CRITICAL, ((*reasons, critical) if level == CRITICAL else (critical,))
    if level == CRITICAL:
        return level, reasons
    urgent: list[Reason] = []
    if temperature is not None and temperature >= _celsius(
        p["temperature_high_from_c"]
    ):
        urgent.append(
            Reason(
                "temperature_high",
                {"value": str(temperature), "threshold": p["temperature_high_from_c"]},
            )
        )
    urgent += [
        Reason("same_day_symptom", {"symptom": symptom})
        for symptom in p["same_day_symptoms"]
        if symptom in answers.symptoms
    ]
    if not urgent:
        return level, reasons
    return HIGH, (*reasons, *urgent)


TRIAGE_V3 = register(
    RuleSpec(
        version="triage-v3",
        evaluator=evaluate_same_day_care,
        symptoms_judged=symptoms_with_measured_fever,
        title={
            "id": "Triase v3 (v2 + suhu terukur ≥ 40,0 °C atau sesak napas: risiko "
            "tinggi, ke dokter hari ini; suhu ≥ 41,0 °C: gawat darurat)",
            "en": "Triage v3 (v2 + a measured temperature ≥ 40.0 °C or difficulty "
            "breathing: high risk, see a doctor today; ≥ 41.0 °C: emergency)",
        },
        params=_frozen(
            {
                **TRIAGE_V2.params,
                # Strings, so the thresholds read (and compare) exactly.
                "temperature_high_from_c": "40.0",
                "temperature_critical_from_c": "41.0",
                "same_day_symptoms": ["breathing_difficulty"],
            }
        ),
    )
)
DEFAULT_RULE_VERSION = TRIAGE_V1.version


def exposure_options(version: str) -> tuple[str, ...]:
    """The exposures a version accepts (v1 predates the `exposures` param)."""
    return tuple(get_rule(version).params.get("exposures", EXPOSURES_V1))


def describe(version: str) -> dict[str, Any]:
    """The thresholds of a version, JSON-ready, for explanations and the admin."""
    spec = get_rule(version)

    def thaw(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: thaw(v) for k, v in value.items()}
        if isinstance(value, tuple):
            return [thaw(v) for v in value]
        return value

    return {
        "version": spec.version,
        "title": dict(spec.title),
        "params": thaw(spec.params),
    }


# --- Input parsing ----------------------------------------------------------------


class InvalidAnswers(ValueError):
    def __init__(self, fields: dict[str, list[str]]):
        super().__init__("Invalid self-check answers.")
        self.fields = fields


def _int(value: Any, lo: int, hi: int, unit: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError("Must be a whole number.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError("Must be a whole number.") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError("Must be a whole number.")
    if not lo <= number <= hi:
        raise ValueError(f"Must be between {lo} and {hi}{unit}.")
    return int(number)


def _temperature(value: Any) -> Decimal:
    lo, hi = TEMPERATURE_RANGE
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError("Must be a number.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError("Must be a number.") from None
    if not number.is_finite():
        raise ValueError("Must be a number.")
    if not lo <= number <= hi:
        raise ValueError(f"Must be between {lo} and {hi} °C.")
    return number.quantize(Decimal("0.1"))


def _choices(value: Any, allowed: Iterable[str]) -> frozenset[str]:
    if not isinstance(value, list | tuple):
        raise ValueError("Must be a list.")
    allowed = tuple(allowed)
    unknown = [v for v in value if not isinstance(v, str) or v not in allowed]
    if unknown:
        shown = ", ".join(repr(v) for v in unknown[:5])
        raise ValueError(f"Unknown value(s): {shown}. Allowed: {', '.join(allowed)}.")
    return frozenset(value)


def parse_answers(
    data: Mapping[str, Any], *, exposures: Iterable[str] = EXPOSURES
) -> Answers:
    """Validate raw answers (API body, chatbot conversation) into ``Answers``.

    Unknown keys and unknown list items are errors; lists may be empty and measured
    values may be missing or null; `exposures` are the exposure values accepted (the
    rule version's, `exposure_options`). Raises ``InvalidAnswers`` with per-field
    messages.
    """
    exposures = tuple(exposures)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}

    def take(key: str, parse: Callable[[Any], Any], *, required: bool = False):
        if key not in data or data[key] is None:
            if required:
                errors[key] = ["This field is required."]
            return
        try:
            values[key] = parse(data[key])
        except ValueError as exc:
            errors[key] = [str(exc)]

    take("age", lambda v: _int(v, *AGE_RANGE, " years"), required=True)
    take("symptoms", lambda v: _choices(v, SYMPTOMS))
    take("danger_signs", lambda v: _choices(v, DANGER_SIGNS))
    take("comorbidities", lambda v: _choices(v, COMORBIDITIES))
    take("temperature_c", _temperature)
    take("spo2", lambda v: _int(v, *SPO2_RANGE, " %"))
    take("respiratory_rate", lambda v: _int(v, *RESPIRATORY_RATE_RANGE, " per minute"))

    def exposure(v: Any) -> str:
        if v not in exposures:
            raise ValueError(f"Must be one of: {', '.join(exposures)}.")
        return v

    def boolean(v: Any) -> bool:
        if not isinstance(v, bool):
            raise ValueError("Must be true or false.")
        return v

    take("exposure", exposure, required=True)
    take("pregnant", boolean)
    for key in data:
        if key not in ANSWER_FIELDS:
            errors[str(key)] = ["Unknown field."]
    if errors:
        raise InvalidAnswers(errors)
    return Answers(**values)


def answers_implausible(answers: Answers, *, sex: str = "") -> dict[str, str]:
    """What a new submission cannot be, though each answer alone is valid: field ->
    error code. Only for new submissions (stored answers were judged as they came).
    `sex` is the signed-in person's recorded sex ("" when unknown or anonymous)."""
    if answers.pregnant:
        lo, hi = PREGNANCY_AGE_RANGE
        if not lo <= answers.age <= hi:
            return {"pregnant": "pregnant_age"}
        if sex == MALE:
            return {"pregnant": "pregnant_male"}
    return {}


def answers_from_dict(data: Mapping[str, Any]) -> Answers:
    """Rebuild stored (already validated) answers, e.g. to re-explain an assessment."""
    return parse_answers(data)


def answers_fingerprint(
    answers: Answers, extra: Mapping[str, Any] | None = None
) -> str:
    """Stable hash of a submission, to tell an idempotent retry from a changed body."""
    payload = {**answers.as_dict(), **(extra or {})}
    raw = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


# --- Geography --------------------------------------------------------------------


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


# --- Small-cell suppression for aggregated signals --------------------------------

SUPPRESSED = "<5"


def suppress(value: int, threshold: int = 5) -> int | str:
    """No count below the threshold is published exactly (zero included).

    Only cells are published, never a row total: a total beside exact cells would let
    a suppressed cell be recovered by subtraction.
    """
    return SUPPRESSED if value < threshold else value


def suppress_nonzero(value: int, threshold: int = 5) -> int | str:
    """A count as a dashboard shows it beside every kecamatan of the region: 1-4 as
    "<5", a zero as 0 (no self-check reveals no one; the API leaves such rows out)."""
    return value if value == 0 else suppress(value, threshold)
