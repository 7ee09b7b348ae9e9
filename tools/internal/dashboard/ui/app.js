// vendorctl dashboard: Requests, State, Faults and Vendors over the admin API. Plain JavaScript, no
// build step. Everything shown is built with DOM nodes and text, never HTML from the server.
"use strict";

const $ = (sel) => document.querySelector(sel);
const MAX_ENTRIES = 2000; // entries kept in memory
const MAX_ROWS = 500; // rows rendered at once

// el builds an element: el("td", {class: "x", onclick: fn}, "text", child...).
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "class") node.className = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

// ---- admin API, with the token prompt -------------------------------------------------------------

let token = sessionStorage.getItem("vendorctl-admin-token") || "";
let loginWaiters = null; // promise of the open login dialog

function authHeaders(extra) {
  const h = Object.assign({}, extra);
  if (token) h["X-Admin-Token"] = token;
  return h;
}

// askToken opens the login dialog once, however many requests were refused, and resolves when a
// token was entered.
function askToken(message) {
  if (loginWaiters) return loginWaiters;
  const dlg = $("#login");
  $("#login-error").textContent = message || "";
  $("#login-token").value = "";
  loginWaiters = new Promise((resolve) => {
    const form = $("#login-form");
    const submit = (ev) => {
      ev.preventDefault();
      token = $("#login-token").value.trim();
      if (!token) return;
      sessionStorage.setItem("vendorctl-admin-token", token);
      form.removeEventListener("submit", submit);
      dlg.close();
      loginWaiters = null;
      resolve();
    };
    form.addEventListener("submit", submit);
    dlg.addEventListener("cancel", (ev) => ev.preventDefault(), { once: true });
  });
  if (!dlg.open) dlg.showModal();
  return loginWaiters;
}

// api calls the admin API; a 401 asks for the token and tries again. It returns the decoded JSON
// (null for 204) or throws an Error with the API's message.
async function api(path, opts = {}) {
  for (let attempt = 0; ; attempt++) {
    const init = { method: opts.method || "GET", headers: authHeaders(opts.body ? { "Content-Type": "application/json" } : {}) };
    if (opts.body) init.body = JSON.stringify(opts.body);
    const resp = await fetch(path, init);
    if (resp.status === 401 && attempt < 5) {
      await askToken(attempt > 0 || token ? "That token was refused." : "");
      continue;
    }
    if (resp.status === 204) return null;
    const data = await resp.json().catch(() => ({}));
    if (!resp.ok) throw new Error(data.error || resp.status + " " + resp.statusText);
    return data;
  }
}

function withSession(path, session) {
  if (!session) return path;
  return path + (path.includes("?") ? "&" : "?") + "session=" + encodeURIComponent(session);
}

function setStatus(text, lag) {
  const s = $("#status");
  s.textContent = text;
  s.classList.toggle("lag", !!lag);
}

// ---- views ----------------------------------------------------------------------------------------

const loaders = {};

function showView(name) {
  for (const tab of document.querySelectorAll(".tab")) {
    if (tab.dataset.view === name) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  for (const view of document.querySelectorAll(".view")) view.hidden = view.id !== name;
  if (location.hash !== "#" + name) history.replaceState(null, "", "#" + name);
  if (loaders[name]) loaders[name]().catch(showError);
}

function showError(err) {
  setStatus("error: " + err.message, true);
}

function currentSession() {
  return $("#session").value;
}

// ---- sessions -------------------------------------------------------------------------------------

const knownSessions = new Set();

function addSession(id) {
  if (!id || knownSessions.has(id)) return;
  knownSessions.add(id);
  $("#session").append(el("option", { value: id }, id));
  $("#f-session").append(el("option", { value: id }, id));
}

async function loadSessions() {
  const data = await api("/__admin/sessions");
  for (const s of data.sessions || []) addSession(s.id);
}

// ---- requests -------------------------------------------------------------------------------------

const entries = []; // newest last
const seen = new Set();
let selectedKey = null;
let renderQueued = false;

const entryKey = (e) => (e.session || "") + "/" + e.id;

function addEntries(list) {
  for (const e of list) {
    const k = entryKey(e);
    if (seen.has(k)) continue;
    seen.add(k);
    entries.push(e);
    addSession(e.session);
  }
  if (entries.length > MAX_ENTRIES) {
    for (const e of entries.splice(0, entries.length - MAX_ENTRIES)) seen.delete(entryKey(e));
  }
  queueRender();
}

function queueRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderRows();
  });
}

