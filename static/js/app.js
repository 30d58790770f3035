// The page script: connect, receive each `state` snapshot, render the view for this person.
import { html, render, useState, useEffect, S, t, root, page, connect, onState, onError, send, itemsOf } from "./lib.js";
import { Agenda, StageHeader, People, Timer, TimerControls, ItemCard } from "./components.js";
import { PANELS, JoinInfo } from "./stages.js";

const statusEl = document.getElementById("connection");

function setStatus(status) {
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

function Present({ state }) {
  const revealed = state.items.filter((i) => i.tally && (i.status === "revealed"));
  const Panel = PANELS[state.stage];
  return html`<div class="present">
    <header class="present-head">
      <${Agenda} state=${{ ...state, you: { ...state.you, role: "viewer" } }} />
      <${Timer} state=${state} large=${true} />
    </header>
    <h1>${S.stages[state.stage].title}</h1>
    <p class="lead">${S.stages[state.stage].text}</p>
    ${state.stage === "lobby" && html`<${JoinInfo} state=${state} large=${true} />`}
    ${state.stage === "funnel" && html`<figure class="diagram"><img src=${`/w/${page.code}/funnel.svg?v=${state.version}`} alt=${t("funnel_diagram")} /></figure>`}
    ${state.stage === "journey" && html`<figure class="diagram"><img src=${`/w/${page.code}/journey.svg?v=${state.version}`} alt=${t("journey_map")} /></figure>`}
    ${state.stage === "targets" && html`<${Panel} state=${{ ...state, you: { ...state.you, role: "viewer" } }} />`}
    <div class="items present-items">${revealed.map((item) => html`<${ItemCard} key=${item.id}
      state=${{ ...state, you: { ...state.you, role: "viewer" } }} item=${item} />`)}</div>
  </div>`;
}

function App() {
  const [state, setState] = useState(null);
  useEffect(() => {
    onState((next) => setState((prev) => (!prev || next.version >= prev.version ? next : prev)));
    connect(setStatus);
  }, []);
  const stage = state && state.stage;
  useEffect(() => {
    const heading = document.getElementById("stage-title");
    if (heading && document.activeElement === document.body) heading.focus({ preventScroll: true });
  }, [stage]);
  if (!state) return html`<p class="muted">${t("connecting")}</p>`;
  if (page.view === "present") return html`<${Present} state=${state} />`;
  const Panel = PANELS[state.stage];
  const facilitator = state.you.role === "facilitator";
  return html`<div class=${`layout ${facilitator ? "is-facilitator" : "is-delegate"}`}>
    <${Toasts} />
    <aside class="sidebar-left"><${Agenda} state=${state} /><${LanguageSwitch} state=${state} /></aside>
    <section class="stage-panel" aria-labelledby="stage-title">
      <${StageHeader} state=${state}><${Timer} state=${state} /></${StageHeader}>
      <${Panel} state=${state} />
    </section>
    <aside class="sidebar-right">
      <${People} state=${state} />
      ${facilitator && html`<${TimerControls} state=${state} />`}
    </aside>
  </div>`;
}

root.replaceChildren();
render(html`<${App} />`, root);
