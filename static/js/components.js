// Building blocks shared by every stage: agenda, people, timer, items, forms.
import { html, useState, useEffect, useRef, S, t, tn, label, send, page, itemsOf,
  isFacilitator, isLocked, nameOf, departmentOf, pictureParams } from "./lib.js";

const CHOICE_ICON = { agree: "✓", abstain: "–", disagree: "✗", block: "⊘" };
const STATUS_ICON = { open: "○", revealed: "◐", agreed: "✔", rejected: "✘" };
const CONSENSUS_ICON = { consent: "✔", no_consent: "≠", blocked: "⊘" };

export function Agenda({ state }) {
  const facilitator = isFacilitator(state);
  const index = S.stage_order.indexOf(state.stage);
  return html`<nav class="agenda" aria-label=${t("agenda")}>
    <div class="progress" role="progressbar" aria-label=${t("progress")} aria-valuemin="1"
      aria-valuemax=${S.stage_order.length} aria-valuenow=${index + 1}
      aria-valuetext=${t("stage_of", { n: index + 1, total: S.stage_order.length })}>
      <div class="progress-bar" style=${`width:${Math.round(state.progress * 100)}%`}></div>
    </div>
    <ol>
      ${S.stage_order.map((id, i) => html`<li key=${id}
          class=${`agenda-step ${i < index ? "done" : ""} ${i === index ? "current" : ""}`}>
        ${facilitator
          ? html`<button class="link" aria-current=${i === index ? "step" : null}
              onClick=${() => send("goto_stage", { stage: id })}>${i + 1}. ${S.stages[id].title}</button>`
          : html`<span aria-current=${i === index ? "step" : null}>${i + 1}. ${S.stages[id].title}</span>`}
      </li>`)}
    </ol>
  </nav>`;
}

export function StageHeader({ state, children }) {
  const index = S.stage_order.indexOf(state.stage);
  const info = S.stages[state.stage];
  const facilitator = isFacilitator(state);
  return html`<header class="stage-header">
    <p class="eyebrow">${t("stage_of", { n: index + 1, total: S.stage_order.length })}
      ${" · "}${t("minutes", { n: plannedMinutes(state, state.stage) })}</p>
    <h1 id="stage-title" tabindex="-1">${info.title}</h1>
    <p class="lead">${info.text}</p>
    ${facilitator && html`<div class="stage-nav">
      <button class="button secondary" disabled=${index === 0}
        onClick=${() => send("goto_stage", { stage: S.stage_order[index - 1] })}><span aria-hidden="true">←</span> ${t("previous")}</button>
      <button class="button primary" disabled=${index === S.stage_order.length - 1}
        onClick=${() => send("goto_stage", { stage: S.stage_order[index + 1] })}>${t("next")} <span aria-hidden="true">→</span></button>
    </div>`}
    ${children}
  </header>`;
}

function departmentLabel(department) {
  return department ? label(department) : t("facilitator");
}

export function People({ state }) {
  const facilitator = isFacilitator(state);
  const remove = (p) => {
    if (window.confirm(t("remove_confirm", { name: `\u2068${p.name}\u2069` }))) send("remove_participant", { participant_id: p.id });
  };
  const person = (p, dept) => html`<li key=${p.id} class=${`person ${p.online ? "is-online" : "is-offline"}`}>
    <span class="presence" aria-hidden="true">${p.online ? "●" : "○"}</span>
    <span class="person-name"><bdi>${p.name}</bdi>${p.id === state.you.id ? ` (${t("you")})` : ""}</span>
    <span class=${`dept dept-${dept || "facilitator"}`}>${departmentLabel(dept)}</span>
    <span class="visually-hidden">${p.online ? t("is_online") : t("is_offline")}</span>
    ${facilitator && dept && html`<button class="button tiny secondary" onClick=${() => remove(p)}
      aria-label=${`${t("remove")} ${p.name}`}>${t("remove")}</button>`}
    ${p.ready !== undefined && state.stage === "lobby" &&
      html`<span class="ready">${p.ready ? "✓ " + t("ready") : t("not_ready")}</span>`}
  </li>`;
  return html`<section class="people card" aria-labelledby="people-heading">
    <h2 id="people-heading">${t("people")} <span class="muted">${t("delegates_of_max", { n: state.participants.length, max: S.max_delegates })}</span></h2>
    <ul class="people-list">
      ${person(state.facilitator, null)}
      ${state.participants.map((p) => person(p, p.department))}
    </ul>
    <p class="balance-counts">${label("marketing")}: ${state.balance.marketing} · ${label("sales")}: ${state.balance.sales}</p>
    ${state.balance.warning && html`<p class="warning" role="status">⚠ ${t(`balance_${state.balance.warning}`)}</p>`}
  </section>`;
}

