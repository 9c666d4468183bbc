// The sandbox page. It uses only the sandbox's JSON API (see README, "Sandbox").
// Message text arrives as HTML the server built from Telegram entities or MAX markup (every
// character escaped, only a few tags); everything else is put on the page as text.
// The page's own words are in TEXTS, Russian by default, English a click away (remembered in
// localStorage); what the bot says and people's names are shown as they come.
"use strict";

const TEXTS = {
  ru: {
    locale: "ru-RU",
    pageTitle: "Песочница · бот сети школ",
    sandbox: "Песочница",
    product: "бот сети школ",
    people: "Пользователи",
    personaList: "Список пользователей",
    peopleHint: "Откройте одного или нескольких пользователей: каждый чат — это пользователь Telegram или MAX, который пишет боту.",
    newPersona: "Новый пользователь",
    newPersonaHint: "Впервые пишет боту и регистрируется через /start (в MAX /start открывает бота; «/start код» — это переход по ссылке с кодом).",
    firstName: "Имя",
    userLanguage: "Язык пользователя",
    langRu: "русский",
    langEn: "английский",
    messenger: "Мессенджер",
    create: "Создать и открыть",
    emptyTitle: "Выберите пользователя",
    emptyChoose: ", чтобы написать боту от его имени.",
    emptyHint: "Откройте рядом ученика, его родителя и координатора — и посмотрите, как одно заявление проходит через всех троих. Всё здесь работает на вашем компьютере: без Telegram, без MAX и без токена.",
    clockLabel: "Время песочницы",
    plusHour: "+1 ч",
    plusHourTitle: "Перевести часы песочницы на час вперёд",
    plusDay: "+1 день",
    plusDayTitle: "Перевести часы песочницы на сутки вперёд",
    plusWeek: "+1 нед.",
    plusWeekTitle: "Перевести часы песочницы на неделю вперёд",
    language: "Язык страницы",
    closeChat: "Закрыть этот чат",
    ok: "ОК",
    skip: "Перемотать",
    skipTitle: "Перевести часы песочницы на этот момент",
    commands: "Команды",
    attach: "Отправить файл",
    message: "Сообщение",
    send: "Отправить",
    groups: {
      student: "Ученики", parent: "Родители", teacher: "Учителя", coordinator: "Координаторы",
      admin: "Администратор сети", new: "Новые пользователи",
    },
    roles: {
      student: "Ученик", parent: "Родитель", teacher: "Учитель", coordinator: "Координатор",
      admin: "Администратор сети",
    },
    parentOf: (head, children) => (head ? `${head} · родитель: ${children}` : `Родитель: ${children}`),
    grade: (grade) => `${grade} класс`,
    newUser: "Новый пользователь, ещё не зарегистрирован",
    onMessenger: (name) => `В ${name}`,
    chatOf: (name) => `Чат: ${name}`,
    typing: "печатает…",
    offline: "нет связи, пробую снова…",
    messages: { one: "сообщение", few: "сообщения", many: "сообщений", other: "сообщения" },
    held: (count, due) => `⏸ Бот отложил ${count} для этого пользователя до ${due} (тихие часы или повторная попытка).`,
    edited: "изменено",
    photo: "Фото",
    document: "документ",
    sizes: ["Б", "КБ", "МБ"],
    callbackOnly: "Песочница нажимает только кнопки с действием и кнопки-ссылки.",
    noAnswer: "Бот не ответил на эту кнопку вовремя.",
    noCommands: "Бот ещё не задал команды для этого чата.",
    clockTitle: (zone, hours) => `${zone}; часы песочницы впереди настоящих на ${hours} ч`,
    clockOffline: "нет связи",
    failed: {
      send: "Сообщение не отправлено.",
      press: "Кнопка не сработала: возможно, сообщение уже изменилось.",
      upload: "Файл не отправлен.",
      tooLarge: "Файл больше 50 МБ: песочница такие не принимает.",
      create: "Пользователь не создан: имя должно быть от 1 до 64 знаков.",
      clock: "Часы не переведены.",
    },
    unreachable: "Нет связи с песочницей. Она запущена?",
  },
  en: {
    locale: "en-GB",
    pageTitle: "Sandbox · school network bot",
    sandbox: "Sandbox",
    product: "school network bot",
    people: "Personas",
    personaList: "Persona list",
    peopleHint: "Open one or more personas; each chat is a Telegram or MAX user talking to the bot.",
    newPersona: "New persona",
    newPersonaHint: "A fresh user who registers through /start (on MAX, /start opens the bot; \"/start code\" is a deep link).",
    firstName: "First name",
    userLanguage: "The user's language",
    langRu: "Russian",
    langEn: "English",
    messenger: "Messenger",
    create: "Create and open",
    emptyTitle: "Choose a persona",
    emptyChoose: " to chat with the bot as that person.",
    emptyHint: "Open a student, their parent and a coordinator side by side to watch one application travel between them. Everything here is local: no Telegram, no MAX, no token.",
    clockLabel: "Sandbox time",
    plusHour: "+1 h",
    plusHourTitle: "Move the sandbox clock one hour forward",
    plusDay: "+1 day",
    plusDayTitle: "Move the sandbox clock one day forward",
    plusWeek: "+1 week",
    plusWeekTitle: "Move the sandbox clock one week forward",
    language: "Page language",
    closeChat: "Close this chat",
    ok: "OK",
    skip: "Skip ahead",
    skipTitle: "Move the sandbox clock to that moment",
    commands: "Commands",
    attach: "Send a document",
    message: "Message",
    send: "Send",
    groups: {
      student: "Students", parent: "Parents", teacher: "Teachers", coordinator: "Coordinators",
      admin: "Network admin", new: "New personas",
    },
    roles: {
      student: "Student", parent: "Parent", teacher: "Teacher", coordinator: "Coordinator",
      admin: "Network admin",
    },
    parentOf: (head, children) => (head ? `${head} · parent of ${children}` : `Parent of ${children}`),
    grade: (grade) => `grade ${grade}`,
    newUser: "New user, not registered yet",
    onMessenger: (name) => `On ${name}`,
    chatOf: (name) => `Chat of ${name}`,
    typing: "typing…",
    offline: "offline — retrying",
    messages: { one: "message", other: "messages" },
    held: (count, due) => `⏸ The bot holds ${count} for this persona until ${due} (quiet hours or a retry).`,
    edited: "edited",
    photo: "Photo",
    document: "document",
    sizes: ["B", "KB", "MB"],
    callbackOnly: "The sandbox presses callback and URL buttons only.",
    noAnswer: "The bot did not answer this button in time.",
    noCommands: "The bot has set no commands for this chat yet.",
    clockTitle: (zone, hours) => `${zone}; ahead of real time by ${hours} h`,
    clockOffline: "offline",
    failed: {
      send: "The message was not sent.",
      press: "The button did not work: the message may have changed.",
      upload: "The document was not sent.",
      tooLarge: "The document is over 50 MB: the sandbox does not take it.",
      create: "No persona created: the name must be 1 to 64 characters.",
      clock: "The clock did not move.",
    },
    unreachable: "The sandbox does not answer. Is it running?",
  },
};
const LANGUAGES = Object.keys(TEXTS);
const LANGUAGE_KEY = "sandbox-language";
const DOCUMENT_LIMIT = 50 * 1024 * 1024;
const ROLE_ORDER = ["student", "parent", "teacher", "coordinator", "admin", "new"];
let language = storedLanguage();
let T = TEXTS[language];
let clockView = null; // the last GET /api/clock: the sandbox's zone for every date shown

