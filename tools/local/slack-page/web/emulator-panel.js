/* global document, fetch, setTimeout, clearTimeout */
/**
 * The side panel: the AML emulator as the server summarises it (`emulator-panel.ts`): each endpoint's traffic and
 * mirror split as bars in its deployments' colours, the deployments and their instances, the quota in use and the
 * latest ARM writes. Text from the emulator is set as text, never as markup.
 */

const COLOURS = ["#1264a3", "#2bac76", "#e8912d", "#8b4ea6", "#e01e5a", "#36c5f0"];
let pollTimer;

/** Polls the server for the emulator's state (every 1.5 s, every 5 s while the tab is hidden) and draws it in `box`. */
export async function pollEmulator(box) {
  clearTimeout(pollTimer);
  try {
    const res = await fetch("api/emulator");
    const panel = await res.json();
    drawEmulator(box, res.ok ? panel : undefined, panel.error);
  } catch (error) {
    drawEmulator(box, undefined, error.message);
  }
  pollTimer = setTimeout(() => pollEmulator(box), document.hidden ? 5000 : 1500);
}

/** Text for markup, in element content or a quoted attribute. */
function escapeText(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
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

function drawEmulator(box, panel, error) {
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