// One alarm per countdown, however many timers the page shows (header and controls).
const rang = new Set();

function beep() {
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    osc.frequency.value = 880;
    osc.connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.6);
  } catch (e) { /* audio may be blocked until the page is used; the visual alarm remains */ }
}

export function Timer({ state, large }) {
  const timer = state.timer;
  const [now, setNow] = useState(Date.now());
  const arrival = useRef({ version: null, at: Date.now() });
  if (timer && arrival.current.endsAt !== timer.ends_at) {
    arrival.current = { endsAt: timer.ends_at, deadline: Date.now() + timer.remaining * 1000, rang: false };
  }
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(id);
  }, []);
  const left = timer ? Math.max(0, Math.ceil((arrival.current.deadline - now) / 1000)) : null;
  const done = left === 0;
  useEffect(() => {
    if (done && timer && !rang.has(timer.ends_at)) { rang.add(timer.ends_at); beep(); }
  }, [done, timer && timer.ends_at]);
  if (!timer) return null;
  const mm = String(Math.floor(left / 60)).padStart(2, "0");
  const ss = String(left % 60).padStart(2, "0");
  return html`<div class=${`timer ${done ? "alarm" : ""} ${large ? "large" : ""}`} role="timer" aria-label=${t("timer")}>
    <span class="timer-digits">${mm}:${ss}</span>
    ${done && html`<strong class="time-up" role="alert">${t("time_up")}</strong>`}
  </div>`;
}

export function TimerControls({ state }) {
  const planned = plannedMinutes(state, state.stage);
  const [minutes, setMinutes] = useState(planned);
  useEffect(() => setMinutes(planned), [state.stage, planned]);
  return html`<section class="card timer-controls" aria-labelledby="timer-heading">
    <h2 id="timer-heading">${t("timer")}</h2>
    <${Timer} state=${state} />
    <form class="row" onSubmit=${(e) => { e.preventDefault(); send("start_timer", { seconds: Math.round(minutes * 60) }); }}>
      <label>${t("minutes_short")}
        <input type="number" min="1" max="180" step="1" value=${minutes} class="narrow-input"
          onInput=${(e) => setMinutes(Number(e.target.value) || 1)} />
      </label>
      <button class="button primary small" type="submit">${t("start_timer")}</button>
      ${state.timer && html`<button class="button secondary small" type="button" onClick=${() => send("stop_timer")}>${t("stop_timer")}</button>`}
    </form>
    <label class="inline">
      <input type="checkbox" checked=${state.anonymous_votes}
        onChange=${(e) => send("set_anonymous", { anonymous: e.target.checked })} /> ${t("anonymous")}
    </label>
  </section>`;
}

// The facilitator's plan for a stage (state.plan), else the agenda's typical minutes.
export function plannedMinutes(state, stage) {
  const plan = (state.plan && state.plan.minutes) || {};
  return plan[stage] ?? S.minutes[stage];
}

