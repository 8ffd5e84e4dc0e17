/* global document, window, fetch, EventSource, localStorage, URLSearchParams, setTimeout, CSS */
/**
 * The Slack-like page's script (no framework, no build step): draws the message rows the server renders, keeps them
 * current from its server-sent events, sends what the person types or clicks to the server (which signs it as Slack
 * would and posts it to the bot), and draws the AML emulator's side panel. It never holds a secret.
 */
import { commandMenu } from "./command-menu.js";
import { pollEmulator } from "./emulator-panel.js";

const $ = (id) => document.getElementById(id);
const state = {
  users: [],
  channels: {},
  user: undefined,
  channel: "C0LOCAL",
  /** ts → { ts, channel, threadTs, deleted, ephemeral, html } */
  messages: new Map(),
  thread: undefined,
  events: undefined,
  unread: new Set(),
};

const tsOrder = (a, b) => {
  const [as, an] = a.split(".").map(Number);
  const [bs, bn] = b.split(".").map(Number);
  return as - bs || an - bn;
};

async function start() {
  const session = await (await fetch("api/session")).json();
  state.users = session.users;
  state.channels = session.channels;
  state.channel = session.defaultChannel;
  state.verbs = session.verbs;
  const wanted = new URLSearchParams(window.location.search).get("user") ?? localStorage.getItem("slack-page-user");
  state.user = state.users.find((u) => u.key === wanted || u.id === wanted) ?? state.users[0];
  const select = $("user");
  for (const u of state.users) {
    const option = document.createElement("option");
    option.value = u.id;
    const approves = u.approves.length > 0 ? `, approves ${u.approves.join(", ")}` : "";
    option.textContent = `${u.key} (${u.role}${approves})`;
    select.append(option);
  }
  select.value = state.user.id;
  select.addEventListener("change", () => switchUser(select.value));
  wireComposer();
  wireButtons();
  wirePanes();
  switchUser(state.user.id);
  pollEmulator($("emulator"));
}

function switchUser(id) {
  state.user = state.users.find((u) => u.id === id) ?? state.users[0];
  localStorage.setItem("slack-page-user", state.user.key);
  $("me-avatar").textContent = state.user.key.slice(0, 1).toUpperCase();
  document.body.dataset.user = state.user.key;
  document.body.dataset.ready = "false";
  state.events?.close();
  const events = new EventSource(`api/events?user=${encodeURIComponent(state.user.id)}`);
  state.events = events;
  events.addEventListener("snapshot", (e) => {
    state.messages = new Map(JSON.parse(e.data).map((m) => [m.ts, m]));
    state.unread.clear();
    drawAll();
    document.body.dataset.ready = "true";
  });
  events.addEventListener("message", (e) => upsert(JSON.parse(e.data)));
}

// ─── Messages ────────────────────────────────────────────────────────────────

function inChannel(m) {
  return m.channel === state.channel && !m.deleted;
}

function drawAll() {
  const list = $("messages");
  list.replaceChildren();
  const shown = [...state.messages.values()].filter((m) => inChannel(m) && !m.threadTs).sort((a, b) => tsOrder(a.ts, b.ts));
  if (shown.length === 0) list.append(emptyChannel());
  for (const m of shown) list.append(rowOf(m));
  for (const m of shown) drawThreadSummary(m.ts);
  regroup(list);
  drawChannels();
  drawThread();
  list.scrollTop = list.scrollHeight;
}

function emptyChannel() {
  const div = document.createElement("div");
  div.className = "sp-empty";
  div.innerHTML = "<h2>This is the very beginning of <b></b></h2>" +
    "<p>Try <code class=\"bk-code\">/aml show fraud-scorer</code>, <code class=\"bk-code\">/aml traffic fraud-scorer blue=80 green=20</code> or <code class=\"bk-code\">/aml help</code> below (type <code class=\"bk-code\">/</code> for the commands).</p>";
  div.querySelector("b").textContent = `#${state.channels[state.channel] ?? state.channel}`;
  return div;
}

function rowOf(m) {
  const template = document.createElement("template");
  template.innerHTML = m.html;
  const row = template.content.firstElementChild;
  for (const time of row.querySelectorAll("time[data-seconds]")) {
    const at = new Date(Number(time.dataset.seconds) * 1000);
    time.textContent = at.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
    time.dateTime = at.toISOString();
  }
  return row;
}

