"""The translator: Fluent texts from locales/, dates in the reader's time zone.

One layer serves the chat handlers and the notification sender alike. String arguments are
HTML-escaped here, once, because every text the bot sends is HTML.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time, get_day_names
from fluent.runtime import FluentBundle, FluentResource
from fluent.syntax import ast

from services.names import Named

logger = logging.getLogger(__name__)

# The `locales` package ships the .ftl files, so they are found wherever the code is installed.
LOCALES_DIR = Path(str(resources.files("locales")))
LANGUAGES = ("ru", "en")
FLUENT_PART_LIMIT = 2000
Day = date  # `date` is also a method of Text
# The stored values that name a person; their texts decline them and agree with their gender.
NAMED_KEYS = frozenset({"student", "parent", "child"})


class Html(str):
    """Text that is already safe HTML (a rendered text); it is not escaped again."""

    __slots__ = ()


class Label(str):
    """Plain text that is never parsed as HTML: a button's label, a callback's alert, a file
    name. Values go in as they are: a name with `&` stays `&`, not `&amp;`."""

    __slots__ = ()


def escape(value: object) -> Html:
    return Html(html.escape(str(value), quote=False))


class Translator:
    """All languages' bundles, loaded once."""

    def __init__(self, locales_dir: Path = LOCALES_DIR, default_language: str = "ru") -> None:
        self.default_language = default_language
        self.bundles: dict[str, FluentBundle] = {}
        self.keys: dict[str, set[str]] = {}
        self.broken: list[str] = []  # entries Fluent could not parse; a test keeps this empty
        # Texts without arguments, once formatted: (key, language, is_label) -> text.
        self._plain: dict[tuple[str, str, bool], str] = {}
        for lang in LANGUAGES:
            bundle = FluentBundle([lang], use_isolating=False)
            keys: set[str] = set()
            for path in sorted((locales_dir / lang).glob("*.ftl")):
                resource = FluentResource(path.read_text(encoding="utf-8"))
                bundle.add_resource(resource)
                for entry in resource.body:
                    if isinstance(entry, ast.Message):
                        keys.add(entry.id.name)
                    elif isinstance(entry, ast.Junk):
                        snippet = (entry.content or "").strip()[:80]
                        self.broken.append(f"{path.name}: {snippet}")
            self.bundles[lang] = bundle
            self.keys[lang] = keys

    def language(self, lang: str | None) -> str:
        return lang if lang in self.bundles else self.default_language

    def get(
        self, lang: str | None, key: str, reader_id: int | None = None, /, **params: Any
    ) -> Html:
        """A text for a message (HTML): string values are escaped. A `Named` value names
        people in the cases and gender the text asks for; `reader_id` is whom it is sent to."""
        return Html(
            self._format(lang, key, _named(params, self.language(lang), reader_id), label=False)
        )

    def label(
        self, lang: str | None, key: str, reader_id: int | None = None, /, **params: Any
    ) -> Label:
        """A text that is not HTML (a button, an alert): values go in as they are."""
        return Label(
            self._format(lang, key, _named(params, self.language(lang), reader_id), label=True)
        )

    def _format(self, lang: str | None, key: str, params: dict[str, Any], *, label: bool) -> str:
        if not params:
            # Buttons and headings: the same text every time, formatted once.
            plain = self._plain.get((key, lang or "", label))
            if plain is not None:
                return plain
        bundle = self.bundles[self.language(lang)]
        if not bundle.has_message(key):
            logger.error("missing text %r in %s", key, self.language(lang))
            return key if label else escape(key)
        message = bundle.get_message(key)
        if message.value is None:
            logger.error("text %r has no value", key)
            return key if label else escape(key)
        args = {name: _fluent_arg(value, label=label) for name, value in params.items()}
        # Fluent refuses to insert a value longer than 2500 characters (a teacher's message,
        # a digest): such values go in as placeholders and are put back afterwards.
        long_values: dict[str, str] = {}
        for name, value in args.items():
            if isinstance(value, str) and len(value) > FLUENT_PART_LIMIT:
                marker = f"\x00{len(long_values)}\x00"
                long_values[marker] = value
                args[name] = marker
        formatted, errors = bundle.format_pattern(message.value, args)
        for error in errors:
            logger.error("text %r in %s: %s", key, self.language(lang), error)
        text = str(formatted)
        for marker, value in long_values.items():
            text = text.replace(marker, value)
        if not params and not errors:
            self._plain[(key, lang or "", label)] = text
        return text

    def for_reader(self, lang: str | None, timezone: str, reader: int | None = None) -> Text:
        return Text(self, self.language(lang), ZoneInfo(timezone), reader)


