// One panel per stage, each rendered from the `state` snapshot.
import { html, useState, useRef, useEffect, S, t, label, send, page, itemsOf, isFacilitator, fingerprint, tn, pictureParams } from "./lib.js";
import { ItemSection, FieldsForm, ItemCard, AgendaPlan, formatMoment } from "./components.js";
import { SlaDocument, Readiness, canFinalize } from "./document.js";

function Lobby({ state }) {
  const me = state.participants.find((p) => p.id === state.you.id);
  const ready = state.participants.filter((p) => p.ready).length;
  return html`<div class="lobby">
    ${isFacilitator(state) && html`<${JoinInfo} state=${state} />`}
    ${state.participants.length === 0 && html`<p class="muted">${t("no_delegates")}</p>`}
    <p class="big-count">${t("group_ready", { n: ready, total: state.participants.length })}</p>
    ${me && html`<button class=${`button ${me.ready ? "secondary" : "primary"}`} aria-pressed=${me.ready}
        onClick=${() => send("set_ready", { ready: !me.ready })}>${me.ready ? t("not_ready_button") : html`<span aria-hidden="true">✓</span> ${t("i_am_ready")}`}</button>
      <p class="muted">${t("waiting_room")}</p>`}
    <${AgendaPlan} state=${state} />
  </div>`;
}

export function JoinInfo({ state, large }) {
  const copy = async (e) => {
    try { await navigator.clipboard.writeText(page.joinUrl); e.target.textContent = t("copied"); } catch (err) { /* no clipboard */ }
  };
  return html`<section class=${`card join-info ${large ? "large" : ""}`} aria-label=${t("join_code")}>
    <div>
      <p class="eyebrow">${t("join_code")}</p>
      <p class="join-code mono">${state.code.slice(0, 5)}-${state.code.slice(5)}</p>
      <p class="eyebrow">${t("join_link")}</p>
      <p class="join-link"><a href=${page.joinUrl}>${page.joinUrl}</a>
        ${!large && html` <button class="button tiny secondary" onClick=${copy}>${t("copy")}</button>`}</p>
    </div>
    <img class="qr" src=${page.qrUrl} alt=${t("qr_alt")} width="180" height="180" />
  </section>`;
}

// The picture's URL carries a fingerprint of everything it draws and the reader's language:
// any edit (even one of the same length) or a language switch is a new URL, never a stale
// picture from the cache.
export function diagramSrc(state, kind, extra = "") {
  const content = state.items.filter((i) => i.section === kind)
    .map((i) => [i.id, i.text, i.details, i.status, i.dots, i.position, i.from_draft]);
  const language = state.you.language;
  return `/w/${page.code}/${kind}.svg?k=${fingerprint([content, language])}&lang=${language}${extra}${pictureParams()}`;
}

// The journey map keeps readable text at laptop width: at most as many phase columns side
// by side as fit the figure (about 216 px each), the rest in bands below.
function Diagram({ state, kind, alt }) {
  const figure = useRef(null);
  const [cols, setCols] = useState(0);
  useEffect(() => {
    if (kind !== "journey" || !figure.current) return undefined;
    const measure = () => setCols(Math.max(1, Math.floor(figure.current.clientWidth / 216)));
    measure();
    window.addEventListener("resize", measure);
    return () => window.removeEventListener("resize", measure);
  }, [kind]);
  if (kind === "journey" && !cols) return html`<figure class="diagram" ref=${figure}></figure>`;
  const src = diagramSrc(state, kind, kind === "journey" ? `&cols=${cols}` : "");
  return html`<figure class=${`diagram diagram-${kind}`} ref=${figure}><img src=${src} alt=${alt} />
    <figcaption><a href=${src} target="_blank" rel="noopener">${t("full_size")}</a></figcaption>
  </figure>`;
}

function Funnel({ state }) {
  return html`<${Diagram} state=${state} kind="funnel" alt=${t("funnel_diagram")} />
    <${FieldsForm} state=${state} section="funnel" />
    <${ItemSection} state=${state} section="funnel" />`;
}

// Dots count from what this person asked for last, not from the last snapshot: fast clicks
// on "+" each add a dot (the snapshot of the first may not have arrived yet).
const wantedDots = new Map();

const dotQueues = new Map(); // one command at a time per item, in click order

