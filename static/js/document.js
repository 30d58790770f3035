// The SLA document in the page (review and sign-off), the readiness check and finalizing
// with open points. The document's HTML is sanitised by the server (nh3); the page only
// renames its headings and anchors so they fit into the page.
import { html, useState, useEffect, useRef, S, t, label, send, page, isFacilitator, afterState } from "./lib.js";

// The stages after the sections are worked through (the server's list) show the draft document.
export const DOCUMENT_STAGES = S.document_stages;
// At most one request for the document per second, and never more often than ten times
// the last request took: when the server is busy (every client asks after every change),
// the clients back off by themselves. A little jitter spreads the clients' requests.
const MIN_GAP_MS = 1000;
const BACKOFF = 10;
const MAX_GAP_MS = 10000;
const JITTER_MS = 200;

// Fetches GET /api/workshops/<code>/document while `active`, again whenever the sign-off
// version, its status or the state version changes: at most once a second (less often when
// the server is slow), one request at a time, always for the newest state seen. The previous
// document stays on screen while a new one loads.
export function useDocument(state, active) {
  const [doc, setDoc] = useState(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState(null);
  const run = useRef(null);
  if (run.current === null) {
    run.current = { wanted: null, fetched: null, busy: false, last: 0, gap: MIN_GAP_MS, timer: null, text: null, alive: true };
  }
  const key = active && state ? `${state.signoff.version}|${state.signoff.status}|${state.version}` : null;

  useEffect(() => {
    const r = run.current;
    r.alive = true;
    return () => { r.alive = false; clearTimeout(r.timer); };
  }, []);

  useEffect(() => {
    const r = run.current;
    r.wanted = key;
    const schedule = () => {
      if (r.timer || r.busy || !r.alive || r.wanted === null || r.wanted === r.fetched) return;
      const wait = r.last ? r.last + r.gap - Date.now() + Math.random() * JITTER_MS : 0;
      r.timer = setTimeout(load, Math.max(0, wait));
    };
    async function load() {
      r.timer = null;
      if (!r.alive || r.busy || r.wanted === null || r.wanted === r.fetched) return;
      const want = r.wanted;
      r.busy = true;
      r.last = Date.now();
      setLoading(true);
      try {
        const response = await fetch(`/api/workshops/${page.code}/document`, {
          credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store",
        });
        const text = await response.text();
        if (!response.ok) {
          let message = response.statusText;
          try { message = JSON.parse(text).error || message; } catch (e) { /* not JSON */ }
          throw new Error(message);
        }
        if (text !== r.text) {
          const next = JSON.parse(text);
          r.text = text;
          if (r.alive) setDoc(next);
        }
        if (r.alive) setError(null);
      } catch (err) {
        if (r.alive) setError(err.message || t("error"));
      } finally {
        // A failed load is not retried in a loop: the next change of the state tries again.
        r.fetched = want;
        r.gap = Math.min(MAX_GAP_MS, Math.max(MIN_GAP_MS, BACKOFF * (Date.now() - r.last)));
        r.busy = false;
        if (r.alive) setLoading(false);
        schedule();
      }
    }
    schedule();
  }, [key]);

  return { doc, loading, error };
}

// The server's HTML of one part, fitted into the page: headings one level down (the page's
// h1 is the stage, h2 the document), ids and in-document links prefixed with "doc-" so they
// cannot collide with the page's own ids. DOMParser builds an inert document: nothing in it
// runs or loads. Returns {heading, body} so the "changed" label can sit under the heading.
const fitted = new Map();
function fitPart(source) {
  if (fitted.has(source)) return fitted.get(source);
  const parsed = new DOMParser().parseFromString(`<body>${source}</body>`, "text/html");
  const body = parsed.body;
  for (const level of [4, 3, 2, 1]) {
    for (const old of [...body.querySelectorAll(`h${level}`)]) {
      const heading = parsed.createElement(`h${Math.min(level + 1, 6)}`);
      heading.append(...old.childNodes);
      if (old.id) heading.id = `doc-${old.id}`;
      heading.setAttribute("tabindex", "-1");
      old.replaceWith(heading);
    }
  }
  for (const link of body.querySelectorAll("a[href]")) {
    const href = link.getAttribute("href");
    if (href.startsWith("#")) link.setAttribute("href", `#doc-${href.slice(1)}`);
  }
  for (const table of body.querySelectorAll("table")) fitTable(table);
  const first = body.firstElementChild;
  const heading = first && /^H\d$/.test(first.tagName) ? first.outerHTML : "";
  if (heading) first.remove();
  const result = { heading, body: body.innerHTML };
  if (fitted.size > 300) fitted.clear();
  fitted.set(source, result);
  return result;
}

// Table cells may break anywhere, so a table never pushes the page sideways, but then the
// browser squeezes short columns ("Sale|s", "Decemb|er"). Columns whose cells are all short
// (a name, an owner, a date, a number) are marked to stay on one line when, together, they
// leave room for the rest: "short" within 48 characters; on phones the table "fits-phone"
// within 20, or breaks them between words only ("words-phone") when their words fit in 30.
const SHORT_CELL = 16;
function fitTable(table) {
  table.classList.add(`cols-${Math.min(table.querySelectorAll("thead th").length, 6)}`);
  const columns = [];
  for (const row of table.rows) {
    [...row.cells].forEach((cell, i) => {
      const text = cell.textContent.trim();
      const column = columns[i] || (columns[i] = { short: true, length: 0, word: 0, cells: [] });
      column.short = column.short && text.length <= SHORT_CELL;
      column.length = Math.max(column.length, text.length);
      column.word = Math.max(column.word, ...text.split(/\s+/).map((w) => w.length));
      column.cells.push(cell);
    });
  }
  const short = columns.filter((c) => c && c.short);
  const total = short.reduce((sum, c) => sum + c.length, 0);
  const words = short.reduce((sum, c) => sum + c.word, 0);
  if (total <= 48) short.forEach((c) => c.cells.forEach((cell) => cell.classList.add("short")));
  if (total <= 20) table.classList.add("fits-phone");
  if (words <= 30) table.classList.add("words-phone");
}

// In-document links (contents, "see O1") scroll to their target and move the focus there,
// without changing the page's address.
function followLink(event) {
  const link = event.target.closest && event.target.closest("a[href^='#doc-']");
  if (!link) return;
  const target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
  if (!target) return;
  event.preventDefault();
  const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  target.scrollIntoView({ behavior: smooth ? "smooth" : "auto", block: "start" });
  target.focus({ preventScroll: true });
}

function Contents({ doc, changed }) {
  const groups = [];
  for (const entry of doc.toc) {
    if (entry.level <= 2 || groups.length === 0) groups.push({ ...entry, children: [] });
    else groups[groups.length - 1].children.push(entry);
  }
  const link = (entry) => html`<a href=${`#doc-${entry.id}`}>${entry.name}</a>
    ${changed.has(entry.id) && html` <span class="badge changed-badge">✎ ${t("changed_since", { n: doc.previous_version })}</span>`}`;
  return html`<nav class="doc-toc" aria-labelledby="doc-toc-title">
    <h3 id="doc-toc-title" tabindex="-1">${t("contents")}</h3>
    <ul class="toc-parts">${groups.map((group) => html`<li key=${group.id}>${link(group)}
      ${group.children.length > 0 && html`<ul>${group.children.map((child) => html`<li key=${child.id}>${link(child)}</li>`)}</ul>`}
    </li>`)}</ul>
  </nav>`;
}

function Changes({ part, since }) {
  return html`<div class="doc-changes">
    <p class="change-label"><span aria-hidden="true">✎</span> ${t("changed_since", { n: since })}</p>
    ${part.changes.length > 0 && html`<details open>
      <summary>${t("what_changed")}</summary>
      <ul class="change-list">${part.changes.map((change, i) => html`<li key=${i} class=${`change-${change.kind}`}>
        <span class="change-kind"><span aria-hidden="true">${change.kind === "added" ? "+" : "−"}</span> ${t(`change_${change.kind}`)}:</span>
        ${" "}<span class="change-text">${change.text}</span></li>`)}</ul>
    </details>`}
  </div>`;
}

function Part({ part, since }) {
  const fit = fitPart(part.html);
  const headingId = part.id ? `doc-${part.id}` : null;
  return html`<section class=${`doc-part ${part.changed ? "changed" : ""}`} aria-labelledby=${headingId}>
    <div class="doc-heading" dangerouslySetInnerHTML=${{ __html: fit.heading }}></div>
    ${part.changed && since && html`<${Changes} part=${part} since=${since} />`}
    <div class="doc-html" dangerouslySetInnerHTML=${{ __html: fit.body }}></div>
    <p class="doc-top"><a href="#doc-toc-title"><span aria-hidden="true">↑</span> ${t("back_to_contents")}</a></p>
  </section>`;
}

export function SlaDocument({ info, present }) {
  const { doc, loading, error } = info || {};
  if (!doc) {
    return html`<section class=${`card sla-document ${present ? "present-doc" : ""}`} aria-labelledby="doc-title" aria-busy=${!error}>
      <h2 id="doc-title">${t("document_title")}</h2>
      ${error ? html`<p class="error" role="alert">${t("document_error", { error })}</p>`
        : html`<p class="muted" role="status">${t("document_loading")}</p>`}
    </section>`;
  }
  const since = doc.previous_version;
  const changedParts = doc.parts.filter((p) => p.changed);
  const changed = new Set(changedParts.map((p) => p.id));
  return html`<section class=${`card sla-document ${present ? "present-doc" : ""}`} aria-labelledby="doc-title"
      aria-busy=${loading} onClick=${followLink}>
    <header class="doc-head">
      <h2 id="doc-title">${t("document_title")}</h2>
      <p class="doc-meta">
        <span class=${`badge doc-status status-${doc.status}`}>${doc.status_text}</span>
        <span>${t("document_version", { n: doc.version })}</span>
        ${loading && html`<span class="doc-updating" aria-hidden="true">${t("document_updating")}</span>`}
      </p>
      ${doc.document_hash
        ? html`<p class="hash"><span class="muted">SHA-256</span> <code>${doc.document_hash}</code></p>`
        : html`<p class="hash muted">${t("hash_pending")}</p>`}
      ${error && html`<p class="error" role="status">${t("document_error", { error })}</p>`}
      ${(doc.status !== "open" || since) && html`<p class="doc-links row"><a href=${`/w/${page.code}/versions`}>${t("version_history")}</a>
        ${doc.status === "signed" && page.view === "console" && html`<button class="button small secondary" type="button"
          onClick=${() => window.confirm(t("amend_confirm", { n: doc.version })) && send("start_amendment")}>${t("start_amendment")}</button>`}</p>`}
      ${since && (changedParts.length > 0
        ? html`<div class="changed-summary"><p><strong><span aria-hidden="true">✎</span> ${t("changed_parts", { n: since })}</strong></p>
            <ul>${changedParts.map((p) => html`<li key=${p.id}><a href=${`#doc-${p.id}`}>${p.title}</a></li>`)}</ul></div>`
        : html`<p class="muted">${t("nothing_changed", { n: since })}</p>`)}
    </header>
    <div class="doc-layout">
      <${Contents} doc=${doc} changed=${changed} />
      <div class="doc-body">${doc.parts.map((part) => html`<${Part} key=${part.id || part.title} part=${part} since=${since} />`)}</div>
    </div>
  </section>`;
}

// The stage of a section, for the "go to" buttons of the readiness check.
function stageOf(section) {
  return Object.keys(S.sections_by_stage).find((stage) => S.sections_by_stage[stage].includes(section));
}

// After going to an item's stage, bring its card into view and focus it once it is rendered.
function focusItem(id, tries = 90) {
  const card = document.getElementById(`item-${id}`);
  if (card) {
    card.scrollIntoView({ block: "center" });
    card.focus({ preventScroll: true });
  } else if (tries > 0) {
    requestAnimationFrame(() => focusItem(id, tries - 1));
  }
}

export function OpenPoints({ points }) {
  const go = async (point) => {
    const ack = await send("goto_stage", { stage: stageOf(point.section) });
    // Focus the card of the new stage's view, not the one the old view still shows.
    if (ack.ok && point.item_id) afterState(ack.version, () => focusItem(point.item_id));
  };
  return html`<ol class="open-points">${points.map((point, i) => {
    const stage = point.section && stageOf(point.section);
    const id = `open-point-${i}`;
    return html`<li key=${`${point.kind}-${point.item_id || point.section || i}-${i}`}>
      <span class=${`dept dept-${point.owner}`}>${label("owner")}: ${label(point.owner)}</span>
      <span class="open-point-text" id=${id}>${point.message}</span>
      ${stage && html`<button type="button" class="button tiny secondary" aria-describedby=${id}
        onClick=${() => go(point)}>${t("go_to_stage", { stage: S.stages[stage].title })} <span aria-hidden="true">→</span></button>`}
    </li>`;
  })}</ol>`;
}

// A few open points show in full; a long list (80 for an untouched draft) scrolls in its box.
const POINTS_IN_FULL = 8;

function pointsBox(points) {
  return `open-points-scroll${points.length > POINTS_IN_FULL ? " long" : ""}`;
}

function pointsCount(n) {
  return n === 1 ? t("open_point_one") : t("open_points_n", { n });
}

// The readiness check and the Finalize button (facilitator, document open). With open
// points, Finalize opens a form that asks why; the reason goes into the document.
export function Readiness({ state }) {
  const points = (state.readiness && state.readiness.open_points) || [];
  const [asking, setAsking] = useState(false);
  const [ackPoints, setAckPoints] = useState([]);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);
  const reasonField = useRef(null);
  const shown = points.length > 0 ? points : ackPoints;
  const formOpen = asking && shown.length > 0;
  useEffect(() => { if (formOpen && reasonField.current) reasonField.current.focus(); }, [formOpen]);

  const finalize = async (payload) => {
    if (inFlight.current) return; // a double click sends one command
    inFlight.current = true;
    setBusy(true);
    const ack = await send("finalize", payload);
    inFlight.current = false;
    setBusy(false);
    if (ack.ok) {
      setAsking(false);
      setReason("");
      if (state.stage !== "signoff") send("goto_stage", { stage: "signoff" });
    } else if (ack.code === "conflict" && Array.isArray(ack.open_points) && ack.open_points.length) {
      setAckPoints(ack.open_points);
      setAsking(true);
    }
  };
  const start = () => (shown.length > 0 ? setAsking(true) : finalize({}));
  const confirm = (e) => {
    e.preventDefault();
    if (reason.trim()) finalize({ reason: reason.trim() });
    else if (reasonField.current) reasonField.current.focus();
  };

  return html`<section class="card readiness" aria-labelledby="readiness-title">
    <h2 id="readiness-title">${t("readiness")}</h2>
    ${state.signoff.amendment && html`<${Amendment} amendment=${state.signoff.amendment} />`}
    <p class=${`readiness-count ${shown.length ? "warning" : "ok"}`} role="status" aria-live="polite">
      ${shown.length ? html`<span aria-hidden="true">⚠</span> ${pointsCount(shown.length)}` : html`<span aria-hidden="true">✔</span> ${t("no_open_points")}`}</p>
    ${shown.length > 0 && !formOpen && html`<p class="muted">${t("open_points_hint")}</p>
      <div class=${pointsBox(shown)} role="region" aria-label=${t("open_points_list")}><${OpenPoints} points=${shown} /></div>`}
    ${formOpen
      ? html`<form class="finalize-form stack" id="finalize-form" aria-labelledby="finalize-form-title" onSubmit=${confirm}>
          <h3 id="finalize-form-title">${t("finalize_with_points")}</h3>
          <p>${t("open_points_hint")}</p>
          <div class=${pointsBox(shown)} role="region" aria-label=${t("open_points_list")}><${OpenPoints} points=${shown} /></div>
          <div class="field">
            <label>${t("finalize_reason")}
              <textarea rows="3" maxlength=${S.limits.finalize_reason} required ref=${reasonField} value=${reason} aria-describedby="finalize-reason-hint"
                onInput=${(e) => setReason(e.target.value)}></textarea>
            </label>
            <p class="muted field-hint" id="finalize-reason-hint">${t("finalize_reason_hint")}</p>
          </div>
          <div class="row">
            <button class="button primary" type="submit" disabled=${busy} aria-busy=${busy}>
              ${busy ? t("finalizing") : t("finalize_confirm")}</button>
            <button class="button secondary" type="button" disabled=${busy} onClick=${() => setAsking(false)}>${t("cancel")}</button>
          </div>
        </form>`
      : html`<div class="row">
          <button class="button primary" type="button" disabled=${busy} aria-busy=${busy}
            aria-expanded=${shown.length > 0 ? "false" : null} onClick=${start}>${busy ? t("finalizing") : t("finalize")}</button>
        </div>
        <p class="muted">${t("finalize_hint")}${state.stage !== "signoff" ? ` ${t("finalize_moves_on", { stage: S.stages.signoff.title })}` : ""}</p>`}
  </section>`;
}

// An amendment of a signed version: what changed so far, item by item (the new version's
// "Changes since version N" lists the same when it is finalized).
function Amendment({ amendment }) {
  const n = amendment.since_version;
  const changes = amendment.changes || [];
  return html`<div class="amendment">
    <p><strong>${t("amending", { n })}</strong></p>
    ${changes.length === 0 ? html`<p class="muted">${t("no_amendment_changes", { n })}</p>`
      : html`<ul class="amendment-changes">${changes.map((c) => html`<li key=${`${c.kind}-${c.item_id || c.field}`}>
          <span class="badge">${t(`amend_${c.kind}`)}</span> ${c.kind === "field" ? label(c.field) : html`<bdi>${c.text}</bdi>`}</li>`)}</ul>`}
  </div>`;
}

export function showsDocument(state) {
  return DOCUMENT_STAGES.includes(state.stage);
}

export function canFinalize(state) {
  return isFacilitator(state) && state.signoff.status === "open";
}
