"""How an import reads: the preview of what a file will change, and the summary after."""

from __future__ import annotations

from services import imports
from services.i18n import Html, Text
from services.import_columns import KIND_KEYS

EXAMPLES_SHOWN = 10  # row numbers of skipped examples named per sheet


def _kind_lines(tr: Text, key: str, report: imports.Report) -> list[Html]:
    """A line per kind the file holds rows of: new, changed, unchanged."""
    return [
        tr(
            key,
            kind=tr(KIND_KEYS[kind]),
            created=counts.created,
            updated=counts.updated,
            unchanged=counts.unchanged,
        )
        for kind, counts in report.counts.items()
        if counts.created or counts.updated or counts.unchanged
    ]


def _told(tr: Text, report: imports.Report) -> Html:
    """Who will get a message about a new timetable."""
    families = tr("import-preview-told-families", count=report.families)
    teachers = tr("import-preview-told-teachers", count=report.teachers)
    if report.families and report.teachers:
        who = tr("import-preview-told-both", families=families, teachers=teachers)
    elif report.families or report.teachers:
        who = families if report.families else teachers
    else:
        return tr("import-preview-told-nobody")
    return tr("import-preview-told", who=who)


def with_examples(tr: Text, text: Html, checked: imports.Checked) -> Html:
    """A text followed by where example rows were skipped, if any were."""
    if not checked.examples:
        return text
    by_sheet: dict[str, list[int]] = {}
    for sheet, number in checked.examples:
        by_sheet.setdefault(sheet, []).append(number)
    where = "; ".join(
        tr(
            "import-examples-sheet",
            sheet=sheet,
            count=len(numbers),
            rows=", ".join(map(str, numbers[:EXAMPLES_SHOWN]))
            + ("…" if len(numbers) > EXAMPLES_SHOWN else ""),
        )
        for sheet, numbers in by_sheet.items()
    )
    examples = tr("import-preview-examples", count=len(checked.examples), where=Html(where))
    return Html(f"{text}\n{examples}")


def preview_text(
    tr: Text, checked: imports.Checked, report: imports.Report, *, outdated: bool
) -> Html:
    lines = [tr("import-outdated")] if outdated else []
    lines += [tr("import-preview"), *_kind_lines(tr, "import-preview-line", report)]
    if report.lessons_planned:
        lines.append(tr("import-preview-planned", count=report.lessons_planned))
    if report.lessons_dropped:
        lines.append(tr("import-preview-dropped", count=report.lessons_dropped))
    lines.append(_told(tr, report))
    return Html(
        with_examples(tr, Html("\n".join(lines)), checked) + "\n\n" + tr("import-preview-ask")
    )


def summary_text(tr: Text, report: imports.Report) -> Html:
    if not report.changed:
        return tr("import-nothing-changed")
    lines = [tr("import-done"), *_kind_lines(tr, "import-done-line", report)]
    if report.lessons_planned:
        lines.append(tr("import-done-lessons", count=report.lessons_planned))
    if report.lessons_dropped:
        lines.append(tr("import-done-dropped", count=report.lessons_dropped))
    if report.notified:
        lines.append(tr("import-done-notified", count=report.notified))
    return Html("\n".join(lines))