def _named(params: dict[str, Any], lang: str, reader: int | None) -> dict[str, Any]:
    """Each `Named` value becomes its forms: `$student`, `$student_gen`, `$student_gender`..."""
    if not any(isinstance(value, Named) for value in params.values()):
        return params
    expanded: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, Named):
            expanded.update(value.forms(name, lang, reader))
        else:
            expanded[name] = value
    return expanded


def _fluent_arg(value: Any, *, label: bool) -> Any:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    if value is None:
        return ""
    if isinstance(value, Html) or label:
        return str(value)
    return str(escape(value))


@dataclass(frozen=True)
class Text:
    """The translator bound to one reader: their language and time zone."""

    translator: Translator
    lang: str
    tz: ZoneInfo
    reader: int | None = None  # the person reading, where known: texts about them say "you"

    def __call__(self, key: str, **params: Any) -> Html:
        return self.translator.get(self.lang, key, self.reader, **params)

    def label(self, key: str, **params: Any) -> Label:
        """A button's label or an alert: plain text, values not escaped."""
        return self.translator.label(self.lang, key, self.reader, **params)

    def datetime(self, moment: datetime) -> str:
        """«пн, 14 сентября, 15:30» in the reader's zone."""
        return format_datetime(moment.astimezone(self.tz), "EEE, d MMMM, HH:mm", locale=self.lang)

    def date(self, day: date) -> str:
        """«14 сентября 2026»: a date that may be in another year (a consent, a period)."""
        return format_date(day, "d MMMM y", locale=self.lang)

    def day(self, day: Day, wide: bool = False) -> str:
        """«пн, 14 сентября» (or «понедельник, 14 сентября»): a day of this year's schedule."""
        return format_date(day, "EEEE, d MMMM" if wide else "EEE, d MMMM", locale=self.lang)

    def time(self, moment: time) -> str:
        return format_time(moment, "HH:mm", locale=self.lang)

    def weekday(self, weekday: int, short: bool = False) -> str:
        names = get_day_names("abbreviated" if short else "wide", locale=self.lang)
        return str(names[weekday])

    def render(self, key: str, params: dict[str, Any]) -> Html:
        """Render a stored notification: values may ask to be localised at read time.

        `{"dt": iso}` becomes a date and time in the reader's zone, `{"date": iso}` a date,
        `{"key": name}` a text.
        """
        return self(key, **{name: self._localise(value, name) for name, value in params.items()})

    def render_label(self, key: str, params: dict[str, Any]) -> Label:
        """The same as `render`, as plain text (a refusal shown in an alert)."""
        return self.label(
            key, **{name: self._localise(value, name) for name, value in params.items()}
        )

    def _localise(self, value: Any, name: str = "") -> Any:
        if isinstance(value, dict):
            if "dt" in value:
                return self.datetime(datetime.fromisoformat(value["dt"]))
            if "date" in value:
                return self.date(date.fromisoformat(value["date"]))
            if "key" in value:
                return self(value["key"])
            if "named" in value:
                return Named.from_param(value)
        if isinstance(value, str) and name in NAMED_KEYS:
            # A row queued before names were stored as Named (or a plain name): its gender
            # is what the name tells.
            return Named.name(value)
        return value
