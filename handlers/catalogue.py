"""The catalogue: filters, paginated course lists, course cards and applying to a group."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.application_card import AppOpen
from handlers.lesson_view import slots_text
from handlers.menu import home_button
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.ui import READ_ONLY, button, keyboard, only_buttons_of, shorten, shows_whole
from models import Organisation
from models.enums import CourseFormat, Direction, Role
from services import catalogue, enrollment, network, people
from services.actor import Actor
from services.catalogue import CatalogueFilter, CourseCard, GroupInfo
from services.clock import Clock
from services.errors import Forbidden
from services.i18n import Html, Label, Text

DESCRIPTION_LIMIT = 1200  # a card must leave room for its groups within one message


class Pick(StrEnum):
    """What a catalogue button shows: the list, or the values of one filter."""

    LIST = "list"
    DIRECTION = "dir"
    ORG = "org"
    DAY = "day"
    FORMAT = "fmt"


class View(CallbackData, prefix="cat"):
    """A catalogue list: the filter travels in the button, nothing is kept on the server."""

    to: Pick = Pick.LIST
    d: Direction | None = None
    o: int = 0
    w: int = -1
    f: CourseFormat | None = None
    p: int = 0

    def criteria(self) -> CatalogueFilter:
        return CatalogueFilter(
            direction=self.d,
            provider_id=self.o or None,
            weekday=self.w if 0 <= self.w <= 6 else None,
            format=self.f,
        )


class CourseView(CallbackData, prefix="crs"):
    """A course card, remembering the list it was opened from."""

    id: int
    d: Direction | None = None
    o: int = 0
    w: int = -1
    f: CourseFormat | None = None
    p: int = 0

    def back(self) -> View:
        return View(d=self.d, o=self.o, w=self.w, f=self.f, p=self.p)


class ApplyStep(CallbackData, prefix="apl"):
    group_id: int
    confirm: bool = False


def _require_student(actor: Actor) -> None:
    if not actor.has(Role.STUDENT):
        raise Forbidden("error-students-only")


def course_label(title: str, provider: str) -> Label:
    """A course in a list: its title, and its provider when a phone shows both whole."""
    both = f"{title} · {provider}"
    return Label(both if shows_whole(both) else title)


def _filter_summary(tr: Text, view: View, provider: str) -> Html:
    parts = [
        tr(
            "cat-filter-direction",
            value=tr(f"direction-{view.d.value}") if view.d else tr("cat-any-dir"),
        ),
        tr("cat-filter-org", value=provider if view.o else tr("cat-any-org")),
        tr("cat-filter-day", value=tr.weekday(view.w) if 0 <= view.w <= 6 else tr("cat-any-day")),
        tr(
            "cat-filter-format", value=tr(f"format-{view.f.value}") if view.f else tr("cat-any-fmt")
        ),
    ]
    return Html("\n".join(parts))


async def on_catalogue(
    _: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    """The catalogue with no filter."""
    _require_student(actor)
    await _show_list(reply, View(), session, tr, actor, clock)


async def on_list(
    _: CallbackQuery,
    callback_data: View,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    _require_student(actor)
    await _show_list(reply, callback_data, session, tr, actor, clock)


async def _show_list(
    reply: Reply,
    view: View,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
) -> None:
    today = clock.now().astimezone(tr.tz).date()
    page = await catalogue.list_courses(
        session, grade=actor.grade, flt=view.criteria(), today=today, page=view.p
    )
    provider = await session.get(Organisation, view.o) if view.o else None
    lines = [
        tr("cat-title", count=page.total, grade=actor.grade or 0),
        _filter_summary(tr, view, provider.short_name if provider else "—"),
    ]
    if not page.items:
        lines.append(tr("cat-empty"))
    view = view.model_copy(update={"p": page.page})
    rows: list[list[InlineKeyboardButton]] = [
        [
            button(
                course_label(item.title, item.provider),
                CourseView(id=item.id, d=view.d, o=view.o, w=view.w, f=view.f, p=view.p),
            )
        ]
        for item in page.items
    ]
    if page.pages > 1:
        rows.append(
            [
                button(Label("◀"), view.model_copy(update={"p": (page.page - 1) % page.pages})),
                button(Label(f"{page.page + 1}/{page.pages}"), view),
                button(Label("▶"), view.model_copy(update={"p": (page.page + 1) % page.pages})),
            ]
        )
    rows.append(
        [
            button(tr.label("cat-btn-direction"), view.model_copy(update={"to": Pick.DIRECTION})),
            button(tr.label("cat-btn-org"), view.model_copy(update={"to": Pick.ORG})),
        ]
    )
    rows.append(
        [
            button(tr.label("cat-btn-day"), view.model_copy(update={"to": Pick.DAY})),
            button(tr.label("cat-btn-format"), view.model_copy(update={"to": Pick.FORMAT})),
        ]
    )
    bottom = [home_button(tr)]
    if view.d or view.o or view.f or view.w >= 0:
        bottom.insert(0, button(tr.label("cat-btn-reset"), View()))
    rows.append(bottom)
    reply.show(Html("\n\n".join(lines)), keyboard(*rows))


async def on_filter_choice(
    _: CallbackQuery,
    callback_data: View,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    """Offer the values of one filter; picking one goes back to the first page of the list."""
    _require_student(actor)
    view = callback_data.model_copy(update={"to": Pick.LIST, "p": 0})
    today = clock.now().astimezone(tr.tz).date()
    options: list[tuple[Label, View]] = []
    if callback_data.to == Pick.DIRECTION:
        directions = await catalogue.available_directions(session, actor.grade, today)
        options = [
            (tr.label(f"direction-{d.value}"), view.model_copy(update={"d": d})) for d in directions
        ]
        reset = view.model_copy(update={"d": None})
    elif callback_data.to == Pick.ORG:
        orgs = await catalogue.available_providers(session, actor.grade, today)
        options = [(Label(o.short_name), view.model_copy(update={"o": o.id})) for o in orgs]
        reset = view.model_copy(update={"o": 0})
    elif callback_data.to == Pick.DAY:
        options = [(Label(tr.weekday(d)), view.model_copy(update={"w": d})) for d in range(7)]
        profile = await network.profile_weekday(session)
        if profile is not None:
            label = tr.label("cat-profile-day", day=tr.weekday(profile))
            options.insert(0, (label, view.model_copy(update={"w": profile})))
        reset = view.model_copy(update={"w": -1})
    else:
        options = [
            (tr.label(f"format-{f.value}"), view.model_copy(update={"f": f})) for f in CourseFormat
        ]
        reset = view.model_copy(update={"f": None})
    rows = [[button(text, data)] for text, data in options]
    rows.append(
        [
            button(tr.label(f"cat-any-{callback_data.to.value}"), reset),
            button(tr.label("btn-back"), callback_data.model_copy(update={"to": Pick.LIST})),
        ]
    )
    reply.show(tr(f"cat-choose-{callback_data.to.value}"), keyboard(*rows))


def group_lines(tr: Text, card: CourseCard, group: GroupInfo, today: date) -> Html:
    slots = slots_text(tr, group.slots, card.provider.timezone, today)
    return tr(
        "cat-group",
        code=group.code,
        slots=slots or "—",
        teacher=group.teacher or "—",
        place=group.place or "—",
        start=tr.date(group.start_date),
        end=tr.date(group.end_date),
        seats=group.seats_left,
        capacity=group.capacity,
        enrolled=group.enrolled,
        minimum=group.min_size,
        ready="yes" if group.enrolled >= group.min_size else "no",
    )


def course_text(tr: Text, card: CourseCard, today: date) -> Html:
    c = card.course
    body = tr(
        "cat-course",
        title=c.title,
        provider=card.provider.name,
        address=card.provider.address or "—",
        direction=tr(f"direction-{c.direction.value}"),
        format=tr(f"format-{c.format.value}"),
        grade_min=c.grade_min,
        grade_max=c.grade_max,
        hours=c.hours,
        paid=tr("cat-paid") if c.is_paid else tr("cat-free"),
        description=shorten(c.description, DESCRIPTION_LIMIT),
    )
    groups = [group_lines(tr, card, g, today) for g in card.groups] or [tr("cat-no-groups")]
    return Html("\n\n".join([body, *groups]))


async def on_course(
    _: CallbackQuery,
    callback_data: CourseView,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    """A course card with its groups; a button per group to apply."""
    _require_student(actor)
    today = clock.now().astimezone(tr.tz).date()
    card = await catalogue.course_card(
        session, callback_data.id, grade=actor.grade, today=today, student_id=actor.person_id
    )
    back = callback_data.back()
    rows = []
    for g in card.groups:
        own = card.mine.get(g.id)
        if own is not None:  # the student's own group: their application, not «Записаться»
            label = tr.label(
                "cat-btn-mine", code=g.code, state=tr.label(f"state-{own.state.value}")
            )
            rows.append([button(label, AppOpen(id=own.id))])
        elif card.open_to_grade:
            rows.append([button(tr.label("cat-btn-apply", code=g.code), ApplyStep(group_id=g.id))])
    text = course_text(tr, card, today)
    if not card.open_to_grade:
        text = Html(
            text + "\n\n" + tr("error-grade", min=card.course.grade_min, max=card.course.grade_max)
        )
    rows.append([button(tr.label("btn-back"), back)])
    reply.show(text, keyboard(*rows))


def _apply_keyboard(tr: Text, group_id: int) -> InlineKeyboardMarkup:
    return keyboard(
        [button(tr.label("apply-btn-confirm"), ApplyStep(group_id=group_id, confirm=True))],
        [button(tr.label("btn-cancel"), View())],
    )


async def on_apply_ask(
    _: CallbackQuery,
    callback_data: ApplyStep,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    """Say what applying means before the student confirms."""
    check = await enrollment.check_apply(session, actor, callback_data.group_id, clock.now())
    lines = [tr("apply-ask", course=check.course.title, code=check.group.code)]
    if check.is_full:
        lines.append(tr("apply-full"))
    if check.clashes:
        lines.append(tr("apply-clash", courses=", ".join(check.clashes)))
    lines.append(tr("apply-how"))
    reply.show(Html("\n\n".join(lines)), _apply_keyboard(tr, check.group.id))


async def on_apply_confirm(
    _: CallbackQuery,
    callback_data: ApplyStep,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    """Create the application; it now waits for a parent."""
    await enrollment.apply(session, actor, callback_data.group_id, clock.now())
    parents = await people.parent_ids_of(session, actor.person_id)
    text = Html(
        tr("apply-done") + "\n\n" + (tr("apply-parent-told") if parents else tr("apply-no-parent"))
    )
    rows = [[button(tr.label("btn-my-applications"), Menu(action=Screen.APPLICATIONS))]]
    if not parents:
        rows.insert(0, [button(tr.label("btn-link-parent"), Menu(action=Screen.PARENT))])
    rows.append([button(tr.label("btn-catalogue"), View())])
    reply.show(text, keyboard(*rows))


def setup() -> Router:
    router = Router(name="catalogue")
    router.callback_query.filter(only_buttons_of(Menu, View, CourseView, ApplyStep))
    router.message.register(on_catalogue, Command("catalogue"), flags=READ_ONLY)
    router.callback_query.register(
        on_catalogue, Menu.filter(F.action == Screen.CATALOGUE), flags=READ_ONLY
    )
    router.callback_query.register(on_list, View.filter(F.to == Pick.LIST), flags=READ_ONLY)
    router.callback_query.register(
        on_filter_choice, View.filter(F.to != Pick.LIST), flags=READ_ONLY
    )
    router.callback_query.register(on_course, CourseView.filter(), flags=READ_ONLY)
    router.callback_query.register(on_apply_ask, ApplyStep.filter(~F.confirm), flags=READ_ONLY)
    router.callback_query.register(on_apply_confirm, ApplyStep.filter(F.confirm))
    return router
