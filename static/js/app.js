// The page script: connect, receive each `state` snapshot, render the view for this person.
import { html, render, useState, useEffect, S, t, tn, label, root, page, connect, withPresence, onState, onError, send, itemsOf } from "./lib.js";
import { Agenda, StageHeader, People, Timer, TimerControls, ItemCard, StatusBadge, FieldsForm, SecondScreen, WorkshopClock,
  Spotlight, SectionProgress } from "./components.js";
import { PANELS, JoinInfo, ReverseFunnel, ReviewTotals, diagramSrc } from "./stages.js";
import { SlaDocument, useDocument, showsDocument } from "./document.js";

const statusEl = document.getElementById("connection");
const statusListeners = new Set();

function setStatus(status) {
  statusListeners.forEach((fn) => fn(status));
  if (!statusEl) return;
  statusEl.textContent = status === "online" ? t("online") : status === "removed" ? t("removed") : t("offline");
  statusEl.className = `pill status-${status}`;
}

function Toasts() {
  const [messages, setMessages] = useState([]);
  useEffect(() => onError((ack) => {
    const id = Math.random();
    setMessages((m) => [...m, { id, text: ack.error }]);
    setTimeout(() => setMessages((m) => m.filter((x) => x.id !== id)), 6000);
  }), []);
  return html`<div class="toasts" role="alert" aria-live="assertive">
    ${messages.map((m) => html`<p key=${m.id} class="toast">⚠ ${m.text}</p>`)}</div>`;
}

function LanguageSwitch({ state }) {
  const change = async (e) => {
    const ack = await send("set_language", { language: e.target.value });
    if (ack.ok) window.location.reload();
  };
  return html`<label class="lang-inline">${t("language")}
    <select value=${state.you.language} onChange=${change}>
      <option value="en">English</option><option value="nl">Nederlands</option>
    </select></label>`;
}

// The projector: large type, the stage, the timer, the picture of the stage, revealed
// results in full and every other item of the stage as one line with its status.
function PresentItems({ state, viewer }) {
  const review = state.stage === "review";
  const sections = review ? S.section_order : S.sections_by_stage[state.stage] || [];
  const items = sections.flatMap((s) => itemsOf(state, s));
  const revealed = items.filter((i) => i.status === "revealed" && i.tally);
  // At review the document below lists what is still open; only revealed results show here.
  const listed = (section) => (review ? [] : itemsOf(state, section).filter((i) =>
    i.status !== "revealed" && !(i.section === "journey" && i.details.kind === "phase")));
  return html`
    ${revealed.length > 0 && html`<div class="items present-items">${revealed.map((item) => html`<${ItemCard} key=${item.id}
      state=${viewer} item=${item} />`)}</div>`}
    ${sections.filter((s) => listed(s).length > 0).map((section) => html`<section key=${section} class="present-section"
        aria-labelledby=${`present-${section}`}>
      <h2 id=${`present-${section}`}>${S.sections[section]}</h2>
      <ul class="present-list">${listed(section).map((item) => html`<li key=${item.id} class=${`status-${item.status}`}>
        <${StatusBadge} status=${item.status} />
        <span class="present-item-text">${item.text}</span>
        ${item.status === "open" && html`<span class="present-votes">${t("votes_cast", { n: item.votes_cast, total: state.participants.length })}</span>`}
        ${item.dots > 0 && html`<span class="badge dots-badge">● ${tn("dots", item.dots)}</span>`}
      </li>`)}</ul>
    </section>`)}`;
}