// A KPI whose measure the SLA computes shows the figure its target follows.
function linkedTarget(link, language) {
  const number = (n, options) => n.toLocaleString(language, options);
  const value = link.unit === "percent" ? `${number(link.value, { maximumFractionDigits: 1 })}%`
    : link.unit === "hours" ? t("n_hours", { n: number(link.value) })
    : link.unit === "money" ? number(link.value, { maximumFractionDigits: 0 })
    : t("n_a_month", { n: number(link.value) });
  return `${link.direction === "lower" ? "≤" : "≥"} ${value}`;
}

function DetailList({ item, link, language }) {
  const order = Object.keys(S.item_details[item.section] || {});
  const entries = order.filter((k) => k !== "kind" && item.details[k] !== undefined && item.details[k] !== "")
    .map((k) => [k, item.details[k]]);
  if (!entries.length && !link) return null;
  return html`<dl class="details">
    ${entries.map(([k, v]) => html`<div key=${k}><dt>${label(k)}</dt><dd>${typeof v === "string" && S.labels[v] && !["phase", "approach"].includes(k) ? label(v) : v}</dd></div>`)}
    ${link && html`<div key="linked" class="linked-target"><dt>${t("linked_target")}</dt><dd>${linkedTarget(link, language)} <span class="muted">${t("linked_hint")}</span></dd></div>`}
  </dl>`;
}

function tallyKey(tally) {
  return ["agree", "abstain", "disagree", "block"].map((c) => tally[c]).join("-");
}

function VoteResult({ state, item }) {
  return html`<div class="vote-result">
    <img class="tally-bars" alt="" src=${`/w/${page.code}/items/${item.id}/votes.svg?t=${tallyKey(item.tally)}&lang=${state.you.language}${pictureParams()}`} width="320" />
    <p class="tally-text">${["agree", "abstain", "disagree", "block"].map((c) =>
      html`<span key=${c} class=${`choice-${c}`}>${CHOICE_ICON[c]} ${t(c)}: <strong>${item.tally[c]}</strong></span> `)}</p>
    <p class=${`consensus consensus-${item.consensus}`}><span aria-hidden="true">${CONSENSUS_ICON[item.consensus]}</span> ${t(`consensus_${item.consensus}`)}</p>
    ${item.consensus === "no_consent" && item.lacking && item.lacking.length > 0 && html`<p class="lacking">${t("lacking_support", { departments: item.lacking.map(label).join(", ") })}</p>`}
    ${item.votes && item.votes.length > 0 && html`<details class="who-voted"><summary>${t("who_voted")}</summary>
      <ul>${item.votes.map((v) => html`<li key=${v.participant_id}><bdi>${nameOf(state, v.participant_id)}</bdi>${departmentOf(state, v.participant_id) && html` <span class="muted">(${label(departmentOf(state, v.participant_id))})</span>`}: ${CHOICE_ICON[v.choice]} ${t(v.choice)}</li>`)}</ul>
    </details>`}
  </div>`;
}

function VotePanel({ state, item }) {
  const mine = state.you.vote_by_item[String(item.id)];
  const locked = isLocked(state, item.section);
  const waiting = state.participants.filter((p) => !item.voted.includes(p.id));
  return html`<div class="vote-panel">
    ${state.you.role === "participant" && html`<div class="vote-buttons" role="group" aria-label=${t("tally")}>
      ${["agree", "abstain", "disagree", "block"].map((c) => html`<button key=${c}
        class=${`button vote choice-${c} ${mine === c ? "chosen" : ""}`} aria-pressed=${mine === c}
        disabled=${locked} onClick=${() => send("vote", { item_id: item.id, choice: c })}>
        <span aria-hidden="true">${CHOICE_ICON[c]}</span> ${t(c)}</button>`)}
    </div>
    <p class="muted">${mine ? t("your_vote", { choice: t(mine) }) : t("not_voted")}</p>`}
    <p class="votes-cast">${t("votes_cast", { n: item.votes_cast, total: state.participants.length })}${" · "}${waiting.length ? t("waiting_for", { names: waiting.map((p) => `\u2068${p.name}\u2069`).join(", ") }) : t("everyone_voted")}</p>
  </div>`;
}