function matches(e) {
  const api = $("#f-api").value, status = $("#f-status").value, session = $("#f-session").value;
  const text = $("#f-text").value.trim().toLowerCase();
  if (api && e.api !== api) return false;
  if (session !== "*" && (e.session || "") !== session) return false;
  if (status === "v" && !(e.violations || []).some((v) => !v.injected)) return false;
  if (status && status !== "v" && String(e.status)[0] !== status) return false;
  if (!text) return true;
  const hay = [e.method, e.path, e.api, e.operationId, e.fault, e.requestBody, e.responseBody,
    ...(e.violations || []).map((v) => v.field + " " + v.message)].join(" ").toLowerCase();
  return hay.includes(text);
}

function renderRows() {
  const rows = [];
  for (let i = entries.length - 1; i >= 0 && rows.length < MAX_ROWS; i--) {
    if (matches(entries[i])) rows.push(rowOf(entries[i]));
  }
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : null;
  $("#request-rows").replaceChildren(...rows);
  $("#request-empty").hidden = rows.length > 0;
  if (focused) {
    const again = document.querySelector(`#request-rows tr[data-key="${CSS.escape(focused)}"]`);
    if (again) again.focus();
  }
}

function rowOf(e) {
  const k = entryKey(e);
  const own = (e.violations || []).filter((v) => !v.injected).length;
  const open = () => openEntry(k);
  return el("tr", {
    tabindex: 0, "data-key": k, "aria-selected": k === selectedKey ? "true" : "false",
    onclick: open, onkeydown: (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); open(); } },
  },
  el("td", { class: "opt" }, new Date(e.time).toLocaleTimeString()),
  el("td", {}, e.method),
  el("td", { class: "path" }, e.path, own ? el("span", { class: "badge viol", title: own + " spec violations" }, "⚠ " + own) : null,
    e.fault ? el("span", { class: "badge fault", title: "fault rule " + e.fault }, "fault") : null),
  el("td", {}, e.api),
  el("td", { class: "opt" }, e.session || "default"),
  el("td", { class: "s" + String(e.status)[0] }, e.status),
  el("td", { class: "num opt" }, (e.durationMs || 0).toFixed(1)));
}

function openEntry(k) {
  const e = entries.find((x) => entryKey(x) === k);
  if (!e) return;
  selectedKey = k;
  for (const tr of document.querySelectorAll("#request-rows tr")) tr.setAttribute("aria-selected", tr.dataset.key === k ? "true" : "false");
  renderDetail(e);
}

