/* global document, window, fetch, EventSource, localStorage, URLSearchParams, setTimeout, clearTimeout, CSS */
/**
 * The Slack-like page's script (no framework, no build step): draws the message rows the server renders, keeps them
 * current from its server-sent events, sends what the person types or clicks to the server (which signs it as Slack
 * would and posts it to the bot), and draws the AML emulator's side panel. It never holds a secret.
 */

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
  pollEmulator();
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
  const menu = commandMenu(input);
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

/**
 * Slack's command menu: typing `/` offers the app's command, and `/aml ` plus the start of a verb offers the matching
 * verbs with their usage and summary (from the bot's own verb table). Arrows pick, Tab or Enter on a picked one (or
 * a click) completes; Enter otherwise sends what is typed.
 */
function commandMenu(input) {
  const list = $("command-menu");
  let items = [];
  let picked = -1;
  const draw = () => {
    list.hidden = items.length === 0;
    list.replaceChildren(
      ...items.map((item, i) => {
        const li = document.createElement("li");
        li.className = `sp-command${i === picked ? " sp-picked" : ""}`;
        li.setAttribute("role", "option");
        li.dataset.complete = item.complete;
        li.innerHTML = `<span class="sp-command-usage"></span><span class="sp-command-summary"></span>`;
        li.firstChild.textContent = item.usage;
        li.lastChild.textContent = item.summary;
        return li;
      }),
    );
  };
  const complete = (text) => {
    input.value = text;
    input.focus();
    update();
  };
  const update = () => {
    const value = input.value;
    const verb = /^\/aml\s+(\S*)$/i.exec(value);
    if (/^\/[a-z]{0,3}$/i.test(value) && "/aml".startsWith(value.toLowerCase())) {
      items = [{ complete: "/aml ", usage: "/aml <command>", summary: "aml-chatops: Azure ML endpoints from chat" }];
    } else if (verb) {
      const word = verb[1].toLowerCase();
      items = state.verbs
        .filter((v) => v.name.startsWith(word))
        .slice(0, 8)
        .map((v) => ({ complete: `/aml ${v.name} `, usage: `/aml ${v.usage}`, summary: v.summary }));
    } else {
      items = [];
    }
    if (picked >= items.length) picked = -1;
    draw();
  };
  list.addEventListener("mousedown", (e) => {
    const li = e.target.closest("[data-complete]");
    if (!li) return;
    e.preventDefault();
    complete(li.dataset.complete);
  });
  return {
    update,
    /** Handles a key for the menu; true when it did. */
    key(e) {
      if (items.length === 0) return false;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        picked = e.key === "ArrowDown" ? (picked + 1) % items.length : picked <= 0 ? items.length - 1 : picked - 1;
        draw();
        return true;
      }
      if (e.key === "Tab" || (e.key === "Enter" && picked >= 0)) {
        e.preventDefault();
        complete(items[Math.max(picked, 0)].complete);
        picked = -1;
        update();
        return true;
      }
      if (e.key === "Escape") {
        items = [];
        draw();
        return true;
      }
      return false;
    },
  };
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

// ─── The emulator's panel ────────────────────────────────────────────────────

const COLOURS = ["#1264a3", "#2bac76", "#e8912d", "#8b4ea6", "#e01e5a", "#36c5f0"];
let pollTimer;

async function pollEmulator() {
  clearTimeout(pollTimer);
  try {
    const res = await fetch("api/emulator");
    const panel = await res.json();
    drawEmulator(res.ok ? panel : undefined, panel.error);
  } catch (error) {
    drawEmulator(undefined, error.message);
  }
  pollTimer = setTimeout(pollEmulator, document.hidden ? 5000 : 1500);
}

function escapeText(text) {
  const span = document.createElement("span");
  span.textContent = String(text);
  return span.innerHTML;
}

function bar(splits, colourOf, label) {
  if (splits.length === 0) return `<div class="sp-bar-row"><span class="sp-bar-label">${label}</span><span class="sp-muted">none</span></div>`;
  const total = splits.reduce((sum, s) => sum + s.percent, 0);
  const segments = splits
    .map((s) => `<span class="sp-bar-seg" style="width:${(100 * s.percent) / Math.max(total, 100)}%;background:${colourOf(s.deployment)}" title="${escapeText(s.deployment)} ${s.percent}%"></span>`)
    .join("");
  const legend = splits.map((s) => `<span class="sp-legend"><i style="background:${colourOf(s.deployment)}"></i>${escapeText(s.deployment)} ${s.percent}%</span>`).join("");
  return `<div class="sp-bar-row"><span class="sp-bar-label">${label}</span><span class="sp-bar">${segments}</span></div><div class="sp-legends">${legend}</div>`;
}

function drawEmulator(panel, error) {
  const box = $("emulator");
  if (!panel) {
    box.innerHTML = `<p class="sp-muted">${escapeText(error ?? "The emulator is not reachable.")}</p>`;
    return;
  }
  const endpoints = panel.endpoints
    .map((e) => {
      const names = e.deployments.map((d) => d.name);
      const colourOf = (name) => COLOURS[Math.max(0, names.indexOf(name)) % COLOURS.length];
      const deployments = e.deployments
        .map((d) => `<li><i style="background:${colourOf(d.name)}"></i><b>${escapeText(d.name)}</b> <span class="sp-muted">${escapeText(d.instanceType)} × ${d.instances}</span> <span class="sp-state sp-state-${escapeText(d.state.toLowerCase())}">${escapeText(d.state)}</span></li>`)
        .join("");
      return `<section class="sp-endpoint" data-endpoint="${escapeText(e.name)}"><h3>${escapeText(e.name)} <span class="sp-muted">${escapeText(e.workspace)}</span>${e.state === "Succeeded" ? "" : ` <span class="sp-state">${escapeText(e.state)}</span>`}</h3>` +
        bar(e.traffic, colourOf, "traffic") + bar(e.mirror, colourOf, "mirror") + `<ul class="sp-deployments">${deployments}</ul></section>`;
    })
    .join("");
  const quota = panel.quota.map((q) => `<li>${escapeText(q.family)} <span class="sp-quota"><span style="width:${Math.min(100, (100 * q.used) / Math.max(1, q.limit))}%"></span></span> ${q.used} / ${q.limit} vCPUs</li>`).join("");
  const writes = panel.writes
    .map((w) => `<li><span class="sp-method sp-method-${escapeText(w.method.toLowerCase())}">${escapeText(w.method)}</span> <span class="sp-target">${escapeText(w.target)}</span> <span class="sp-muted">${w.status} · ${new Date(w.at).toLocaleTimeString()}</span></li>`)
    .join("");
  box.innerHTML =
    endpoints +
    `<h3 class="sp-panel-title">Capacity (quota in use)</h3><ul class="sp-quotas">${quota || '<li class="sp-muted">nothing deployed</li>'}</ul>` +
    `<h3 class="sp-panel-title">Recent ARM writes <span class="sp-muted">(${panel.armRequests} ARM requests in all)</span></h3><ul class="sp-writes">${writes || '<li class="sp-muted">none yet</li>'}</ul>`;
}

start().catch((error) => showError(`The page could not start: ${error.message}`));