function DecisionControls({ item }) {
  const [reason, setReason] = useState("");
  const [asking, setAsking] = useState(false);
  const input = useRef(null);
  useEffect(() => { if (asking && input.current) input.current.focus(); }, [asking]);
  const needsReason = item.consensus !== "consent";
  const decide = (outcome) => {
    if (outcome === "agreed" && needsReason && !reason.trim()) { setAsking(true); return; }
    send("decide", { item_id: item.id, outcome, ...(reason.trim() ? { reason: reason.trim() } : {}) });
  };
  return html`<form class="decision" onSubmit=${(e) => { e.preventDefault(); decide("agreed"); }}>
    ${asking && html`<label>${t("reason")} <span class="muted">(${t("reason_needed")})</span>
      <input value=${reason} maxlength="1000" required ref=${input}
        onInput=${(e) => setReason(e.target.value)} /></label>`}
    <div class="row">
      <button class="button primary small" type="submit"><span aria-hidden="true">✔</span> ${t("decide_agree")}</button>
      <button class="button danger small" type="button" onClick=${() => decide("rejected")}><span aria-hidden="true">✘</span> ${t("decide_reject")}</button>
    </div>
  </form>`;
}

// Status in words and an icon, never by colour alone.
export function StatusBadge({ status }) {
  return html`<span class=${`badge status-${status}`}><span aria-hidden="true">${STATUS_ICON[status]}</span> ${t(`status_${status}`)}</span>`;
}

export function ItemCard({ state, item, extra, compact }) {
  const facilitator = isFacilitator(state);
  const [editing, setEditing] = useState(false);
  const revealed = item.tally !== null;
  return html`<article class=${`item status-${item.status}`} aria-label=${item.text} id=${`item-${item.id}`} tabindex="-1">
    <header class="item-head">
      <${StatusBadge} status=${item.status} />
      ${item.from_draft && html`<span class="badge muted">${t("from_draft")}</span>`}
      ${item.edited && html`<span class="badge edited-badge"><span aria-hidden="true">✎</span> ${t("edited_vote_again")}</span>`}
      ${item.dots > 0 && html`<span class="badge dots-badge">● ${tn("dots", item.dots)}</span>`}
    </header>
    ${editing
      ? html`<${EditItem} item=${item} done=${() => setEditing(false)} />`
      : html`<p class="item-text">${item.text}</p><${DetailList} item=${item}
          link=${(state.targets.kpi_targets || {})[item.id]} language=${state.you.language} />`}
    ${item.decision_reason && html`<p class="reason"><strong>${t("reason")}:</strong> ${item.decision_reason}</p>`}
    ${extra}
    ${!compact && item.status === "open" && html`<${VotePanel} state=${state} item=${item} />`}
    ${!compact && revealed && html`<${VoteResult} state=${state} item=${item} />`}
    ${facilitator && !compact && html`<div class="facilitator-controls">
      ${item.status === "open" && html`<button class="button small secondary" onClick=${() => send("reveal", { item_id: item.id })}>${t("reveal")}</button>`}
      ${(item.status === "open" || item.status === "revealed") && html`<${DecisionControls} item=${item} />`}
      ${item.status !== "open" && html`<button class="button small secondary" onClick=${() => send("reopen_item", { item_id: item.id })}><span aria-hidden="true">↺</span> ${t("reopen_item")}</button>`}
      ${!editing && html`<button class="button small secondary" onClick=${() => setEditing(true)}><span aria-hidden="true">✎</span> ${t("edit")}</button>`}
      <button class="button small secondary" aria-label=${t("move_up")} title=${t("move_up")} onClick=${() => send("move_item", { item_id: item.id, direction: "up" })}>↑</button>
      <button class="button small secondary" aria-label=${t("move_down")} title=${t("move_down")} onClick=${() => send("move_item", { item_id: item.id, direction: "down" })}>↓</button>
    </div>`}
  </article>`;
}