function upsert(m) {
  const before = state.messages.get(m.ts);
  state.messages.set(m.ts, m);
  if (m.threadTs) {
    drawThreadSummary(m.threadTs);
    if (state.thread === m.threadTs) drawThread();
  } else if (m.channel === state.channel) {
    const list = $("messages");
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 120;
    const existing = list.querySelector(`:scope > article[data-ts="${CSS.escape(m.ts)}"]`);
    if (m.deleted) existing?.remove();
    else if (existing) replaceRow(existing, m);
    else insertRow(list, m);
    regroup(list);
    list.querySelector(".sp-empty")?.remove();
    if (state.thread === m.ts) drawThread();
    if (nearBottom || !before) list.scrollTop = list.scrollHeight;
  } else if (!m.deleted && !before) {
    state.unread.add(m.channel);
  }
  drawChannels();
}

/** An edited message in place, keeping what the person had typed in its boxes. */
function replaceRow(existing, m) {
  const typed = new Map([...existing.querySelectorAll("input[data-block-id]")].map((i) => [i.dataset.blockId, i.value]));
  const row = rowOf(m);
  for (const input of row.querySelectorAll("input[data-block-id]")) input.value = typed.get(input.dataset.blockId) ?? "";
  existing.replaceWith(row);
  row.classList.add("sp-flash");
  drawThreadSummary(m.ts);
}

function insertRow(list, m) {
  const row = rowOf(m);
  const after = [...list.querySelectorAll(":scope > article[data-ts]")].find((r) => tsOrder(r.dataset.ts, m.ts) > 0);
  list.insertBefore(row, after ?? null);
  drawThreadSummary(m.ts);
}

/**
 * Slack shows a run of messages from one author within a few minutes under one avatar and name. A message that
 * answers a command (it shows who used it) or that only you see starts a run of its own.
 */
function regroup(container) {
  let previous;
  for (const row of container.querySelectorAll(":scope > article[data-ts]")) {
    const seconds = Number(row.dataset.ts.split(".")[0]);
    const alone = row.classList.contains("sp-ephemeral") || row.querySelector(".sp-used") !== null;
    const joins = previous !== undefined && !alone && !previous.classList.contains("sp-ephemeral") && seconds - Number(previous.dataset.ts.split(".")[0]) < 300;
    row.classList.toggle("sp-continued", joins);
    previous = row;
  }
}

function repliesOf(ts) {
  return [...state.messages.values()].filter((m) => m.threadTs === ts && !m.deleted).sort((a, b) => tsOrder(a.ts, b.ts));
}

function drawThreadSummary(ts) {
  const summary = $("messages").querySelector(`article[data-ts="${CSS.escape(ts)}"] .sp-thread-summary`);
  if (!summary) return;
  const replies = repliesOf(ts);
  summary.hidden = replies.length === 0;
  summary.innerHTML = replies.length === 0 ? "" : `<span class="sp-mini-avatar">AML</span><a href="#" data-thread="${ts}">${replies.length} ${replies.length === 1 ? "reply" : "replies"}</a><span class="sp-muted">View thread</span>`;
}

function drawThread() {
  const pane = $("thread-pane");
  const parent = state.thread && state.messages.get(state.thread);
  pane.hidden = !parent;
  document.body.classList.toggle("sp-thread-open", Boolean(parent));
  if (!parent) return;
  $("thread-channel").textContent = `#${state.channels[parent.channel] ?? parent.channel}`;
  const body = $("thread");
  const replies = repliesOf(parent.ts);
  const divider = document.createElement("div");
  divider.className = "sp-replies-divider";
  divider.textContent = `${replies.length} ${replies.length === 1 ? "reply" : "replies"}`;
  const group = document.createElement("div");
  group.append(...replies.map(rowOf));
  regroup(group);
  body.replaceChildren(rowOf(parent), divider, group);
  body.querySelector(".sp-thread-summary")?.remove();
}

function drawChannels() {
  const seen = new Set(Object.keys(state.channels));
  for (const m of state.messages.values()) if (!m.deleted) seen.add(m.channel);
  const channels = [...seen].filter((c) => !c.startsWith("D"));
  const dms = [...seen].filter((c) => c === `D${state.user.id}`);
  const item = (id, label) => {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = "#";
    a.className = `sp-channel-link${id === state.channel ? " sp-active" : ""}${state.unread.has(id) ? " sp-unread" : ""}`;
    a.dataset.channel = id;
    a.textContent = label;
    li.append(a);
    return li;
  };
  $("channels").replaceChildren(...channels.map((c) => item(c, `# ${state.channels[c] ?? c.toLowerCase()}`)));
  $("dms").replaceChildren(...(dms.length ? dms.map((c) => item(c, "aml-chatops")) : []));
  const name = state.channel.startsWith("D") ? "aml-chatops" : `# ${state.channels[state.channel] ?? state.channel.toLowerCase()}`;
  $("channel-name").textContent = name;
  $("composer-text").placeholder = `Message ${name.replace("# ", "#")} — try /aml show fraud-scorer`;
}