function storedLanguage() {
  try {
    const stored = localStorage.getItem(LANGUAGE_KEY);
    if (LANGUAGES.includes(stored)) return stored;
  } catch (error) {
    // storage may be off (a private window): the page stays in Russian
  }
  return "ru";
}

function plural(count, forms) {
  const form = new Intl.PluralRules(T.locale).select(count);
  return `${count} ${forms[form] || forms.other}`;
}

// The sandbox's dates in the page's language and the sandbox's time zone.
function formatDate(moment, options) {
  const zone = clockView ? { timeZone: clockView.timezone } : {};
  try {
    return new Intl.DateTimeFormat(T.locale, { ...zone, ...options }).format(moment);
  } catch (error) {
    return new Intl.DateTimeFormat(T.locale, options).format(moment);
  }
}

const MOMENT = { weekday: "short", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" };
const CLOCK = { ...MOMENT, month: "short" }; // the top bar's clock fits a phone's width
const DAY = { weekday: "short", day: "numeric", month: "long", year: "numeric" };

// Static words: data-t="key" is an element's text, data-t-title (and -aria-label,
// -placeholder) an attribute's.
function translate(root) {
  for (const node of root.querySelectorAll("[data-t]")) node.textContent = T[node.dataset.t];
  for (const attribute of ["title", "aria-label", "placeholder"]) {
    const data = `data-t-${attribute}`;
    for (const node of root.querySelectorAll(`[${data}]`)) {
      node.setAttribute(attribute, T[node.getAttribute(data)]);
    }
  }
}

function setLanguage(wanted) {
  language = LANGUAGES.includes(wanted) ? wanted : "ru";
  T = TEXTS[language];
  try {
    localStorage.setItem(LANGUAGE_KEY, language);
  } catch (error) {
    // not remembered, still switched
  }
  document.documentElement.lang = language;
  document.title = T.pageTitle;
  translate(document);
  translate($("#chat-template").content);
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === language));
  }
  renderPersonas();
  for (const chat of chats.values()) chat.relabel();
  if (clockView) showClock(clockView);
}