function DetailInputs({ section, values, setValue, phases, prefix }) {
  const spec = S.item_details[section] || {};
  return Object.entries(spec).map(([key, kind]) => {
    const id = `${prefix}-${key}`;
    const value = values[key] ?? "";
    let input;
    if (key === "phase" && phases) {
      input = html`<select id=${id} value=${value} onChange=${(e) => setValue(key, e.target.value)}>
        <option value="">—</option>${phases.map((p) => html`<option value=${p}>${p}</option>`)}</select>`;
    } else if (Array.isArray(kind)) {
      input = html`<select id=${id} value=${value} onChange=${(e) => setValue(key, e.target.value)}>
        <option value="">—</option>${kind.map((k) => html`<option value=${k}>${label(k)}</option>`)}</select>`;
    } else if (kind === "text") {
      input = html`<input id=${id} value=${value} maxlength="1000" onInput=${(e) => setValue(key, e.target.value)} />`;
    } else {
      input = html`<input id=${id} type="number" min="0" step=${kind === "int" ? 1 : "any"}
        max=${kind === "percent" ? 100 : null} value=${value}
        onInput=${(e) => setValue(key, e.target.value === "" ? "" : Number(e.target.value))} />`;
    }
    return html`<div class="field" key=${key}><label for=${id}>${label(key)}</label>${input}</div>`;
  });
}

function cleanDetails(values) {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== "" && v !== null && v !== undefined));
}

function EditItem({ item, done }) {
  const [text, setText] = useState(item.text);
  const [details, setDetails] = useState({ ...item.details });
  const save = async (e) => {
    e.preventDefault();
    const ack = await send("edit_item", { item_id: item.id, text, details: cleanDetails(details) });
    if (ack.ok) done();
  };
  return html`<form class="stack edit-item" onSubmit=${save}>
    <label>${t("proposal")}<textarea rows="2" maxlength="2000" value=${text} onInput=${(e) => setText(e.target.value)}></textarea></label>
    <div class="detail-grid"><${DetailInputs} section=${item.section} values=${details} prefix=${`edit-${item.id}`}
      setValue=${(k, v) => setDetails({ ...details, [k]: v })} /></div>
    <div class="row"><button class="button primary small" type="submit">${t("save")}</button>
      <button class="button secondary small" type="button" onClick=${done}>${t("cancel")}</button></div>
  </form>`;
}

export function ProposeForm({ state, section, defaults = {}, phases }) {
  const [text, setText] = useState("");
  const [details, setDetails] = useState(defaults);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const sending = useRef(false);
  if (isLocked(state, section) || state.you.role === "viewer") return null;
  const submit = async (e) => {
    e.preventDefault();
    if (sending.current) return; // a double click proposes once
    sending.current = true;
    setBusy(true);
    const ack = await send("propose", { section, text, details: cleanDetails(details) });
    sending.current = false;
    setBusy(false);
    if (ack.ok) { setText(""); setDetails(defaults); setOpen(false); }
  };
  const hasDetails = Object.keys(S.item_details[section] || {}).length > 0;
  return html`<form class="propose" onSubmit=${submit}>
    <label><span>${t("proposal")} <span class="muted">· ${S.sections[section]}</span></span>
      <textarea rows="2" maxlength="2000" required value=${text} onInput=${(e) => setText(e.target.value)}></textarea>
    </label>
    ${hasDetails && html`<details open=${open} onToggle=${(e) => setOpen(e.target.open)}>
      <summary>${t("add_details")}</summary>
      <div class="detail-grid"><${DetailInputs} section=${section} values=${details} phases=${phases} prefix=${`propose-${section}`}
        setValue=${(k, v) => setDetails({ ...details, [k]: v })} /></div>
    </details>`}
    <button class="button primary small" type="submit" disabled=${busy} aria-busy=${busy}><span aria-hidden="true">+</span> ${t("propose")}</button>
  </form>`;
}

