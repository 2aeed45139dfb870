"""Helpers of the psc tests (plain functions and data; fixtures stay in
conftest.py)."""

from __future__ import annotations

import uuid

SEMARANG = "33.74"


def critical_body(**overrides) -> dict:
    data = {
        "age": 50,
        "symptoms": ["fever", "cough"],
        "danger_signs": ["severe_breathing_difficulty"],
        "temperature_c": 38.5,
        "spo2": 88,
        "respiratory_rate": 28,
        "exposure": "none",
        "comorbidities": [],
        "pregnant": False,
        "district_code": "33.74.10",
        "client_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data
