"""Texts: complete in both languages, every key used in code defined, Russian plurals right."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from handlers.menu import COMMON_COMMANDS, ROLE_COMMANDS
from models import WeeklySlot
from models.enums import (
    AgreementEventKind,
    AgreementState,
    ApplicationState,
    CourseFormat,
    Direction,
    LessonStatus,
    Messenger,
    OrgKind,
    Role,
)
from services.i18n import LANGUAGES, Html, Translator
from services.schedule import slot_for_reader

ROOT = Path(__file__).resolve().parent.parent
KEY = re.compile(r"^[a-z]+(?:-[a-z0-9_]+)+$")

# Keys built at run time from a prefix and a value; each family lists every value it can take.
DYNAMIC_KEYS: dict[str, list[str]] = {
    "state-": [s.value for s in ApplicationState],
    "role-": [r.value for r in Role],
    "direction-": [d.value for d in Direction],
    "format-": [f.value for f in CourseFormat],
    "org-kind-": [k.value for k in OrgKind],
    "help-": [r.value for r in Role] + ["new"],
    "cmd-": sorted(
        {c for cs in ROLE_COMMANDS.values() for c in cs} | set(COMMON_COMMANDS) | {"start"}
    ),
    "approve-done-": [ApplicationState.ENROLLED.value, ApplicationState.WAITLISTED.value],
    "cat-choose-": ["dir", "org", "day", "fmt"],
    "cat-any-": ["dir", "org", "day", "fmt"],
    "lesson-status-": [s.value for s in LessonStatus],
    "lesson-event-": ["added", "cancelled", "moved"],
    "messenger-": [m.value for m in Messenger],
    "agreement-state-": [s.value for s in AgreementState],
    "agreement-event-": [k.value.replace("_", "-") for k in AgreementEventKind],
}


def _code_files() -> list[Path]:
    """Code that speaks to people; the sandbox is a developer tool with its own page."""
    return [
        p
        for folder in ("handlers", "services", "bot")
        for p in (ROOT / folder).rglob("*.py")
        if "sandbox" not in p.parts
    ]


def keys_used_in(paths: list[Path]) -> tuple[set[str], set[str]]:
    """Literal keys, and the prefixes of keys built with f-strings inside calls."""
    literals: set[str] = set()
    prefixes: set[str] = set()
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if KEY.match(node.value) and path.name != "__main__.py":
                    literals.add(node.value)
            elif isinstance(node, ast.Call) and node.args:
                first = node.args[0]
                if (
                    isinstance(first, ast.JoinedStr)
                    and first.values
                    and isinstance(first.values[0], ast.Constant)
                ):
                    prefix = str(first.values[0].value)
                    if KEY.match(prefix.rstrip("-") + "-x"):
                        prefixes.add(prefix)
    return literals, prefixes


# Strings in code that look like keys but are not texts.
NOT_TEXTS = {
    "utf-8",
    "utf-16-le",
    "school-bot",
    "last-modified",
    "x-wr-calname",
    "school-network-bot",
}


def undefined_keys(tr_all: Translator, paths: list[Path]) -> list[str]:
    literals, prefixes = keys_used_in(paths)
    missing = {k for k in literals - NOT_TEXTS if k not in tr_all.keys["ru"]}
    for prefix in prefixes:
        if prefix not in DYNAMIC_KEYS:
            missing.add(prefix + "*  (add this key family to DYNAMIC_KEYS)")
            continue
        missing.update(
            prefix + value
            for value in DYNAMIC_KEYS[prefix]
            for lang in LANGUAGES
            if prefix + value not in tr_all.keys[lang]
        )
    return sorted(missing)


@pytest.fixture(scope="module")
def tr_all() -> Translator:
    return Translator()


def test_locale_files_parse(tr_all: Translator) -> None:
    assert tr_all.broken == []


def test_every_language_has_every_key(tr_all: Translator) -> None:
    ru, en = tr_all.keys["ru"], tr_all.keys["en"]
    assert sorted(ru - en) == [], "defined in Russian only"
    assert sorted(en - ru) == [], "defined in English only"


def test_every_key_used_in_code_is_defined(tr_all: Translator) -> None:
    literals, _ = keys_used_in(_code_files())
    assert len(literals) > 100, "the scan found too few keys to be looking at the code"
    assert undefined_keys(tr_all, _code_files()) == []


def test_the_scan_catches_undefined_keys(tr_all: Translator, tmp_path: Path) -> None:
    code = tmp_path / "handler.py"
    code.write_text(
        'tr("menu-title")\ntr("no-such-text")\nraise Invalid("error-nope")\n'
        'tr(f"state-{x}")\ntr(f"mystery-{x}")\n',
        encoding="utf-8",
    )
    assert undefined_keys(tr_all, [code]) == [
        "error-nope",
        "mystery-*  (add this key family to DYNAMIC_KEYS)",
        "no-such-text",
    ]


def test_a_language_missing_a_key_is_seen(tmp_path: Path) -> None:
    for lang, text in (("ru", "hello = Привет\n"), ("en", "hello = Hi\nbye = Bye\n")):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "a.ftl").write_text(text, encoding="utf-8")
    partial = Translator(tmp_path)
    assert partial.keys["en"] - partial.keys["ru"] == {"bye"}
    assert partial.get("ru", "bye") == "bye"


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 курс"),
        (2, "2 курса"),
        (4, "4 курса"),
        (5, "5 курсов"),
        (11, "11 курсов"),
        (21, "21 курс"),
        (22, "22 курса"),
        (25, "25 курсов"),
        (111, "111 курсов"),
    ],
)
def test_russian_plurals(tr_all: Translator, count: int, expected: str) -> None:
    text = tr_all.for_reader("ru", "Europe/Moscow")("cat-title", count=count, grade=8)
    assert text.endswith(expected)


def test_english_plurals(tr_all: Translator) -> None:
    tr = tr_all.for_reader("en", "Europe/Moscow")
    assert tr("cat-title", count=1, grade=8).endswith("1 course")
    assert tr("cat-title", count=3, grade=8).endswith("3 courses")


def test_dates_in_the_readers_time_zone(tr_all: Translator) -> None:
    moment = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert tr_all.for_reader("ru", "Europe/Moscow").datetime(moment) == "пн, 23 ноября, 13:00"
    assert (
        tr_all.for_reader("en", "Asia/Yekaterinburg").datetime(moment) == "Mon, 23 November, 15:00"
    )


def test_weekly_slot_shown_on_the_readers_clock() -> None:
    """A lesson at 15:00 in Yekaterinburg is at 13:00 for a reader in Moscow."""
    slot = WeeklySlot(weekday=2, start_time=time(15, 0), end_time=time(16, 30))
    local = slot_for_reader(
        slot, "Asia/Yekaterinburg", ZoneInfo("Europe/Moscow"), datetime(2026, 11, 23).date()
    )
    assert (local.weekday, local.start, local.end) == (2, time(13, 0), time(14, 30))
    late = WeeklySlot(weekday=0, start_time=time(1, 0), end_time=time(2, 0))
    moved = slot_for_reader(
        late, "Asia/Yekaterinburg", ZoneInfo("Europe/Moscow"), datetime(2026, 11, 23).date()
    )
    assert (moved.weekday, moved.start) == (6, time(23, 0))


def test_user_text_is_escaped_but_rendered_texts_are_not(tr_all: Translator) -> None:
    tr = tr_all.for_reader("ru", "Europe/Moscow")
    text = tr("menu-title", name="<script>&", role=tr("role-student"))
    assert "&lt;script&gt;&amp;" in text
    assert "<b>" in text
    assert isinstance(text, Html)


def test_stored_notification_params_are_localised_at_read_time(tr_all: Translator) -> None:
    params = {"state": {"key": "state-enrolled"}}
    assert "зачислен" in tr_all.for_reader("ru", "Europe/Moscow").render(
        "error-application-state", params
    )
    assert "enrolled" in tr_all.for_reader("en", "Europe/Moscow").render(
        "error-application-state", params
    )


def test_every_audited_action_has_a_text_and_is_listed() -> None:
    from services.audit import ACTIONS, OBJECT_TYPES, action_key, object_key

    translator = Translator()
    for action in ACTIONS:
        for lang in LANGUAGES:
            assert action_key(action) in translator.keys[lang], (action, lang)
    for object_type in OBJECT_TYPES:
        for lang in LANGUAGES:
            assert object_key(object_type) in translator.keys[lang], (object_type, lang)
    recorded = set()
    objects = set()
    for path in (ROOT / "services").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "object_type" and isinstance(keyword.value, ast.Constant):
                        objects.add(keyword.value.value)
                    if (
                        keyword.arg == "action"
                        and isinstance(keyword.value, ast.Constant)
                        and "." in str(keyword.value.value)
                    ):  # audit actions are dotted
                        recorded.add(keyword.value.value)
                for arg in node.args:
                    if (
                        isinstance(arg, ast.Constant)
                        and str(arg.value).count(".") == 1
                        and (str(arg.value).split(".")[0] in {"application", "group", "consent"})
                    ):
                        recorded.add(arg.value)
    assert recorded
    assert recorded <= set(ACTIONS), recorded - set(ACTIONS)
    assert objects
    assert objects <= set(OBJECT_TYPES), objects - set(OBJECT_TYPES)
