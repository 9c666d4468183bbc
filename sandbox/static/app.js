// The sandbox page. It uses only the sandbox's JSON API (see README, "Sandbox").
// Message text arrives as HTML the server built from Telegram entities or MAX markup (every
// character escaped, only a few tags); everything else is put on the page as text.
"use strict";

const ROLE_GROUPS = [
  ["student", "Students"],
  ["parent", "Parents"],
  ["teacher", "Teachers"],
  ["coordinator", "Coordinators"],
  ["admin", "Network admin"],
  ["new", "New personas"],
];
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
  if (!response.ok) throw new Error(data.error || `${response.status} ${response.statusText}`);
  return data;
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
  node.title = `On ${MESSENGER_NAMES[messenger] || messenger}`;
  return node;
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
  for (const [role, heading] of ROLE_GROUPS) {
    const group = [...personas.values()].filter((p) => p.role === role);
    if (!group.length) continue;
    list.append(el("h3", "", heading));
    for (const persona of group) {
      const item = el("button", "persona");
      item.type = "button";
      item.dataset.persona = persona.id;
      item.classList.toggle("open", chats.has(persona.id));
      const who = el("div", "who");
      who.append(el("b", "", persona.name), " ", badge(persona), el("small", "", persona.title));
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
    this.root.setAttribute("aria-label", `Chat of ${persona.name}`);
    this.root.classList.toggle("max", persona.messenger === "max");
    $(".name", this.root).textContent = persona.name;
    $(".badge", this.root).replaceWith(badge(persona));
    $(".title", this.root).textContent = persona.title;
    $(".avatar", this.root).replaceWith(avatar(persona));
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
        this.status("offline — retrying");
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
    const count = held.length === 1 ? "1 message" : `${held.length} messages`;
    $(".held-text", box).textContent =
      `⏸ The bot holds ${count} for this persona until ${held[0].due_local} (quiet hours or a retry).`;
  }

  status(text) {
    $(".status", this.root).textContent = text || "";
  }

  render(data) {
    this.revision = data.revision;
    this.commands = data.commands || [];
    this.status(data.action === "typing" ? "typing…" : "");
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
        nodes.push(el("div", "day", day));
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
      image.alt = "Photo";
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
    const meta = el("span", "meta", `${message.edited ? "edited " : ""}${message.time}`);
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
    label.append(el("b", "", doc.file_name || "document"), el("small", "", formatSize(doc.file_size)));
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
      this.toast("The sandbox presses callback and URL buttons only.");
      return;
    }
    node.classList.add("busy");
    try {
      const result = await api(`/api/personas/${this.id}/press`, {
        json: { message_id: messageId, callback_data: button.callback_data },
      });
      const answer = result.answer;
      if (!result.answered) this.toast("The bot did not answer this button in time.");
      else if (answer && answer.url) window.open(answer.url, "_blank", "noopener");
      else if (answer && answer.text && answer.show_alert) this.alert(answer.text);
      else if (answer && answer.text) this.toast(answer.text);
    } catch (error) {
      this.toast(error.message);
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
      this.toast(error.message);
    }
  }

  async upload(file) {
    const form = new FormData();
    form.append("document", file, file.name);
    if (this.input.value.trim()) form.append("caption", this.input.value);
    this.input.value = "";
    try {
      await api(`/api/personas/${this.id}/documents`, { method: "POST", body: form });
    } catch (error) {
      this.toast(error.message);
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
      box.append(el("p", "hint", "  The bot has set no commands for this chat yet."));
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
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// --- time travel ---------------------------------------------------------------------------

function showClock(view) {
  const node = $("#clock-now");
  try {
    node.textContent = new Intl.DateTimeFormat("en-GB", {
      timeZone: view.timezone, weekday: "short", day: "numeric", month: "short",
      hour: "2-digit", minute: "2-digit",
    }).format(new Date(view.now));
  } catch (error) {
    node.textContent = view.local;
  }
  node.dateTime = view.now;
  node.title = `${view.timezone}; ahead of real time by ${Math.round(view.offset_seconds / 3600)} h`;
}

async function refreshClock() {
  try {
    showClock(await api("/api/clock"));
  } catch (error) {
    $("#clock-now").textContent = "offline";
  }
}

async function advanceClock(seconds) {
  showClock(await api("/api/clock/advance", { json: { seconds } }));
  const clock = $(".clock");
  clock.classList.add("flash");
  setTimeout(() => clock.classList.remove("flash"), 800);
}

// --- start ---------------------------------------------------------------------------------

async function start() {
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
      alert(error.message);
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
