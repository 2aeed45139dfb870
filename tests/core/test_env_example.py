"""Every setting read from the environment is documented, and `.env.example` is a
configuration `check --deploy` accepts as it stands."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READERS = {"env", "env_int", "env_bool", "env_list", "env_backend"}
# Read by the process files (Procfile, deploy/*.service), not by core/settings.py.
PROCESS_VARIABLES = {"PORT", "WS_PORT", "WEB_WORKERS", "GRANIAN_BLOCKING_THREADS"}
# Test and bench switches, not a deployment's settings.
NOT_SETTINGS = {"SIGAP_TEST_FLAG"}


def settings_variables() -> set[str]:
    """The names core/settings.py reads: every env*(…) call, os.environ / os.getenv."""
    tree = ast.parse((ROOT / "core" / "settings.py").read_text("utf-8"))
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        called = (
            func.id
            if isinstance(func, ast.Name)
            else ast.unparse(func)
            if isinstance(func, ast.Attribute)
            else ""
        )
        if called in READERS or called in ("os.environ.get", "os.getenv"):
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
    return names - NOT_SETTINGS


def test_it_finds_the_settings_it_checks():
    found = settings_variables()
    assert {"DEBUG", "SECRET_KEY", "DB_PGBOUNCER", "SIGAP_PERSON_KEY_SECRET"} <= found
    assert "name" not in found  # the readers' own parameter
    assert len(found) > 100


def test_env_example_sets_every_setting():
    """Each one as a line of its own (`NAME=…`, or `# NAME=…` for the optional),
    not only named in a comment: an operator copies the file and edits values."""
    text = (ROOT / ".env.example").read_text("utf-8")
    lines = set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]+)=", text, re.MULTILINE))
    missing = sorted((settings_variables() | PROCESS_VARIABLES) - lines)
    assert not missing, f".env.example has no line for {missing}"


def test_the_readme_names_every_setting():
    text = (ROOT / "README.md").read_text("utf-8")
    words = set(re.findall(r"\b[A-Z][A-Z0-9_]+\b", text))
    missing = sorted((settings_variables() | PROCESS_VARIABLES) - words)
    assert not missing, f"README.md does not name {missing}"


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text("utf-8").splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value
    return values


def test_check_deploy_is_clean_with_env_example(tmp_path):
    values = env_example()
    assert len(values["SECRET_KEY"]) >= 50
    # The one file .env.example names that this machine lacks.
    key = tmp_path / "fcm.json"
    key.write_text("{}")
    values["FCM_CREDENTIALS_FILE"] = str(key)
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SIGAP_", "DB_", "DJANGO_ALLOW"))
        and k not in env_example()
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**environment, **values},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
