"""End to end in a real headless Chromium: four roles, one enrollment, all through the page;
a phone-sized screen; the page's own words in Russian, switched to English and back.

Debian's chromium is driven by Playwright's async API in the test's own event loop, so the
sandbox server, the bot and the browser's driver share one loop. No browser is downloaded.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot import demo_data as demo
from sandbox.runner import Sandbox

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
WAIT_MS = 10_000


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's chromium is not installed at /usr/bin/chromium; `make browser` installs it "
            "(apt-get install chromium)"
        )
    return CHROMIUM


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), args=FLAGS, headless=True
        )
        yield browser
        await browser.close()


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """Where screenshots go; SANDBOX_SCREENSHOTS keeps a copy for a person to look at."""
    folder = tmp_path / "screenshots"
    folder.mkdir()
    yield folder
    keep = os.environ.get("SANDBOX_SCREENSHOTS")
    if keep:
        shutil.copytree(folder, keep, dirs_exist_ok=True)


def exactly(text: str) -> re.Pattern[str]:
    return re.compile(f"^{re.escape(text)}$")


class Column:
    """One chat column of the page, used as a person would use it."""

    def __init__(self, page: Any, name: str) -> None:
        from playwright.async_api import expect

        self.expect = expect
        self.page = page
        self.chat = page.locator("section.chat").filter(
            has=page.locator(".chat-head .name", has_text=exactly(name))
        )
        self.messages = self.chat.locator(".messages")

    async def send(self, text: str) -> None:
        box = self.chat.locator("textarea")
        await box.fill(text)
        await box.press("Enter")
        await self.expect(self.chat.locator(".msg.user").last).to_contain_text(text)

    async def click(self, label: str) -> None:
        """Press the newest inline button whose label contains `label`."""
        button = self.chat.locator(".keyboard button.kb", has_text=label).last
        await self.expect(button).to_be_visible(timeout=WAIT_MS)
        await button.click()

    async def sees(self, text: str) -> None:
        await self.expect(self.messages).to_contain_text(text, timeout=WAIT_MS)

    async def last_says(self, text: str) -> None:
        last = self.chat.locator(".msg.bot").last
        await self.expect(last).to_contain_text(text, timeout=WAIT_MS)


async def test_one_enrollment_through_four_roles_in_the_browser(
    sandbox: Sandbox, browser: Any, screenshots: Path
) -> None:
    from playwright.async_api import expect

    page = await browser.new_page(viewport={"width": 1500, "height": 950})
    await page.goto(f"{sandbox.url}/")
    await expect(page.locator("#clock-now")).not_to_have_text("…")
    names = (demo.DEMO_STUDENT_NAME, demo.DEMO_PARENT_NAME, demo.DEMO_COORDINATOR_SOSH5_NAME)
    for name in names:
        await (
            page.locator("#persona-list")
            .get_by_role("button", name=re.compile("^" + re.escape(name)))
            .click()
        )
    student, parent, coordinator = (Column(page, name) for name in names)
    await expect(page.locator("section.chat")).to_have_count(3)
    # A mixed family: the parent is on MAX, and their chat says so.
    await expect(parent.chat.locator(".chat-head .badge")).to_have_text("MAX")
    await expect(parent.chat).to_have_class(re.compile(r"\bmax\b"))
    await expect(student.chat.locator(".chat-head .badge")).to_have_text("Telegram")

    await student.send("/catalogue")
    await student.last_says("Каталог")
    await student.click("Теория музыки")
    await student.last_says("Группа MTHEORY-1")
    await student.click("Записаться в MTHEORY-1")
    await student.click("Да, подать")
    await student.last_says("Заявление отправлено")
    # The screen was edited in place: one bot message, no copies of the old screens.
    await expect(student.chat.locator(".msg.bot")).to_have_count(1)

    await parent.sees("подал заявление")
    await parent.send("/children")
    await parent.click("Теория музыки")
    await parent.click("Подтвердить")
    await parent.last_says("согласие записано")

    await coordinator.sees("Новое заявление")
    await coordinator.send("/review")
    await coordinator.click(demo.DEMO_STUDENT_NAME)
    await coordinator.click("Одобрить")
    await coordinator.last_says("ученик зачислен")

    await student.sees("Вы зачислены на курс")
    await parent.sees("Соколов Артём зачислен на курс")
    await expect(student.chat.locator(".msg.bot b").last).to_have_text("Теория музыки")

    shot = screenshots / "enrollment.png"
    await page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    # The persona in the URL: this layout can be bookmarked or opened in another tab.
    assert re.search(r"open=\d+%2C\d+%2C\d+|open=\d+,\d+,\d+", page.url)


async def test_phone_sized_screen(sandbox: Sandbox, browser: Any, screenshots: Path) -> None:
    from playwright.async_api import expect

    page = await browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    personas = await (await page.request.get(f"{sandbox.url}/api/personas")).json()
    student = next(p for p in personas["personas"] if p["name"] == demo.DEMO_STUDENT_NAME)
    await page.goto(f"{sandbox.url}{student['url']}")
    column = Column(page, demo.DEMO_STUDENT_NAME)
    await column.send("/menu")
    await column.last_says(demo.DEMO_STUDENT_NAME)
    # The persona list is a drawer; the chat fills the screen without sideways scrolling.
    await expect(page.locator("#people")).not_to_be_in_viewport()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    box = await column.chat.get_by_role("textbox", name="Сообщение").bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 844
    await page.locator("#people-toggle").click()
    await expect(page.locator("#people")).to_be_in_viewport()
    await page.locator("#people-toggle").click()
    # The menu's buttons show whole: a keyboard takes the chat's width, as in Telegram, and
    # no label is cut by an ellipsis (handlers/ui.ROW_BUDGET keeps them short enough).
    cut = await column.chat.locator(".kb").evaluate_all(
        "buttons => buttons.filter(b => b.scrollWidth > b.clientWidth).map(b => b.textContent)"
    )
    assert cut == []

    # A document goes up from the phone and comes back as a download link.
    await column.chat.locator("input[type=file]").set_input_files(
        {"name": "marks.csv", "mimeType": "text/csv", "buffer": b"a;b\n1;2\n"}
    )
    link = column.chat.locator(".msg.user a.doc").last
    await expect(link).to_contain_text("marks.csv")
    async with page.expect_download() as download:
        await link.click()
    assert (await download.value).suggested_filename == "marks.csv"

    # Time travel from the phone: the clock moves a day.
    before = await page.locator("#clock-now").text_content()
    await page.get_by_role("button", name="+1 день").click()
    await expect(page.locator("#clock-now")).not_to_have_text(before or "")
    await page.screenshot(path=str(screenshots / "phone.png"))


# The page's words, gathered in the page: texts and the attributes a person meets (hover
# titles, what a screen reader says, placeholders), but not what the bot said (messages,
# keyboards, its command list) nor people's names. The language switch names each language
# in its own way.
PAGE_WORDS = """(skip) => {
  const words = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || parent.closest(skip) || parent.closest("script, style")) continue;
    if (node.textContent.trim()) words.push(node.textContent.trim());
  }
  const labelled = "[title], [aria-label], [placeholder], [alt]";
  for (const element of document.body.querySelectorAll(labelled)) {
    if (element.closest(skip)) continue;
    for (const name of ["title", "aria-label", "placeholder", "alt"]) {
      const value = element.getAttribute(name);
      if (value) words.push(value);
    }
  }
  return words;
}"""
NOT_THE_PAGE_S = (
    ".messages, .commands, .reply-keyboard, .persona b, .chat-head .name, .avatar, .lang button"
)
# Names that are the same in every language: the messengers, a command, time zones.
NAMES = re.compile(r"Telegram|MAX|/start|\b[A-Z][a-z]+/[A-Za-z_]+\b")
LATIN, CYRILLIC = re.compile("[A-Za-z]"), re.compile("[А-Яа-яЁё]")


async def page_words(page: Any, skip: str = NOT_THE_PAGE_S) -> list[str]:
    return list(await page.evaluate(PAGE_WORDS, skip))


async def test_the_page_speaks_russian_and_switches_to_english(
    sandbox: Sandbox, browser: Any, screenshots: Path
) -> None:
    """Russian by default (headers, buttons, hints, persona titles, the clock, the chat's
    own controls), English after a tap on «EN», remembered across a reload, and back."""
    from playwright.async_api import expect

    page = await browser.new_page(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    await page.goto(f"{sandbox.url}/")
    await expect(page.locator("html")).to_have_attribute("lang", "ru")
    await expect(page.locator("#clock-now")).not_to_have_text("…")
    await expect(page.locator("#persona-list .persona").first).to_be_visible(timeout=WAIT_MS)
    await expect(page.locator(".topbar h1")).to_contain_text("Песочница")
    await expect(page.get_by_role("button", name="Пользователи")).to_be_visible()
    student = page.locator("#persona-list .persona").filter(
        has=page.locator("b", has_text=exactly(demo.DEMO_STUDENT_NAME))
    )
    await expect(student.locator("small")).to_have_text(re.compile(r"^Ученик · .* · \d+ класс$"))
    await page.get_by_role("button", name="Пользователи").click()
    await student.click()
    column = Column(page, demo.DEMO_STUDENT_NAME)
    await column.send("/menu")
    await column.last_says(demo.DEMO_STUDENT_NAME)
    await expect(column.chat).to_have_attribute("aria-label", f"Чат: {demo.DEMO_STUDENT_NAME}")
    await expect(column.chat.get_by_role("textbox", name="Сообщение")).to_be_visible()

    english = [w for w in await page_words(page) if LATIN.search(NAMES.sub("", w))]
    assert english == [], "English on the Russian page"
    # Nothing sticks out of a 360 px wide phone: no sideways scrolling, every control of the
    # top bar on the screen.
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    for control in await page.locator(".topbar button, .topbar time").all():
        box = await control.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 360, await control.text_content()
    await page.screenshot(path=str(screenshots / "phone-ru.png"))

    await page.get_by_role("button", name="EN").click()
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.locator(".topbar h1")).to_contain_text("Sandbox")
    await expect(page.get_by_role("button", name="+1 day")).to_be_visible()
    await expect(column.chat.get_by_role("textbox", name="Message")).to_be_visible()
    await expect(column.chat.locator(".chat-head .title")).to_have_text(
        re.compile(r"^Student · .* · grade \d+$")
    )
    # The bot's messages stay as the bot wrote them.
    await column.last_says(demo.DEMO_STUDENT_NAME)
    # Org names in the persona titles are names; every other word is English now.
    names_too = f"{NOT_THE_PAGE_S}, .persona small, .chat-head .title"
    people = (await (await page.request.get(f"{sandbox.url}/api/personas")).json())["personas"]
    russian = [
        w
        for w in await page_words(page, names_too)
        if CYRILLIC.search(functools.reduce(lambda w, p: w.replace(p["name"], ""), people, w))
    ]
    assert russian == [], "Russian on the English page"
    await page.screenshot(path=str(screenshots / "phone-en.png"))

    await page.reload()
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.locator(".topbar h1")).to_contain_text("Sandbox")
    await page.get_by_role("button", name="RU").click()
    await expect(page.locator(".topbar h1")).to_contain_text("Песочница")
    await page.reload()
    await expect(page.locator("html")).to_have_attribute("lang", "ru")
    await expect(page.locator("#persona-list h3").first).to_have_text("Ученики")
    assert problems == []