function Dots({ state, item }) {
  const [, redraw] = useState(0);
  if (item.details.kind === "phase" || state.you.role !== "participant") return null;
  const stored = state.you.dots_by_item[String(item.id)] || 0;
  const pending = wantedDots.get(item.id);
  // The wish stands until a snapshot shows it (the ack may come before the snapshot), or
  // for three seconds after its ack if another tab changed the dots meanwhile.
  if (pending && pending.acked && (stored === pending.count || Date.now() - pending.acked > 3000)) {
    wantedDots.delete(item.id);
  }
  const current = () => (wantedDots.has(item.id) ? wantedDots.get(item.id).count : stored);
  const mine = current();
  const total = (state.fields.journey || {}).dots_per_delegate ?? S.default_dots;
  const others = Object.entries(state.you.dots_by_item)
    .filter(([id]) => Number(id) !== item.id).reduce((a, [, n]) => a + n, 0);
  const used = others + mine;
  const place = async (step) => {
    const count = current() + step;
    if (count < 0 || others + count > total) return;
    const ticket = { count };
    wantedDots.set(item.id, ticket);
    redraw((n) => n + 1);
    const queued = (dotQueues.get(item.id) || Promise.resolve())
      .then(() => send("place_dots", { item_id: item.id, count }));
    dotQueues.set(item.id, queued);
    const ack = await queued;
    if (wantedDots.get(item.id) === ticket) {
      if (ack.ok) ticket.acked = Date.now();
      else wantedDots.delete(item.id);
    }
    redraw((n) => n + 1);
  };
  return html`<div class="dots-control" role="group" aria-label=${tn("dots", mine)}>
    <button class="button tiny secondary" disabled=${mine === 0} aria-label=${t("remove_dot")}
      onClick=${() => place(-1)}>−</button>
    <span class="my-dots" aria-live="polite">${"●".repeat(mine)}${"○".repeat(Math.max(0, total - used))} ${t("dots_left", { n: total - used, total })}</span>
    <button class="button tiny secondary" disabled=${used >= total} aria-label=${t("add_dot")}
      onClick=${() => place(1)}>+</button>
  </div>`;
}

function Journey({ state }) {
  const phases = itemsOf(state, "journey").filter((i) => i.details.kind === "phase");
  const phaseNames = phases.map((p) => p.text);
  return html`<${Diagram} state=${state} kind="journey" alt=${t("journey_map")} />
    ${isFacilitator(state) && html`<${FieldsForm} state=${state} section="journey" />`}
    <${ItemSection} state=${state} section="journey" phases=${phaseNames}
      proposeDefaults=${{ kind: "gap" }} extra=${(item) => html`<${Dots} state=${state} item=${item} />`} />`;
}

export function ReverseFunnel({ state }) {
  const tg = state.targets;
  const currency = (state.fields.targets || {}).currency || "EUR";
  const money = (n) => new Intl.NumberFormat(state.you.language, { style: "currency", currency, maximumFractionDigits: 0 }).format(n);
  return html`<section class="card reverse-funnel" aria-labelledby="rf-heading" aria-live="polite">
      <h3 id="rf-heading">${t("reverse_funnel")}</h3>
      ${tg.reverse_funnel.length === 0 ? html`<p class="muted">${t("reverse_funnel_empty")}</p>` : html`
      <p>${t("monthly_revenue")}: <strong>${money(tg.monthly_revenue)}</strong></p>
      <table class="data"><thead><tr><th scope="col">${label("stage")}</th><th scope="col" class="num">${t("per_month")}</th></tr></thead>
        <tbody>${tg.reverse_funnel.map((row) => html`<tr key=${row.stage}><th scope="row">${row.stage}</th><td class="num">${row.per_month.toLocaleString(state.you.language)}</td></tr>`)}</tbody>
      </table>`}
      <p>${t("capacity")}: <strong>${tg.capacity_per_month.toLocaleString(state.you.language)}</strong></p>
      ${tg.capacity_gap > 0
        ? html`<p class="warning" role="alert">⚠ ${t("capacity_warning", { mql: tg.mql_per_month, capacity: tg.capacity_per_month, gap: tg.capacity_gap })}</p>`
        : tg.capacity_gap === 0 && html`<p class="ok">✔ ${t("capacity_ok", { mql: tg.mql_per_month, capacity: tg.capacity_per_month })}</p>`}
    </section>`;
}