export function SectionLock({ state, section }) {
  const [skipped, setSkipped] = useState(0);
  if (!isFacilitator(state)) {
    return isLocked(state, section) ? html`<p class="locked-note">${t("locked")}</p>` : null;
  }
  const locked = isLocked(state, section);
  const items = itemsOf(state, section);
  const open = items.some((i) => i.status === "open");
  const revealed = items.some((i) => i.status === "revealed" && i.consensus === "consent");
  const revealAll = async () => {
    const ack = await send("reveal_section", { section });
    if (ack.ok) setSkipped(ack.skipped.length);
  };
  return html`<div class="row section-actions">
    ${skipped > 0 && html`<p class="warning skipped-note" role="status">⚠ ${tn("reveal_skipped", skipped)}</p>`}
    ${!locked && open && html`<button class="button tiny secondary" onClick=${revealAll}>${t("reveal_all")}</button>`}
    ${!locked && revealed && html`<button class="button tiny primary" onClick=${() => send("agree_consented", { section })}><span aria-hidden="true">✔</span> ${t("agree_consented")}</button>`}
    <button class="button tiny secondary" onClick=${() => send(locked ? "unlock_section" : "lock_section", { section })}>
      ${locked ? t("unlock") : t("lock")}</button>
  </div>`;
}

export function ItemSection({ state, section, filter, proposeDefaults, phases, extra }) {
  let items = itemsOf(state, section);
  if (filter) items = items.filter(filter);
  return html`<section class="item-section" aria-labelledby=${`sec-${section}`}>
    <div class="section-head">
      <h2 id=${`sec-${section}`}>${S.sections[section]}</h2>
      <${SectionLock} state=${state} section=${section} />
    </div>
    ${isLocked(state, section) && isFacilitator(state) && html`<p class="locked-note">${t("locked")}</p>`}
    ${items.length === 0 && html`<p class="muted">${t("nothing_yet")}</p>`}
    <div class="items">${items.map((item) => html`<${ItemCard} key=${item.id} state=${state} item=${item}
      extra=${extra && extra(item)} />`)}</div>
    <${ProposeForm} state=${state} section=${section} defaults=${proposeDefaults || {}} phases=${phases} />
  </section>`;
}

export function FieldsForm({ state, section, only }) {
  const spec = S.fields[section] || {};
  const values = state.fields[section] || {};
  const keys = Object.keys(spec).filter((k) => !only || only.includes(k));
  const facilitator = isFacilitator(state);
  if (!facilitator) {
    return html`<section class="card captured" aria-label=${t("captured")}>
      <h3>${t("captured")}</h3>
      <dl class="details">${keys.filter((k) => values[k] !== undefined).map((k) => html`<div key=${k}>
        <dt>${label(k)}</dt><dd>${Array.isArray(spec[k]) ? label(values[k])
          : typeof values[k] === "number" ? values[k].toLocaleString(state.you.language) : values[k]}</dd></div>`)}</dl>
    </section>`;
  }
  return html`<section class="card captured" aria-label=${t("captured")}>
    <h3>${t("captured")}</h3><p class="muted">${t("capture_hint")}</p>
    <div class="detail-grid">
    ${keys.map((key) => html`<${FieldInput} key=${key} section=${section} field=${key} kind=${spec[key]}
      stored=${values[key] ?? ""} />`)}
    </div>
  </section>`;
}