// ─── Sending ─────────────────────────────────────────────────────────────────

async function post(path, body) {
  const res = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(answer.error ?? `HTTP ${res.status}`);
  return answer;
}

function showError(text) {
  const box = $("composer-error");
  box.hidden = !text;
  box.textContent = text ?? "";
}

function wireComposer() {
  const form = $("composer");
  const input = $("composer-text");
  const history = [];
  const menu = commandMenu(input, $("command-menu"), state.verbs);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    history.push(text);
    input.value = "";
    resize();
    menu.update();
    showError(undefined);
    $("send").disabled = true;
    try {
      await post("api/command", { text, user: state.user.id, channel: state.channel });
    } catch (error) {
      input.value = text;
      showError(`Slack could not deliver it: ${error.message}`);
    } finally {
      $("send").disabled = false;
      input.focus();
    }
  });
  const resize = () => {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
  };
  input.addEventListener("input", () => {
    resize();
    menu.update();
  });
  input.addEventListener("keydown", (e) => {
    if (menu.key(e)) return;
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      form.requestSubmit();
    } else if (e.key === "ArrowUp" && input.value === "" && history.length > 0) {
      e.preventDefault();
      input.value = history[history.length - 1];
    }
  });
}

function confirmFirst(confirm) {
  if (!confirm) return Promise.resolve(true);
  const dialog = $("confirm");
  $("confirm-title").textContent = confirm.title;
  $("confirm-text").innerHTML = confirm.html; // rendered and escaped by the server from the button's confirm text
  $("confirm-ok").textContent = confirm.confirm;
  $("confirm-ok").className = `bk-button ${confirm.danger ? "bk-button-danger" : "bk-button-primary"}`;
  $("confirm-deny").textContent = confirm.deny;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), { once: true }));
}

function wireButtons() {
  document.addEventListener("click", async (e) => {
    const thread = e.target.closest("[data-thread]");
    if (thread) {
      e.preventDefault();
      state.thread = thread.dataset.thread;
      drawThread();
      return;
    }
    const channel = e.target.closest("[data-channel]");
    if (channel) {
      e.preventDefault();
      state.channel = channel.dataset.channel;
      state.unread.delete(state.channel);
      state.thread = undefined;
      document.body.classList.remove("sp-sidebar-open");
      drawAll();
      return;
    }
    const button = e.target.closest("button.bk-button[data-action-id]");
    if (!button) return;
    if (button.dataset.url) window.open(button.dataset.url, "_blank", "noopener");
    const row = button.closest("article[data-ts]");
    const confirm = button.dataset.confirm ? JSON.parse(button.dataset.confirm) : undefined;
    if (!(await confirmFirst(confirm))) return;
    const typed = Object.fromEntries([...row.querySelectorAll("input[data-block-id]")].map((i) => [i.dataset.blockId, i.value]));
    button.classList.add("bk-busy");
    showError(undefined);
    try {
      await post("api/action", { ts: row.dataset.ts, actionId: button.dataset.actionId, value: button.dataset.value, user: state.user.id, typed });
    } catch (error) {
      showError(`The click did not reach the bot: ${error.message}`);
    } finally {
      // Slack clears the spinner when the app acknowledges; an edit of the message replaces the button anyway.
      timers.set(button, setTimeout(() => button.classList.remove("bk-busy"), 600));
    }
  });
}
const timers = new Map();

function wirePanes() {
  $("close-thread").addEventListener("click", () => {
    state.thread = undefined;
    drawThread();
  });
  $("toggle-sidebar").addEventListener("click", () => document.body.classList.toggle("sp-sidebar-open"));
  const toggle = $("toggle-emulator");
  const setEmulator = (open) => {
    document.body.classList.toggle("sp-emulator-closed", !open);
    toggle.setAttribute("aria-pressed", String(open));
  };
  // Wide screens start with the panel open; a phone starts with the channel.
  setEmulator(window.matchMedia("(min-width: 900px)").matches);
  toggle.addEventListener("click", () => setEmulator(document.body.classList.contains("sp-emulator-closed")));
  $("close-emulator").addEventListener("click", () => setEmulator(false));
}

start().catch((error) => showError(`The page could not start: ${error.message}`));