function Targets({ state }) {
  return html`<div class="targets-grid">
    <${FieldsForm} state=${state} section="targets" />
    <${ReverseFunnel} state=${state} />
  </div>
  <${ItemSection} state=${state} section="targets" />`;
}

function Sections({ state, sections }) {
  return sections.map((s) => html`<${ItemSection} key=${s} state=${state} section=${s} />`);
}

export function ReviewSummary({ state }) {
  const sections = Object.keys(S.sections);
  // A table wider than a phone scrolls in its own box: words in its headings stay whole.
  return html`<div class="table-scroll" role="region" tabindex="0" aria-label=${t("review_table")}><table class="data"><thead><tr><th scope="col">${t("section")}</th><th scope="col" class="num">${t("agreed_items")}</th>
      <th scope="col" class="num">${t("open_items")}</th><th scope="col" class="num">${t("rejected_items")}</th></tr></thead>
      <tbody>${sections.map((s) => {
        const items = itemsOf(state, s);
        const count = (fn) => items.filter(fn).length;
        return html`<tr key=${s}><th scope="row">${S.sections[s]}</th>
          <td class="num">${count((i) => i.status === "agreed")}</td>
          <td class="num">${count((i) => i.status === "open" || i.status === "revealed")}</td>
          <td class="num">${count((i) => i.status === "rejected")}</td></tr>`;
      })}</tbody></table></div>`;
}

// Agreed, still open and rejected over all sections: one line for the projector.
export function ReviewTotals({ state }) {
  const count = (fn) => state.items.filter(fn).length;
  return html`<p class="big-count review-totals">
    <span>${t("agreed_items")}: ${count((i) => i.status === "agreed")}</span>
    <span>${t("open_items")}: ${count((i) => i.status === "open" || i.status === "revealed")}</span>
    <span>${t("rejected_items")}: ${count((i) => i.status === "rejected")}</span></p>`;
}

// Ready for sign-off only when every item is decided and the readiness check finds no open
// point; with open points left everyone reads that the items are decided but the document
// is not, and who settles it.
function ReviewStatus({ state, open }) {
  const points = ((state.readiness && state.readiness.open_points) || []).length;
  if (open.length) return html`<p class="warning" role="status">⚠ ${tn("review_open", open.length)}</p>`;
  if (!points) return html`<p class="ok" role="status">✔ ${t("review_ready")}</p>`;
  return html`<p class="ok" role="status">✔ ${t("review_items_decided")}</p>
    <p class="warning review-open-points" role="status">⚠ ${tn("review_open_points", points)}</p>`;
}

function Review({ state, doc }) {
  const open = state.items.filter((i) => i.status === "open" || i.status === "revealed");
  return html`<div class="review">
    <${ReviewStatus} state=${state} open=${open} />
    ${canFinalize(state) && html`<${Readiness} state=${state} />`}
    <div class="card"><${ReviewSummary} state=${state} /></div>
    <${SlaDocument} info=${doc} />
    ${open.length > 0 && html`<h2>${t("open_items")}</h2>
      <div class="items">${open.map((item) => html`<${ItemCard} key=${item.id} state=${state} item=${item} />`)}</div>`}
    <${ExportButtons} state=${state} />
  </div>`;
}

// Downloads go through fetch so the page can show that the PDF is being rendered.
async function download(url, setBusy) {
  setBusy(true);
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new Error((await response.json()).error || response.statusText);
    const name = (response.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = name ? name[1] : url.split("/").pop();
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  } catch (err) {
    window.alert(`${t("error")}: ${err.message}`);
  } finally {
    setBusy(false);
  }
}

export function ExportButtons({ state }) {
  const [busy, setBusy] = useState(false);
  const base = `/api/workshops/${state.code}`;
  return html`<div class="row exports">
    <button class="button secondary" onClick=${() => download(`${base}/export.md`, () => {})}>${t("export_md")}</button>
    <button class="button secondary" disabled=${busy} aria-busy=${busy}
      onClick=${() => download(`${base}/export.pdf`, setBusy)}>${busy ? t("exporting") : t("export_pdf")}</button>
    ${busy && html`<span class="spinner" role="status">${t("exporting")}</span>`}
  </div>`;
}