// bodyView pretty-prints a JSON body and marks the fields that violations name.
function bodyView(text, fields) {
  let shown = text;
  try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (_) { /* not JSON: as kept */ }
  const names = [...new Set(fields.map((f) => f.split(".").filter((p) => !/^\d+$/.test(p)).pop()).filter(Boolean))];
  if (!names.length) return el("pre", {}, shown);
  const pre = el("pre", {});
  const re = new RegExp('"(' + names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|") + ')"\\s*:', "g");
  let last = 0;
  for (const m of shown.matchAll(re)) {
    pre.append(shown.slice(last, m.index), el("mark", { title: "violation: " + m[1] }, m[0]));
    last = m.index + m[0].length;
  }
  pre.append(shown.slice(last));
  return pre;
}

function violationList(list) {
  if (!list.length) return el("p", { class: "muted" }, "No spec violations.");
  return el("ul", { class: "violations", "aria-label": "Spec violations" }, list.map((v) =>
    el("li", { class: v.injected ? "injected" : "", "data-field": v.field || "" },
      el("strong", {}, v.kind + " " + v.in), " ",
      v.field ? el("code", {}, v.field) : el("em", {}, "(whole " + v.in + ")"), ": ", v.message,
      v.injected ? el("span", { class: "badge inj" }, "injected by the fault rule") : null)));
}

function headerTable(h) {
  const names = Object.keys(h || {}).sort();
  if (!names.length) return el("p", { class: "muted" }, "none kept");
  return el("table", { class: "headers" }, el("tbody", {}, names.map((n) => el("tr", {}, el("th", { scope: "row" }, n), el("td", {}, h[n].join(", "))))));
}

function renderDetail(e) {
  const vs = e.violations || [];
  const fields = (kind) => vs.filter((v) => v.kind === kind && v.in === "body" && v.field).map((v) => v.field);
  const query = e.query ? "?" + new URLSearchParams(Object.entries(e.query).flatMap(([k, vals]) => vals.map((v) => [k, v]))).toString() : "";
  $("#detail").replaceChildren(
    el("h3", {}, e.method + " " + e.path + query),
    el("dl", {},
      el("dt", {}, "status"), el("dd", { class: "s" + String(e.status)[0] }, e.status),
      el("dt", {}, "vendor"), el("dd", {}, e.api + (e.operationId ? " · " + e.operationId : "")),
      el("dt", {}, "session"), el("dd", {}, e.session || "default"),
      el("dt", {}, "time"), el("dd", {}, new Date(e.time).toISOString() + " · " + (e.durationMs || 0).toFixed(2) + " ms"),
      e.fault ? [el("dt", {}, "fault"), el("dd", {}, e.fault)] : null,
      e.truncated || e.headersTruncated ? [el("dt", {}, "note"), el("dd", {}, "parts were cut at the journal's caps")] : null),
    el("h4", {}, "Violations"), violationList(vs),
    el("h4", {}, "Request headers"), headerTable(e.requestHeaders),
    el("h4", {}, "Request body"), e.requestBody ? bodyView(e.requestBody, fields("request")) : el("p", { class: "muted" }, "none"),
    el("h4", {}, "Response body"), e.responseBody ? bodyView(e.responseBody, fields("response")) : el("p", { class: "muted" }, "none"),
    el("p", { class: "hint" }, "Response headers are not kept by the journal; credentials are redacted before anything is stored."));
}

// streamJournal reads GET /__admin/requests/stream?all=true with fetch (so that it can send the
// token, which EventSource cannot) and parses its server-sent events; it reconnects when it ends.
async function streamJournal() {
  for (;;) {
    try {
      const resp = await fetch("/__admin/requests/stream?all=true", { headers: authHeaders({ Accept: "text/event-stream" }) });
      if (resp.status === 401) { await askToken(token ? "That token was refused." : ""); continue; }
      if (!resp.ok) throw new Error("stream: " + resp.status);
      setStatus("live");
      await readEvents(resp.body.getReader());
      setStatus("stream ended: reconnecting…", true);
    } catch (err) {
      setStatus("disconnected: retrying… (" + err.message + ")", true);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function readEvents(reader) {
  const decoder = new TextDecoder();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += decoder.decode(value, { stream: true });
    let cut;
    const batch = [];
    while ((cut = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      let name = "message", data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) name = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
      }
      if (name === "entry") batch.push(JSON.parse(data));
      else if (name === "dropped") setStatus("live · the page lagged: " + JSON.parse(data).dropped + " entries not shown", true);
    }
    if (batch.length) addEntries(batch);
  }
}

async function loadJournals() {
  const lists = [api("/__admin/requests?limit=500")];
  for (const id of knownSessions) lists.push(api(withSession("/__admin/requests?limit=500", id)));
  const all = (await Promise.all(lists)).flatMap((d) => d.requests || []);
  all.sort((a, b) => new Date(a.time) - new Date(b.time));
  addEntries(all);
}

// ---- state ----------------------------------------------------------------------------------------

let stateData = null;

loaders.state = async () => {
  const apiName = $("#s-api").value;
  if (!apiName) return;
  const data = await api(withSession("/__admin/state?api=" + encodeURIComponent(apiName), currentSession()));
  stateData = data.state;
  renderState();
};

function summaryOf(item) {
  if (item === null || typeof item !== "object") return String(item);
  const parts = [];
  for (const [k, v] of Object.entries(item)) {
    if (v !== null && typeof v !== "object" && v !== "") parts.push(k + ": " + v);
    if (parts.length === 4) break;
  }
  return parts.join(" · ") || JSON.stringify(item).slice(0, 120);
}

function renderState() {
  const text = $("#s-text").value.trim().toLowerCase();
  const groups = [];
  for (const [name, value] of Object.entries(stateData || {})) {
    if (!Array.isArray(value)) {
      groups.push(el("section", { class: "state-group card" }, el("h3", {}, name), el("pre", {}, JSON.stringify(value, null, 2))));
      continue;
    }
    const hits = value.filter((item) => !text || JSON.stringify(item).toLowerCase().includes(text));
    groups.push(el("section", { class: "state-group card", "aria-label": name },
      el("h3", {}, name + " ", el("span", { class: "muted" }, hits.length + " of " + value.length)),
      hits.slice(0, 300).map((item) => el("details", {}, el("summary", {}, summaryOf(item)), el("pre", {}, JSON.stringify(item, null, 2)))),
      hits.length > 300 ? el("p", { class: "muted" }, "showing 300: search to narrow") : null));
  }
  $("#state-body").replaceChildren(...(groups.length ? groups : [el("p", { class: "empty" }, "This vendor exports no state.")]));
}

// ---- faults ---------------------------------------------------------------------------------------

let operations = {};

function describeRule(r) {
  const parts = [];
  if (r.status) parts.push("status " + r.status);
  if (r.drift) parts.push("drift " + r.drift);
  if (r.reset) parts.push("reset connection");
  if (r.truncate) parts.push("truncate");
  if (r.latencyMs || r.latencyJitterMs) parts.push("latency " + r.latencyMs + " ms" + (r.latencyJitterMs ? " + up to " + r.latencyJitterMs : ""));
  return parts.join(", ");
}

loaders.faults = async () => {
  const session = currentSession();
  const data = await api(withSession("/__admin/faults", session));
  $("#fault-scope").textContent = "(session " + (session || "default") + ")";
  const rules = data.faults || [];
  $("#fault-rows").replaceChildren(...rules.map((r) => el("tr", {},
    el("td", {}, r.id), el("td", {}, r.api), el("td", {}, r.operationId || "every"), el("td", {}, describeRule(r)),
    el("td", {}, r.probability),
    el("td", {}, el("button", { type: "button", class: "danger", "aria-label": "Remove rule " + r.id,
      onclick: () => faultAction(withSession("/__admin/faults/" + r.id, session), "DELETE") }, "Remove")))));
  $("#fault-empty").hidden = rules.length > 0;
};

async function faultAction(path, method) {
  $("#fault-error").textContent = "";
  try {
    await api(path, { method });
    await loaders.faults();
  } catch (err) {
    $("#fault-error").textContent = err.message;
  }
}

function fillOperations() {
  const ops = operations[$("#r-api").value] || [];
  $("#r-op").replaceChildren(el("option", { value: "" }, "every operation"), ...ops.map((o) => el("option", { value: o }, o)));
}

function ruleKind() {
  return document.querySelector('input[name="r-kind"]:checked').value;
}

function showRuleKind() {
  for (const l of document.querySelectorAll("#fault-form [data-kind]")) l.hidden = l.dataset.kind !== ruleKind();
}

async function addRule(ev) {
  ev.preventDefault();
  const rule = { api: $("#r-api").value };
  if ($("#r-op").value) rule.operationId = $("#r-op").value;
  const prob = parseFloat($("#r-prob").value);
  if (prob && prob < 1) rule.probability = prob;
  const kind = ruleKind();
  if (kind === "status") rule.status = parseInt($("#r-status").value, 10);
  if (kind === "latency") rule.latencyMs = parseInt($("#r-latency").value, 10);
  if (kind === "drift") rule.drift = $("#r-drift").value;
  $("#fault-error").textContent = "";
  try {
    await api(withSession("/__admin/faults", currentSession()), { method: "POST", body: rule });
    await loaders.faults();
  } catch (err) {
    $("#fault-error").textContent = err.message;
  }
}

// ---- vendors --------------------------------------------------------------------------------------

let revealed = false;

loaders.vendors = async () => {
  const data = await api("/__admin/vendors" + (revealed ? "?reveal=true" : ""));
  const session = currentSession();
  const base = (u) => session ? u.replace(location.origin, location.origin + "/sessions/" + encodeURIComponent(session)) : u;
  $("#vendor-cards").replaceChildren(...data.vendors.map((v) => {
    const curl = v.example ? base(v.example.curl) : "";
    return el("article", { class: "card", "aria-label": v.title },
      el("h3", {}, v.title, " ", el("span", { class: "muted" }, v.name)),
      el("table", {}, el("tbody", {}, v.mounts.map((m) => el("tr", {},
        el("th", { scope: "row" }, el("code", {}, base(m.baseUrl))), el("td", { class: "muted" }, "for " + m.production))))),
      el("p", {}, el("strong", {}, "Credentials: "), el("span", { class: "creds" }, v.credentials)),
      el("button", { type: "button", "aria-pressed": revealed ? "true" : "false", onclick: () => { revealed = !revealed; loaders.vendors().catch(showError); } },
        revealed ? "Hide credentials" : "Show credentials"),
      v.example ? [el("h4", {}, "Example: " + v.example.title), el("pre", { class: "curl" }, curl),
        el("button", { type: "button", onclick: (ev) => copyCurl(v.name, ev.target) }, "Copy curl")] : null);
  }));
};

// copyCurl copies the example with its credentials, revealed for the copy only.
async function copyCurl(name, button) {
  const data = await api("/__admin/vendors?reveal=true");
  const v = data.vendors.find((x) => x.name === name);
  const session = currentSession();
  let curl = v.example.curl;
  if (session) curl = curl.replace(location.origin, location.origin + "/sessions/" + encodeURIComponent(session));
  try {
    await navigator.clipboard.writeText(curl);
    button.textContent = "Copied";
  } catch (_) {
    button.textContent = "Copy failed: select the text";
  }
  setTimeout(() => { button.textContent = "Copy curl"; }, 1500);
}

// ---- start ----------------------------------------------------------------------------------------

async function loadVendorLists() {
  const ops = await api("/__admin/operations");
  operations = ops.operations || {};
  const names = Object.keys(operations).sort();
  const options = () => names.map((n) => el("option", { value: n }, n));
  $("#f-api").append(...options());
  $("#r-api").replaceChildren(...options());
  const health = await api("/__admin/health");
  const vendorOptions = () => health.apis.map((a) => el("option", { value: a.name }, a.title + " (" + a.name + ")"));
  $("#s-api").replaceChildren(...vendorOptions());
  $("#reset-api").replaceChildren(...vendorOptions()); // reset takes vendors, not the APIs rules name (connectid)
  fillOperations();
}

function wire() {
  for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => showView(tab.dataset.view));
  for (const id of ["#f-api", "#f-status", "#f-session"]) $(id).addEventListener("change", queueRender);
  $("#f-text").addEventListener("input", queueRender);
  $("#request-filters").addEventListener("submit", (ev) => ev.preventDefault());
  $("#clear-requests").addEventListener("click", async () => {
    await api(withSession("/__admin/requests", currentSession()), { method: "DELETE" }).catch(showError);
    const s = currentSession();
    for (let i = entries.length - 1; i >= 0; i--) if ((entries[i].session || "") === s) { seen.delete(entryKey(entries[i])); entries.splice(i, 1); }
    queueRender();
  });
  $("#session").addEventListener("focus", () => loadSessions().catch(showError));
  $("#session").addEventListener("change", () => {
    const view = document.querySelector(".view:not([hidden])").id;
    if (loaders[view]) loaders[view]().catch(showError);
  });
  $("#state-form").addEventListener("submit", (ev) => { ev.preventDefault(); loaders.state().catch(showError); });
  $("#s-api").addEventListener("change", () => loaders.state().catch(showError));
  $("#s-text").addEventListener("input", renderState);
  $("#fault-form").addEventListener("submit", addRule);
  $("#r-api").addEventListener("change", fillOperations);
  for (const r of document.querySelectorAll('input[name="r-kind"]')) r.addEventListener("change", showRuleKind);
  $("#clear-vendor-faults").addEventListener("click", () => faultAction(withSession("/__admin/faults?api=" + encodeURIComponent($("#r-api").value), currentSession()), "DELETE"));
  $("#clear-faults").addEventListener("click", () => faultAction(withSession("/__admin/faults", currentSession()), "DELETE"));
  $("#reset-vendor").addEventListener("click", () => faultAction(withSession("/__admin/reset?api=" + encodeURIComponent($("#reset-api").value), currentSession()), "POST"));
  $("#reset-all").addEventListener("click", () => faultAction(withSession("/__admin/reset", currentSession()), "POST"));
}

async function start() {
  wire();
  try {
    await loadSessions();
    await loadVendorLists();
    streamJournal();
    await loadJournals();
  } catch (err) {
    showError(err);
  }
  const view = location.hash.slice(1);
  showView(["requests", "state", "faults", "vendors"].includes(view) ? view : "requests");
}

start();