const personas = new Map();
const chats = new Map();

const $ = (selector, root = document) => root.querySelector(selector);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function api(path, options = {}) {
  const init = { ...options };
  if (init.json !== undefined) {
    init.method = init.method || "POST";
    init.headers = { "Content-Type": "application/json" };
    init.body = JSON.stringify(init.json);
    delete init.json;
  }
  const response = await fetch(path, init);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(data.error || `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return data;
}

// What went wrong, in the page's language: the server's reason (English, for scripts) goes
// to the console.
function failure(kind, error) {
  console.warn(`sandbox: ${kind}:`, error.message);
  return error.status ? T.failed[kind] : T.unreachable;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function initials(name) {
  const parts = name.split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[1][0], parts[0][0]] : [parts[0]?.[0] || "?"];
  return letters.join("").toUpperCase();
}

const MESSENGER_NAMES = { telegram: "Telegram", max: "MAX" };

function badge(persona) {
  const messenger = persona.messenger || "telegram";
  const node = el("span", `badge ${messenger}`, MESSENGER_NAMES[messenger] || messenger);
  node.title = T.onMessenger(MESSENGER_NAMES[messenger] || messenger);
  return node;
}

// What a persona is, in one line, from the API's `about` (roles, children, organisations,
// grade); `title` is the same in English, for an older server.
function personaTitle(persona) {
  const about = persona.about;
  if (!about) return persona.title;
  const roles = about.roles.filter((role) => role !== "parent" || !about.children.length);
  let head = roles
    .map((role, i) => (i === 0 ? T.roles[role] : T.roles[role].toLowerCase()))
    .join(", ");
  if (about.children.length) head = T.parentOf(head, about.children.join(", "));
  const parts = [head, ...about.orgs];
  if (about.grade) parts.push(T.grade(about.grade));
  return parts.filter(Boolean).join(" · ") || T.newUser;
}

function avatar(persona) {
  const node = el("div", `avatar ${persona.role}`, initials(persona.name));
  node.setAttribute("aria-hidden", "true");
  return node;
}

// --- personas ------------------------------------------------------------------------------

async function loadPersonas() {
  const data = await api("/api/personas");
  personas.clear();
  for (const persona of data.personas) personas.set(persona.id, persona);
  renderPersonas();
  for (const [id, chat] of chats) if (personas.has(id)) chat.setPersona(personas.get(id));
}

function renderPersonas() {
  const list = $("#persona-list");
  list.replaceChildren();
  for (const role of ROLE_ORDER) {
    const heading = T.groups[role];
    const group = [...personas.values()].filter((p) => p.role === role);
    if (!group.length) continue;
    list.append(el("h3", "", heading));
    for (const persona of group) {
      const item = el("button", "persona");
      item.type = "button";
      item.dataset.persona = persona.id;
      item.classList.toggle("open", chats.has(persona.id));
      const who = el("div", "who");
      who.append(el("b", "", persona.name), " ", badge(persona), el("small", "", personaTitle(persona)));
      item.append(avatar(persona), who);
      item.addEventListener("click", () => {
        openChat(persona.id);
        $("#people").classList.remove("open");
        $("#people-toggle").setAttribute("aria-expanded", "false");
      });
      list.append(item);
    }
  }
}

function openChat(id) {
  if (!personas.has(id)) return;
  let chat = chats.get(id);
  if (!chat) {
    chat = new ChatView(personas.get(id));
    chats.set(id, chat);
    rememberOpen();
    renderPersonas();
  }
  chat.root.scrollIntoView({ behavior: "smooth", inline: "nearest", block: "nearest" });
  chat.input.focus({ preventScroll: true });
}

function rememberOpen() {
  const ids = [...chats.keys()];
  const url = new URL(location.href);
  if (ids.length) url.searchParams.set("open", ids.join(","));
  else url.searchParams.delete("open");
  history.replaceState(null, "", url);
  $("#empty").hidden = ids.length > 0;
}

// --- one chat ------------------------------------------------------------------------------

class ChatView {
  constructor(persona) {
    this.id = persona.id;
    this.revision = -1;
    this.nodes = new Map(); // message id → {node, version}
    this.closed = false;
    this.controller = new AbortController();
    this.root = $("#chat-template").content.firstElementChild.cloneNode(true);
    this.root.dataset.persona = persona.id;
    this.list = $(".messages", this.root);
    this.input = $("textarea", this.root);
    this.setPersona(persona);
    $("#chats").append(this.root);
    this.wire();
    this.poll();
  }

  setPersona(persona) {
    this.persona = persona;
    this.root.setAttribute("aria-label", T.chatOf(persona.name));
    this.root.classList.toggle("max", persona.messenger === "max");
    $(".name", this.root).textContent = persona.name;
    $(".name", this.root).title = persona.name; // a long name is cut in the header
    $(".badge", this.root).replaceWith(badge(persona));
    $(".title", this.root).textContent = personaTitle(persona);
    $(".avatar", this.root).replaceWith(avatar(persona));
  }

  // The page's language changed: say everything again (the bot's messages stay as they are).
  relabel() {
    this.setPersona(this.persona);
    this.nodes.clear();
    if (this.data) this.render(this.data);
  }

  wire() {
    const form = $(".composer", this.root);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.sendText(this.input.value);
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.sendText(this.input.value);
      }
    });
    this.input.addEventListener("input", () => {
      this.input.style.height = "auto";
      this.input.style.height = `${this.input.scrollHeight}px`;
      const typed = this.input.value;
      this.showCommands(typed.startsWith("/") && !typed.includes(" ") ? typed : null);
    });
    $(".menu-btn", this.root).addEventListener("click", () => {
      this.showCommands($(".commands", this.root).hidden ? "/" : null);
    });
    $(".attach input", this.root).addEventListener("change", (event) => {
      const file = event.target.files[0];
      event.target.value = "";
      if (file) this.upload(file);
    });
    $(".close", this.root).addEventListener("click", () => this.close());
    $(".held-skip", this.root).addEventListener("click", () => {
      if (this.heldFor) advanceClock(this.heldFor).then(() => this.refresh());
    });
    $(".alert-ok", this.root).addEventListener("click", () => { $(".alert", this.root).hidden = true; });
    this.list.addEventListener("click", (event) => {
      const command = event.target.closest("a.cmd");
      if (command) {
        event.preventDefault();
        this.sendText(command.dataset.command);
        return;
      }
      const spoiler = event.target.closest(".tg-spoiler");
      if (spoiler) spoiler.classList.add("revealed");
    });
  }

  async poll() {
    while (!this.closed) {
      try {
        const data = await api(
          `/api/personas/${this.id}/chat?after_revision=${this.revision}&wait=10`,
          { signal: this.controller.signal },
        );
        this.render(data);
      } catch (error) {
        if (this.closed) return;
        this.offline = true;
        this.status(T.offline);
        await sleep(1500);
      }
    }
  }

  async refresh() {
    this.render(await api(`/api/personas/${this.id}/chat`));
  }

  renderHeld(held) {
    const box = $(".held", this.root);
    this.heldFor = held && held.length ? held[0].in_seconds : 0;
    box.hidden = !this.heldFor;
    if (!this.heldFor) return;
    const due = formatDate(new Date(held[0].due), MOMENT);
    $(".held-text", box).textContent = T.held(plural(held.length, T.messages), due);
  }

  status(text) {
    $(".status", this.root).textContent = text || "";
  }

  render(data) {
    this.data = data;
    this.offline = false;
    this.revision = data.revision;
    this.commands = data.commands || [];
    this.status(data.action === "typing" ? T.typing : "");
    this.renderReplyKeyboard(data.keyboard);
    this.renderHeld(data.held);
    const nearBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 80;
    const nodes = [];
    const seen = new Set();
    let day = null;
    let added = false;
    for (const message of data.messages) {
      if (message.day !== day) {
        day = message.day;
        nodes.push(el("div", "day", formatDate(new Date(message.date * 1000), DAY)));
      }
      seen.add(message.id);
      const known = this.nodes.get(message.id);
      if (known && known.version === message.version) {
        nodes.push(known.node);
        continue;
      }
      const node = this.messageNode(message);
      if (known) node.classList.add("changed");
      else added = true;
      this.nodes.set(message.id, { node, version: message.version });
      nodes.push(node);
    }
    for (const id of [...this.nodes.keys()]) if (!seen.has(id)) this.nodes.delete(id);
    this.list.replaceChildren(...nodes);
    if (nearBottom || added) this.list.scrollTop = this.list.scrollHeight;
  }

  messageNode(message) {
    const node = el("div", `msg ${message.from}`);
    node.dataset.messageId = message.id;
    const bubble = el("div", "bubble");
    if (message.photo) {
      const image = el("img", "photo");
      image.src = message.photo.url;
      image.alt = T.photo;
      image.width = Math.min(message.photo.width || 320, 320);
      bubble.append(image);
    }
    if (message.document) bubble.append(this.documentNode(message.document));
    const html = message.html ?? message.caption_html;
    if (html !== undefined) {
      const text = el("div", message.html !== undefined ? "text" : "caption");
      text.innerHTML = html; // built by the server from entities: escaped text, known tags only
      bubble.append(text);
    }
    const meta = el("span", "meta", `${message.edited ? `${T.edited} ` : ""}${message.time}`);
    bubble.append(meta);
    node.append(bubble);
    if (message.keyboard) node.append(this.keyboardNode(message));
    return node;
  }

  documentNode(doc) {
    const link = el("a", "doc");
    link.href = doc.url;
    link.download = doc.file_name || "";
    const icon = el("span", "doc-icon", "⬇");
    const label = el("span");
    label.append(el("b", "", doc.file_name || T.document), el("small", "", formatSize(doc.file_size)));
    link.append(icon, label);
    return link;
  }

  keyboardNode(message) {
    const keyboard = el("div", "keyboard");
    for (const row of message.keyboard) {
      const line = el("div", "row");
      for (const button of row) {
        let node;
        if (button.url) {
          node = el("a", "kb", `${button.text} ↗`);
          node.href = button.url;
          node.target = "_blank";
          node.rel = "noopener noreferrer";
        } else {
          node = el("button", "kb", button.text);
          node.type = "button";
          node.title = button.text;
          node.addEventListener("click", () => this.press(message.id, button, node));
        }
        if (button.style) node.classList.add(button.style);
        line.append(node);
      }
      keyboard.append(line);
    }
    return keyboard;
  }

  async press(messageId, button, node) {
    if (button.callback_data === undefined) {
      this.toast(T.callbackOnly);
      return;
    }
    node.classList.add("busy");
    try {
      const result = await api(`/api/personas/${this.id}/press`, {
        json: { message_id: messageId, callback_data: button.callback_data },
      });
      const answer = result.answer;
      if (!result.answered) this.toast(T.noAnswer);
      else if (answer && answer.url) window.open(answer.url, "_blank", "noopener");
      else if (answer && answer.text && answer.show_alert) this.alert(answer.text);
      else if (answer && answer.text) this.toast(answer.text);
    } catch (error) {
      this.toast(failure("press", error));
    } finally {
      node.classList.remove("busy");
    }
  }

  async sendText(text) {
    if (!text.trim()) return;
    this.input.value = "";
    this.input.style.height = "auto";
    this.showCommands(null);
    try {
      await api(`/api/personas/${this.id}/messages`, { json: { text } });
    } catch (error) {
      this.input.value = text;
      this.toast(failure("send", error));
    }
  }

  async upload(file) {
    if (file.size > DOCUMENT_LIMIT) {
      this.toast(T.failed.tooLarge);
      return;
    }
    const form = new FormData();
    form.append("document", file, file.name);
    if (this.input.value.trim()) form.append("caption", this.input.value);
    this.input.value = "";
    try {
      await api(`/api/personas/${this.id}/documents`, { method: "POST", body: form });
    } catch (error) {
      this.toast(failure("upload", error));
    }
  }

  showCommands(prefix) {
    const box = $(".commands", this.root);
    const matching = prefix === null ? [] : (this.commands || []).filter((c) => `/${c.command}`.startsWith(prefix));
    box.replaceChildren();
    for (const command of matching) {
      const item = el("button");
      item.type = "button";
      item.append(el("b", "", `/${command.command}`), el("span", "", command.description));
      item.addEventListener("click", () => this.sendText(`/${command.command}`));
      box.append(item);
    }
    if (prefix !== null && !matching.length && prefix === "/") {
      box.append(el("p", "hint", T.noCommands));
    }
    box.hidden = prefix === null || !box.childElementCount;
  }

  renderReplyKeyboard(rows) {
    const box = $(".reply-keyboard", this.root);
    box.replaceChildren();
    for (const row of rows || []) {
      const line = el("div", "row");
      for (const text of row) {
        const button = el("button", "", text);
        button.type = "button";
        button.addEventListener("click", () => this.sendText(text));
        line.append(button);
      }
      box.append(line);
    }
    box.hidden = !rows || !rows.length;
  }

  toast(text) {
    const box = $(".toast", this.root);
    box.textContent = text;
    box.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => { box.hidden = true; }, 3500);
  }

  alert(text) {
    $(".alert-text", this.root).textContent = text;
    $(".alert", this.root).hidden = false;
    $(".alert-ok", this.root).focus();
  }

  close() {
    this.closed = true;
    this.controller.abort();
    this.root.remove();
    chats.delete(this.id);
    rememberOpen();
    renderPersonas();
  }
}

function formatSize(bytes) {
  if (!bytes && bytes !== 0) return "";
  const [b, kb, mb] = T.sizes;
  const number = (value) => value.toLocaleString(T.locale, { maximumFractionDigits: 1 });
  if (bytes < 1024) return `${bytes} ${b}`;
  if (bytes < 1024 * 1024) return `${number(bytes / 1024)} ${kb}`;
  return `${number(bytes / 1024 / 1024)} ${mb}`;
}

// --- time travel ---------------------------------------------------------------------------

function showClock(view) {
  clockView = view;
  const node = $("#clock-now");
  node.textContent = formatDate(new Date(view.now), CLOCK);
  node.dateTime = view.now;
  node.title = T.clockTitle(view.timezone, Math.round(view.offset_seconds / 3600));
}

async function refreshClock() {
  try {
    showClock(await api("/api/clock"));
  } catch (error) {
    $("#clock-now").textContent = T.clockOffline;
  }
}

async function advanceClock(seconds) {
  try {
    showClock(await api("/api/clock/advance", { json: { seconds } }));
  } catch (error) {
    window.alert(failure("clock", error));
    return;
  }
  const clock = $(".clock");
  clock.classList.add("flash");
  setTimeout(() => clock.classList.remove("flash"), 800);
}

// --- start ---------------------------------------------------------------------------------

async function start() {
  setLanguage(language);
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.addEventListener("click", () => setLanguage(button.dataset.lang));
  }
  for (const button of document.querySelectorAll("[data-advance]")) {
    button.addEventListener("click", () => advanceClock(Number(button.dataset.advance)));
  }
  $("#people-toggle").addEventListener("click", () => {
    const open = $("#people").classList.toggle("open");
    $("#people-toggle").setAttribute("aria-expanded", String(open));
  });
  $("#chats").addEventListener("click", () => {
    $("#people").classList.remove("open");
    $("#people-toggle").setAttribute("aria-expanded", "false");
  });
  // The persona drawer of small screens opens below the top bar, however tall it wraps.
  const measureTopbar = () => document.documentElement.style.setProperty(
    "--topbar-height", `${$(".topbar").offsetHeight}px`,
  );
  measureTopbar();
  window.addEventListener("resize", measureTopbar);
  $("#new-persona").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    try {
      const { persona } = await api("/api/personas", {
        json: {
          first_name: form.first_name.value,
          language_code: form.language_code.value,
          messenger: form.messenger.value,
        },
      });
      form.reset();
      personas.set(persona.id, persona);
      renderPersonas();
      openChat(persona.id);
      $("#people").classList.remove("open");
    } catch (error) {
      window.alert(failure("create", error));
    }
  });
  await Promise.all([loadPersonas(), refreshClock()]);
  const wanted = (new URL(location.href).searchParams.get("open") || "").split(",");
  for (const id of wanted.map(Number).filter(Boolean)) openChat(id);
  rememberOpen();
  setInterval(refreshClock, 30000);
  setInterval(() => loadPersonas().catch(() => {}), 15000);
}

start();