// Delegates sign what they read: the Sign button comes after the document and signs the hash
// of the document on screen, only once that is the finalized version.
function SignCard({ state, doc }) {
  const so = state.signoff;
  const [busy, setBusy] = useState(false);
  const signing = useRef(false); // set at once: a double click's second click sees it
  const shown = doc && doc.doc;
  const ready = shown && shown.status !== "open" && shown.document_hash === so.document_hash;
  const sign = async () => {
    if (signing.current || !ready) return;
    signing.current = true;
    setBusy(true);
    const ack = await send("sign", { document_hash: shown.document_hash });
    if (!ack.ok) signing.current = false; // signed: the card goes once the snapshot arrives
    setBusy(false);
  };
  return html`<section class="card sign-card" id="sign-card" aria-labelledby="sign-title">
    <h2 id="sign-title" tabindex="-1">${t("sign_heading")}</h2>
    ${ready
      ? html`<p>${t("sign_exact", { n: shown.version })}</p>
        <p class="hash"><code>${shown.document_hash}</code></p>`
      : html`<p class="muted" role="status">${t("sign_loading")}</p>`}
    <button class="button primary" disabled=${!ready || busy} aria-busy=${busy} onClick=${sign}>
      <span aria-hidden="true">✍</span> ${busy ? t("signing") : t("sign")}</button>
  </section>`;
}

function jumpToSign(event) {
  event.preventDefault();
  const target = document.getElementById("sign-title");
  if (target) { target.scrollIntoView({ block: "start" }); target.focus({ preventScroll: true }); }
}

function Signoff({ state, doc }) {
  const so = state.signoff;
  const facilitator = isFacilitator(state);
  const mine = so.signatures.find((s) => s.participant_id === state.you.id);
  const toSign = !facilitator && so.status === "finalized" && !mine;
  const signedIds = new Set(so.signatures.map((s) => s.participant_id));
  return html`<div class="signoff">
    <section class="card">
      <p class=${`signoff-status status-${so.status}`}><strong>${t(`signoff_${so.status}`)}</strong>
        ${" · "}${t("document_version", { n: so.version })}</p>
      ${so.document_hash && !toSign && html`<p class="hash"><span class="muted">SHA-256</span> <code>${so.document_hash}</code></p>`}
      ${facilitator && so.status !== "open" && html`
        <button class="button danger" onClick=${() => window.confirm(t("reopen_confirm")) && send("reopen")}>${t("reopen")}</button>`}
      ${so.status === "open" && so.version > 1 && html`<p class="reopened-note" role="status">${t("reopened_note", { n: so.version - 1, next: so.version })}</p>`}
      ${toSign && html`<p>${t("sign_hint")} <a href="#sign-card" onClick=${jumpToSign}>${t("jump_to_sign")}</a></p>`}
      ${mine && html`<p class="ok">✔ ${t("you_signed", { at: formatMoment(mine.signed_at, state) })}</p>`}
      ${so.status === "signed" && html`<p class="ok">✔ ${t("all_signed")}</p>`}
    </section>
    ${canFinalize(state) && html`<${Readiness} state=${state} />`}
    <${SlaDocument} info=${doc} />
    ${toSign && html`<${SignCard} state=${state} doc=${doc} />`}
    <section class="card">
      <h2>${t("signatures")}</h2>
      <ul class="signature-list">${state.participants.map((p) => html`<li key=${p.id}>
        ${signedIds.has(p.id) ? "✔" : "○"} <bdi>${p.name}</bdi> <span class=${`dept dept-${p.department}`}>${label(p.department)}</span>
        <span class="muted">${signedIds.has(p.id) ? t("signed") : t("not_signed")}</span></li>`)}</ul>
    </section>
    <${ExportButtons} state=${state} />
  </div>`;
}

export const PANELS = {
  lobby: Lobby,
  funnel: Funnel,
  journey: Journey,
  goals: ({ state }) => html`<${FieldsForm} state=${state} section="goals" /><${Sections} state=${state} sections=${S.sections_by_stage.goals} />`,
  targets: Targets,
  definitions: ({ state }) => html`<${Sections} state=${state} sections=${S.sections_by_stage.definitions} />`,
  process: ({ state }) => html`<${FieldsForm} state=${state} section="process" /><${Sections} state=${state} sections=${S.sections_by_stage.process} />`,
  kpis: ({ state }) => html`<${Sections} state=${state} sections=${S.sections_by_stage.kpis} />`,
  governance: ({ state }) => html`<${FieldsForm} state=${state} section="governance" /><${Sections} state=${state} sections=${S.sections_by_stage.governance} />`,
  review: Review,
  signoff: Signoff,
};
