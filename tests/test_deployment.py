"""The deployment files, checked without Docker (which cannot run here): every service runs a
real command of the CLI and sets only real settings; the image runs as a non-root user."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.__main__ import COMMANDS, build_parser
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
# Variables the images of PostgreSQL and Redis read, not our settings.
IMAGE_VARIABLES = {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"}


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_every_bot_service_runs_a_real_command() -> None:
    parser = build_parser()
    services = _compose()["services"]
    ours = {
        name: s
        for name, s in services.items()
        if s.get("build") or s.get("image") == "school-network-bot"
    }
    assert set(ours) == {"migrations", "bot", "worker"}
    for name, service in ours.items():
        command = service["command"]
        assert command[:3] == ["python", "-m", "bot"], name
        assert command[3] in COMMANDS, name
        parser.parse_args(command[3:])  # exits on an unknown command or option


def test_every_variable_is_a_real_setting() -> None:
    settings = {name.upper() for name in Settings.model_fields}
    for name, service in _compose()["services"].items():
        for variable in service.get("environment", {}) or {}:
            assert variable in settings | IMAGE_VARIABLES, f"{name}: {variable}"
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    named = {
        line.lstrip("# ").split("=", 1)[0]
        for line in example.splitlines()
        if "=" in line and line.lstrip("# ").split("=", 1)[0].isupper()
    }
    assert named <= settings, named - settings
    assert settings - named == set(), "every setting is explained in .env.example"


def test_services_have_healthchecks_and_data_lives_in_named_volumes() -> None:
    compose = _compose()
    services = compose["services"]
    for name in ("postgres", "redis", "bot"):
        assert "healthcheck" in services[name], name
    assert set(compose["volumes"]) == {"postgres-data", "redis-data"}
    assert services["migrations"]["restart"] == "no"
    assert services["bot"]["depends_on"]["migrations"]["condition"] == (
        "service_completed_successfully"
    )


def test_the_image_runs_as_a_non_root_user_in_two_stages() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.count("\nFROM ") + dockerfile.startswith("FROM ") >= 2
    user_lines = [line for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert user_lines
    assert user_lines[-1] != "USER root"