// One captured value. What the facilitator is typing is theirs until they leave the field
// (or press Enter): snapshots arriving meanwhile (a vote, someone connecting) do not reset it.
function FieldInput({ section, field, kind, stored }) {
  const [draft, setDraft] = useState(null);
  const id = `field-${section}-${field}`;
  const value = draft ?? stored;
  const save = async (next) => {
    if (next === stored) { setDraft(null); return; }
    const ack = await send("set_field", { section, field, value: next });
    // Refused: keep the draft so nothing typed is lost; the toast says why.
    if (ack.ok) setDraft(null);
  };
  const typing = (e) => setDraft(e.target.value);
  if (Array.isArray(kind)) {
    return html`<div class="field"><label for=${id}>${label(field)}</label>
      <select id=${id} value=${stored} onChange=${(e) => save(e.target.value)}>
        ${kind.map((k) => html`<option value=${k}>${label(k)}</option>`)}</select></div>`;
  }
  const commit = (e) => {
    if (draft === null) return;
    if (kind === "text" || kind === "date") save(e.target.value);
    else if (e.target.value !== "") save(Number(e.target.value));
  };
  let input;
  if (kind === "text") {
    input = html`<textarea id=${id} rows="2" maxlength="2000" value=${value}
      onInput=${typing} onBlur=${commit}></textarea>`;
  } else if (kind === "date") {
    input = html`<input id=${id} type="date" value=${value} onInput=${typing} onChange=${commit} onBlur=${commit} />`;
  } else {
    input = html`<input id=${id} type="number" min="0" step=${kind === "int" ? 1 : "any"} value=${value}
      onInput=${typing} onBlur=${commit} onKeyDown=${(e) => e.key === "Enter" && commit(e)} />`;
  }
  return html`<div class="field"><label for=${id}>${label(field)}</label>${input}</div>`;
}

async function copyText(text, button) {
  try { await navigator.clipboard.writeText(text); button.textContent = t("copied"); } catch (err) { /* no clipboard */ }
}

// The facilitator's second screen: their own secret link (to sign in on another machine)
// and the projector's read-only link. Both are fetched only when asked for.
export function SecondScreen({ state }) {
  const [own, setOwn] = useState(null);
  const [projector, setProjector] = useState(null);
  if (!isFacilitator(state)) return null;
  const showOwn = async () => {
    const response = await fetch(`/w/${page.code}/facilitator-link`, { credentials: "same-origin", cache: "no-store" });
    if (response.ok) setOwn((await response.json()).facilitator_url);
  };
  const makeProjector = async () => {
    const ack = await send("create_projector_link");
    if (ack.ok) setProjector(new URL(ack.projector_path, window.location.origin).href);
  };
  return html`<section class="card second-screen" aria-labelledby="second-screen-heading">
    <h2 id="second-screen-heading">${t("second_screen")}</h2>
    <p class="muted">${t("second_screen_hint")}</p>
    ${own === null
      ? html`<button class="button small secondary" onClick=${showOwn}>${t("show_my_link")}</button>`
      : html`<div class="secret-link">
        <p class="warning">⚠ ${t("my_link_warning")}</p>
        <p><a class="mono link-text" href=${own}>${own}</a></p>
        <p class="row"><button class="button tiny secondary" onClick=${(e) => copyText(own, e.target)}>${t("copy")}</button>
          <button class="button tiny secondary" onClick=${() => setOwn(null)}>${t("hide_link")}</button></p>
        <img class="qr" src=${`/w/${page.code}/facilitator-qr.svg`} alt=${t("my_link_qr")} width="160" height="160" />
      </div>`}
    <p><a class="button small secondary" href=${page.presentUrl} target="_blank" rel="noopener">${t("present")}</a></p>
    ${projector === null
      ? html`<button class="button small secondary" onClick=${makeProjector}>${t("make_projector_link")}</button>`
      : html`<div class="secret-link">
        <p class="muted">${t("projector_link_hint")}</p>
        <p><a class="mono link-text" href=${projector} target="_blank" rel="noopener">${projector}</a></p>
        <p><button class="button tiny secondary" onClick=${(e) => copyText(projector, e.target)}>${t("copy")}</button></p>
      </div>`}
  </section>`;
}