function Present({ state, doc }) {
  const viewer = { ...state, you: { ...state.you, role: "viewer" } };
  const spotlit = state.spotlight && state.items.find((i) => i.id === state.spotlight);
  const sections = S.sections_by_stage[state.stage] || [];
  if (spotlit) {
    return html`<div class="present present-spotlight">
      <header class="present-head"><${Agenda} state=${viewer} /><${Timer} state=${state} large=${true} /></header>
      <${Spotlight} state=${state} item=${spotlit} />
    </div>`;
  }
  const ready = state.participants.filter((p) => p.ready).length;
  const signed = new Set(state.signoff.signatures.map((s) => s.participant_id));
  return html`<div class="present">
    <header class="present-head">
      <${Agenda} state=${viewer} />
      <${Timer} state=${state} large=${true} />
    </header>
    <h1>${S.stages[state.stage].title}</h1>
    <p class="lead">${S.stages[state.stage].text}</p>
    <${SectionProgress} state=${state} sections=${sections} />
    ${state.stage === "lobby" && html`<${JoinInfo} state=${state} large=${true} />
      <p class="big-count">${t("group_ready", { n: ready, total: state.participants.length })}</p>`}
    ${state.stage === "funnel" && html`<figure class="diagram"><img src=${diagramSrc(state, "funnel")} alt=${t("funnel_diagram")} /></figure>`}
    ${state.stage === "journey" && html`<figure class="diagram"><img src=${diagramSrc(state, "journey")} alt=${t("journey_map")} /></figure>`}
    ${state.stage === "targets" && html`<div class="targets-grid"><${FieldsForm} state=${viewer} section="targets" /><${ReverseFunnel} state=${viewer} /></div>`}
    ${S.projector_fields.includes(state.stage) && html`<div class="present-captured"><${FieldsForm} state=${viewer} section=${state.stage} /></div>`}
    ${state.stage === "review" && html`<${ReviewTotals} state=${state} />`}
    ${state.stage === "signoff" && html`<section class="card">
      <p class="signoff-status"><strong>${t(`signoff_${state.signoff.status}`)}</strong></p>
      <ul class="present-list">${state.participants.map((p) => html`<li key=${p.id} class=${signed.has(p.id) ? "status-agreed" : "status-open"}>
        <span aria-hidden="true">${signed.has(p.id) ? "✔" : "○"}</span>
        <span class="present-item-text"><bdi>${p.name}</bdi></span>
        <span class=${`dept dept-${p.department}`}>${label(p.department)}</span>
        <span>${signed.has(p.id) ? t("signed") : t("not_signed")}</span></li>`)}</ul>
    </section>`}
    <${PresentItems} state=${state} viewer=${viewer} />
    ${showsDocument(state) && !page.viewToken && html`<${SlaDocument} info=${doc} present=${true} />`}
  </div>`;
}

// Removed by the facilitator: the whole page says so, nothing stays clickable.
function Removed() {
  useEffect(() => { const h = document.getElementById("removed-title"); if (h) h.focus(); }, []);
  return html`<section class="card narrow removed-page" role="alert" aria-labelledby="removed-title">
    <h1 id="removed-title" tabindex="-1">${t("removed_title")}</h1>
    <p>${t("removed")}</p>
    <p>${t("removed_hint")}</p>
  </section>`;
}

function App() {
  const [state, setState] = useState(null);
  const [removed, setRemoved] = useState(false);
  useEffect(() => {
    statusListeners.add((status) => { if (status === "removed") setRemoved(true); });
    onState((next) => setState((prev) => (!prev || next.version >= prev.version ? next : prev)));
    // Who is online arrives as a small `presence` event, not a new snapshot (protocol.md).
    connect(setStatus).on("presence", (p) => setState((prev) => prev && withPresence(prev, p)));
  }, []);
  const stage = state && state.stage;
  // Fetched here, above the panels, so going from review to sign-off keeps the document.
  const doc = useDocument(state, Boolean(state && showsDocument(state) && !page.viewToken));
  useEffect(() => {
    const heading = document.getElementById("stage-title");
    if (heading && document.activeElement === document.body) heading.focus({ preventScroll: true });
  }, [stage]);
  if (removed) return html`<${Removed} />`;
  if (!state) return html`<p class="muted">${t("connecting")}</p>`;
  if (page.view === "present") return html`<${Present} state=${state} doc=${doc} />`;
  const Panel = PANELS[state.stage];
  const facilitator = state.you.role === "facilitator";
  return html`<div class=${`layout ${facilitator ? "is-facilitator" : "is-delegate"}`}>
    <${Toasts} />
    <aside class="sidebar-left"><${Agenda} state=${state} /><${WorkshopClock} state=${state} /><${LanguageSwitch} state=${state} /></aside>
    <section class="stage-panel" aria-labelledby="stage-title">
      <${StageHeader} state=${state}><${Timer} state=${state} /></${StageHeader}>
      <${Panel} state=${state} doc=${doc} />
    </section>
    <aside class="sidebar-right">
      <${People} state=${state} />
      ${facilitator && html`<${TimerControls} state=${state} />`}
      ${facilitator && html`<${SecondScreen} state=${state} />`}
    </aside>
  </div>`;
}

root.replaceChildren();
render(html`<${App} />`, root);
