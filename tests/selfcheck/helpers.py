"""Helpers for the self-check tests: the endpoint and a valid request body."""

from __future__ import annotations

import uuid

URL = "/api/v1/selfcheck/assessments"


def body(**overrides) -> dict:
    data = {
        "age": 34,
        "symptoms": ["fever", "cough"],
        "danger_signs": [],
        "temperature_c": 38.2,
        "spo2": 96,
        "respiratory_rate": 18,
        "exposure": "none",
        "comorbidities": [],
        "pregnant": False,
        "district_code": "33.74.10",
        "client_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data
