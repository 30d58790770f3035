// Building blocks shared by every stage: agenda, people, timer, items, forms.
import { html, useState, useEffect, useLayoutEffect, useRef, S, t, tn, label, send, page, itemsOf,
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
  const open = (S.sections_by_stage[state.stage] || []).flatMap((s) => itemsOf(state, s))
    .filter((i) => i.status === "open" || i.status === "revealed").length;
  return html`<header class="stage-header">
    <p class="eyebrow">${t("stage_of", { n: index + 1, total: S.stage_order.length })}
      ${" · "}${t("minutes", { n: plannedMinutes(state, state.stage) })}</p>
    <h1 id="stage-title" tabindex="-1">${info.title}</h1>
    <p class="lead">${info.text}</p>
    ${facilitator && html`<div class="stage-nav">
      <button class="button secondary" disabled=${index === 0}
        onClick=${() => send("goto_stage", { stage: S.stage_order[index - 1] })}><span aria-hidden="true">←</span> ${t("previous")}</button>
      <button class="button primary" disabled=${index === S.stage_order.length - 1}
        aria-describedby=${open > 0 ? "next-warning" : null}
        onClick=${() => send("goto_stage", { stage: S.stage_order[index + 1] })}>${t("next")} <span aria-hidden="true">→</span></button>
    </div>
    ${open > 0 && index < S.stage_order.length - 1 && html`<p class="warning next-warning" id="next-warning">⚠ ${tn("next_open_items", open)}</p>`}`}
    ${state.you.role === "participant" && html`<${OwnProgress} state=${state} />`}
    ${children}
  </header>`;
}

// Each delegate's own progress in the stage: how many open items still wait for their vote.
function OwnProgress({ state }) {
  const open = (S.sections_by_stage[state.stage] || []).flatMap((s) => itemsOf(state, s))
    .filter((i) => i.status === "open");
  if (!open.length) return null;
  const left = open.filter((i) => !state.you.vote_by_item[String(i.id)]).length;
  return html`<p class=${`own-progress ${left ? "" : "ok"}`} role="status">
    ${left ? t("left_to_vote", { n: left, total: open.length, stage: S.stages[state.stage].title }) : `✔ ${t("all_voted_stage")}`}</p>`;
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
    ${facilitator && dept && html`<button class="button tiny secondary remove-person" onClick=${() => remove(p)}
      aria-label=${`${t("remove")} ${p.name}`} title=${t("remove")}><span aria-hidden="true">✕</span></button>`}
    ${p.ready !== undefined && state.stage === "lobby" &&
      html`<span class="ready">${p.ready ? "✓ " + t("ready") : t("not_ready")}</span>`}
  </li>`;
  return html`<section class="people card" aria-labelledby="people-heading">
    <h2 id="people-heading">${t("people")} <span class="muted">${t("delegates_of_max", { n: state.participants.length, max: S.max_delegates })}</span></h2>
    <ul class="people-list">
      ${person(state.facilitator, null)}
      ${state.participants.map((p) => person(p, p.department))}
    </ul>
    <p class="balance-counts">${S.departments.map((d) => `${label(d)}: ${state.balance[d]}`).join(" · ")}</p>
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
  const clock = useClock(state);
  const left = Math.max(1, Math.round(plannedMinutes(state, state.stage) - clock.stageSeconds / 60));
  const [minutes, setMinutes] = useState(left);
  // A new stage (or a new plan) suggests what is left of the stage's planned minutes.
  useEffect(() => setMinutes(left), [state.stage, plannedMinutes(state, state.stage)]);
  return html`<section class="card timer-controls" aria-labelledby="timer-heading">
    <h2 id="timer-heading">${t("timer")}</h2>
    <${Timer} state=${state} />
    <form class="row" onSubmit=${(e) => { e.preventDefault(); send("start_timer", { seconds: Math.round(minutes * 60) }); }}>
      <label>${t("minutes_short")}
        <input type="number" min="1" max=${S.limits.timer_minutes} step="1" value=${minutes} class="narrow-input"
          onInput=${(e) => setMinutes(Number(e.target.value) || 1)} />
      </label>
      <button class="button primary small" type="submit">${t("start_timer")}</button>
      <span class="muted timer-suggestion">${t("plan_left", { n: left })}</span>
      ${state.timer && html`<button class="button secondary small" type="button" onClick=${() => send("stop_timer")}>${t("stop_timer")}</button>`}
    </form>
    <label class="inline">
      <input type="checkbox" checked=${state.anonymous_votes}
        onChange=${(e) => send("set_anonymous", { anonymous: e.target.checked })} /> ${t("anonymous")}
    </label>
  </section>`;
}

// Seconds since the workshop left the lobby and since the stage began, counted on from the
// snapshot's arrival (the server says how far along it was when it sent it).
export function useClock(state) {
  const [now, setNow] = useState(Date.now());
  const arrival = useRef({ version: null, at: Date.now() });
  if (arrival.current.version !== state.version) arrival.current = { version: state.version, at: Date.now() };
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  const plan = state.plan || {};
  const extra = Math.max(0, Math.round((now - arrival.current.at) / 1000));
  const on = (seconds) => (seconds === null || seconds === undefined ? null : seconds + extra);
  return { elapsed: on(plan.elapsed_seconds), stageSeconds: on(plan.stage_elapsed_seconds) || 0 };
}

const hm = (minutes) => `${Math.floor(minutes / 60)}:${String(Math.floor(minutes % 60)).padStart(2, "0")}`;

function plannedUntil(state, minutesInStage) {
  const row = ((state.plan || {}).agenda || []).find((r) => r.kind === "stage" && r.stage === state.stage);
  return row ? row.start + Math.min(minutesInStage, row.minutes) : 0;
}

// Elapsed against planned time for the whole workshop, and how far ahead or behind.
export function WorkshopClock({ state }) {
  const clock = useClock(state);
  if (!state.plan || clock.elapsed === null) return null;
  const elapsed = clock.elapsed / 60;
  const planned = plannedUntil(state, clock.stageSeconds / 60);
  const drift = Math.round(elapsed - planned);
  return html`<p class=${`workshop-clock ${drift > 5 ? "behind" : ""}`} role="status" aria-live="off">
    <span>${t("clock", { elapsed: hm(elapsed), total: hm(state.plan.total_minutes) })}</span>
    <span class="clock-drift">${drift > 0 ? tn("minutes_behind", drift) : drift < 0 ? tn("minutes_ahead", -drift) : t("on_plan")}</span>
  </p>`;
}

// The half-day from the plan: every stage with its start and minutes, breaks between; the
// facilitator changes a stage's minutes here (in the lobby).
export function AgendaPlan({ state }) {
  const plan = state.plan;
  if (!plan) return null;
  const facilitator = isFacilitator(state);
  const over = plan.total_minutes > plan.half_day_minutes;
  return html`<section class="card agenda-plan" aria-labelledby="agenda-plan-heading">
    <h2 id="agenda-plan-heading">${t("agenda_plan")}</h2>
    <table class="data"><thead><tr><th scope="col">${t("starts_at")}</th><th scope="col">${t("stage_column")}</th>
      <th scope="col" class="num">${t("minutes_short")}</th></tr></thead>
      <tbody>${plan.agenda.map((row) => html`<tr key=${row.kind === "break" ? `break-${row.start}` : row.stage}
          class=${row.kind === "break" ? "agenda-break" : ""}>
        <td class="mono">${hm(row.start)}</td>
        <th scope="row">${row.kind === "break" ? t("break") : S.stages[row.stage].title}</th>
        <td class="num">${row.kind === "stage" && facilitator
          ? html`<${PlanInput} stage=${row.stage} minutes=${row.minutes} />`
          : row.minutes}</td></tr>`)}</tbody></table>
    <p class=${over ? "warning" : "ok"}>${over ? "⚠ " : "✔ "}${t("agenda_total", { total: hm(plan.total_minutes), max: hm(plan.half_day_minutes) })}</p>
  </section>`;
}

function PlanInput({ stage, minutes }) {
  const [draft, setDraft] = useState(null);
  const commit = async (e) => {
    if (draft === null || e.target.value === "") return;
    const ack = await send("set_stage_plan", { stage, minutes: Number(e.target.value) });
    if (ack.ok) setDraft(null);
  };
  return html`<input type="number" min="0" max=${S.limits.stage_minutes} step="5" class="narrow-input" value=${draft ?? minutes}
    aria-label=${t("plan_minutes_for", { stage: S.stages[stage].title })}
    onInput=${(e) => setDraft(e.target.value)} onBlur=${commit}
    onKeyDown=${(e) => e.key === "Enter" && commit(e)} />`;
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

// The workshop's currency (targets.currency), for amounts of money.
export function currencyOf(state) {
  return (state.fields.targets || {}).currency || "EUR";
}

// A number as the reader's language writes it (Intl follows CLDR, as Babel does for the
// document): 1,000 / 1.000; a percent kind as 40% / 12,5%; money in the workshop's currency
// (€4,800,000 / € 4.800.000). Anything else is shown as it is.
export function formatValue(value, { language, kind, currency }) {
  if (kind === "date" && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return new Intl.DateTimeFormat(language, { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${value}T00:00:00Z`));
  }
  if (typeof value !== "number" || !Number.isFinite(value)) return value;
  if (kind === "percent") {
    return new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 1 }).format(value / 100);
  }
  if (currency) {
    const digits = Number.isInteger(value) ? 0 : 2;
    return new Intl.NumberFormat(language, { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
  }
  return new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(value);
}

// A moment (an ISO time with its offset, e.g. a signature) as the document writes it: the
// date and the minute in the workshop's time zone, in the reader's language.
export function formatMoment(stamp, state) {
  const options = { dateStyle: "long", timeStyle: "short", timeZone: state.time_zone || undefined };
  try {
    return new Intl.DateTimeFormat(state.you.language, options).format(new Date(stamp));
  } catch {
    return stamp;  // an unknown zone in an old browser: the stored text rather than nothing
  }
}

// An item's detail for reading: a choice by its label, a number formatted (a KPI's target
// value in its unit: money or percent).
function detailText(item, key, value, language, currency) {
  const kind = S.item_details[item.section][key];
  if (typeof value === "string") return Array.isArray(kind) && S.labels[value] ? label(value) : value;
  const unit = key === "target_value" ? item.details.unit : null;
  return formatValue(value, { language, kind: unit === "percent" ? "percent" : kind, currency: unit === "currency" ? currency : null });
}

// A KPI linked to the agreed figures has one target, the one the document prints and the
// dashboard measures: the figure, with the group's wording beneath it; its own number goes.
function DetailList({ item, link, language, currency }) {
  const order = Object.keys(S.item_details[item.section] || {});
  const hidden = link ? ["kind", "target", "target_value"] : ["kind"];
  const entries = order.filter((k) => !hidden.includes(k) && item.details[k] !== undefined && item.details[k] !== "")
    .map((k) => [k, item.details[k]]);
  if (!entries.length && !link) return null;
  const worded = link && item.details.target;
  const linked = link && html`<div key="linked" class="linked-target"><dt>${label("target")}</dt><dd>
    <strong>${linkedTarget(link, language)}</strong> <span class="muted">${t("linked_hint")}</span>
    ${worded && html`<br /><span class="muted">${t("target_worded", { wording: worded })}</span>`}</dd></div>`;
  const at = entries.findIndex(([k]) => order.indexOf(k) > order.indexOf("target"));
  const rows = entries.map(([k, v]) => html`<div key=${k}><dt>${label(k)}</dt><dd>${detailText(item, k, v, language, currency)}</dd></div>`);
  if (linked) rows.splice(at === -1 ? rows.length : at, 0, linked);
  return html`<dl class="details">${rows}</dl>`;
}

function tallyKey(tally) {
  return S.vote_choices.map((c) => tally[c]).join("-");
}

function VoteResult({ state, item }) {
  return html`<div class="vote-result">
    <img class="tally-bars" alt="" src=${`/w/${page.code}/items/${item.id}/votes.svg?t=${tallyKey(item.tally)}&lang=${state.you.language}${pictureParams()}`} width="320" />
    <p class="tally-text">${S.vote_choices.map((c) =>
      html`<span key=${c} class=${`choice-${c}`}>${CHOICE_ICON[c]} ${t(c)}: <strong>${item.tally[c]}</strong></span> `)}</p>
    <p class=${`consensus consensus-${item.consensus}`}><span aria-hidden="true">${CONSENSUS_ICON[item.consensus]}</span> ${t(`consensus_${item.consensus}`)}</p>
    ${item.consensus === "no_consent" && item.lacking && item.lacking.length > 0 && html`<p class="lacking">${lackingText(item)}</p>`}
    ${item.votes && item.votes.length > 0 && html`<details class="who-voted"><summary>${t("who_voted")}</summary>
      <ul>${item.votes.map((v) => html`<li key=${v.participant_id}><bdi>${nameOf(state, v.participant_id)}</bdi>${departmentOf(state, v.participant_id) && html` <span class="muted">(${label(departmentOf(state, v.participant_id))})</span>`}: ${CHOICE_ICON[v.choice]} ${t(v.choice)}</li>`)}</ul>
    </details>`}
  </div>`;
}

// Which department did not support an item: "yet" while the group can still talk it over,
// not once the facilitator has decided it.
function lackingText(item) {
  const decided = item.status === "agreed" || item.status === "rejected";
  return t(decided ? "lacking_support_decided" : "lacking_support", { departments: item.lacking.map(label).join(", ") });
}

function VotePanel({ state, item }) {
  const mine = state.you.vote_by_item[String(item.id)];
  const locked = isLocked(state, item.section);
  const waiting = state.participants.filter((p) => !item.voted.includes(p.id));
  return html`<div class="vote-panel">
    ${state.you.role === "participant" && html`<div class="vote-buttons" role="group" aria-label=${t("tally")}>
      ${S.vote_choices.map((c) => html`<button key=${c}
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
      <input value=${reason} maxlength=${S.limits.decide_reason} required ref=${input}
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
          link=${(state.targets.kpi_targets || {})[item.id]} language=${state.you.language} currency=${currencyOf(state)} />`}
    ${item.decision_reason && html`<p class="reason"><strong>${t("reason")}:</strong> ${item.decision_reason}</p>`}
    ${extra}
    ${!compact && item.status === "open" && html`<${VotePanel} state=${state} item=${item} />`}
    ${!compact && revealed && html`<${VoteResult} state=${state} item=${item} />`}
    ${facilitator && !compact && html`<div class="facilitator-controls">
      ${item.status === "open" && html`<button class="button small secondary" onClick=${() => send("reveal", { item_id: item.id })}>${t("reveal")}</button>`}
      ${(item.status === "open" || item.status === "revealed") && html`<${DecisionControls} item=${item} />`}
      ${item.status !== "open" && html`<button class="button small secondary" onClick=${() => send("reopen_item", { item_id: item.id })}><span aria-hidden="true">↺</span> ${t("reopen_item")}</button>`}
      ${!editing && html`<button class="button small secondary" onClick=${() => setEditing(true)}><span aria-hidden="true">✎</span> ${t("edit")}</button>`}
      <${SpotlightButton} state=${state} item=${item} />
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
      input = html`<input id=${id} value=${value} maxlength=${S.limits.detail_text} onInput=${(e) => setValue(key, e.target.value)} />`;
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
    <label>${t("proposal")}<textarea rows="2" maxlength=${S.limits.item_text} value=${text} onInput=${(e) => setText(e.target.value)}></textarea></label>
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
      <textarea rows="2" maxlength=${S.limits.item_text} required value=${text} onInput=${(e) => setText(e.target.value)}></textarea>
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
  const [mode, setMode] = useViewMode();
  const votable = items.some((i) => i.status === "open");
  const quick = mode === "list" && votable;
  return html`<section class="item-section" aria-labelledby=${`sec-${section}`}>
    <div class="section-head">
      <h2 id=${`sec-${section}`}>${S.sections[section]}</h2>
      ${votable && html`<div class="view-toggle" role="group" aria-label=${t("view_mode")}>
        <button class="button tiny secondary" aria-pressed=${!quick} onClick=${() => setMode("cards")}>${t("view_cards")}</button>
        <button class="button tiny secondary" aria-pressed=${quick} onClick=${() => setMode("list")}>${t("view_list")}</button>
      </div>`}
      <${SectionLock} state=${state} section=${section} />
    </div>
    ${isLocked(state, section) && isFacilitator(state) && html`<p class="locked-note">${t("locked")}</p>`}
    ${items.length === 0 && html`<p class="muted">${t("nothing_yet")}</p>`}
    ${quick ? html`<${QuickList} state=${state} section=${section} items=${items} extra=${extra} />`
      : html`<div class="items">${items.map((item) => html`<${ItemCard} key=${item.id} state=${state} item=${item}
      extra=${extra && extra(item)} />`)}</div>`}
    <${ProposeForm} state=${state} section=${section} defaults=${proposeDefaults || {}} phases=${phases} />
  </section>`;
}

export function FieldsForm({ state, section, only }) {
  const spec = S.fields[section] || {};
  const values = state.fields[section] || {};
  const keys = Object.keys(spec).filter((k) => !only || only.includes(k));
  const facilitator = isFacilitator(state);
  if (!facilitator) {
    // Delegates and the projector see what has been captured, and no empty card before that.
    const shown = keys.filter((k) => values[k] !== undefined && values[k] !== "");
    if (shown.length === 0) return null;
    return html`<section class="card captured" aria-label=${t("captured")}>
      <h3>${t("captured")}</h3>
      <dl class="details">${shown.map((k) => html`<div key=${k}>
        <dt>${label(k)}</dt><dd>${Array.isArray(spec[k]) ? label(values[k])
          : formatValue(values[k], { language: state.you.language, kind: spec[k],
            currency: (S.money_fields[section] || []).includes(k) ? currencyOf(state) : null })}</dd></div>`)}</dl>
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
  const saved = useRef(false);
  const id = `field-${section}-${field}`;
  const value = draft ?? stored;
  // A saved value stays on screen until the snapshot that carries it arrives.
  useEffect(() => {
    if (saved.current && draft !== null && String(stored) === String(draft)) {
      saved.current = false;
      setDraft(null);
    }
  }, [stored, draft]);
  const save = async (next) => {
    if (next === stored) { setDraft(null); return; }
    const ack = await send("set_field", { section, field, value: next });
    // Refused: keep the draft so nothing typed is lost; the toast says why.
    if (ack.ok) saved.current = true;
  };
  const typing = (e) => { saved.current = false; setDraft(e.target.value); };
  const box = useFitRows(value);
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
    input = html`<textarea id=${id} ref=${box} maxlength=${S.limits.field_text} value=${value}
      onInput=${typing} onBlur=${commit}></textarea>`;
  } else if (kind === "date") {
    input = html`<input id=${id} type="date" value=${value} onInput=${typing} onChange=${commit} onBlur=${commit} />`;
  } else {
    input = html`<input id=${id} type="number" min="0" step=${kind === "int" ? 1 : "any"} value=${value}
      onInput=${typing} onBlur=${commit} onKeyDown=${(e) => e.key === "Enter" && commit(e)} />`;
  }
  // A text value (a paragraph) takes the whole width of the grid: wide enough to read.
  return html`<div class=${kind === "text" ? "field field-text" : "field"}><label for=${id}>${label(field)}</label>${input}</div>`;
}

// A text box as tall as its text at the box's width: at least 2 rows, at most 8 (then it
// scrolls). Measured before paint whenever the text changes, and again when the window
// is resized; only the rows change, never the value, so nothing typed is touched.
const FIT_ROWS = { min: 2, max: 8 };

function fitRows(el) {
  el.rows = FIT_ROWS.min;
  while (el.rows < FIT_ROWS.max && el.scrollHeight > el.clientHeight) el.rows += 1;
}

function useFitRows(value) {
  const box = useRef(null);
  useLayoutEffect(() => { if (box.current) fitRows(box.current); }, [value]);
  useEffect(() => {
    const resized = () => { if (box.current) fitRows(box.current); };
    window.addEventListener("resize", resized);
    return () => window.removeEventListener("resize", resized);
  }, []);
  return box;
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

// Cards or the quick list, remembered in this browser.
const viewListeners = new Set();
let viewMode = (() => { try { return localStorage.getItem("sla-view") || "cards"; } catch (e) { return "cards"; } })();

function useViewMode() {
  const [mode, setLocal] = useState(viewMode);
  useEffect(() => { viewListeners.add(setLocal); return () => viewListeners.delete(setLocal); }, []);
  const set = (next) => {
    viewMode = next;
    try { localStorage.setItem("sla-view", next); } catch (e) { /* private mode */ }
    viewListeners.forEach((fn) => fn(next));
  };
  return [mode, set];
}

// The vote choices in the server's order: keys 1–4 follow it; the letters are shortcuts.
const CHOICES = S.vote_choices;
const KEYS = { ...Object.fromEntries(CHOICES.map((c, n) => [String(n + 1), c])), a: "agree", o: "abstain", d: "disagree", b: "block" };

// One row per item, four vote buttons, keys 1–4 (or a, o, d, b) to vote and ↑/↓ (or k/j) to
// move: a section voted through in a minute. After a vote the next row has the focus.
function QuickList({ state, section, items, extra }) {
  const list = useRef(null);
  const delegate = state.you.role === "participant";
  const locked = isLocked(state, section);
  const rows = () => [...list.current.querySelectorAll("li[data-item]")];
  const focusRow = (index) => { const all = rows(); if (all[index]) all[index].focus(); };
  const vote = async (item, choice, index) => {
    if (!delegate || locked || item.status !== "open") return;
    const ack = await send("vote", { item_id: item.id, choice });
    if (ack.ok) focusRow(index + 1);
  };
  const onKey = (e, item, index) => {
    if (e.target.tagName !== "LI" || e.altKey || e.ctrlKey || e.metaKey) return;
    const key = e.key.toLowerCase();
    if (KEYS[key]) { e.preventDefault(); vote(item, KEYS[key], index); }
    else if (key === "arrowdown" || key === "j") { e.preventDefault(); focusRow(index + 1); }
    else if (key === "arrowup" || key === "k") { e.preventDefault(); focusRow(index - 1); }
  };
  return html`<div class="quick">
    ${delegate && html`<p class="muted quick-keys" id=${`keys-${section}`}>${t("quick_keys")}</p>`}
    <ol class="quick-list" ref=${list}>${items.map((item, index) => {
      const mine = state.you.vote_by_item[String(item.id)];
      return html`<li key=${item.id} data-item=${item.id} tabindex="0" class=${`quick-row status-${item.status}`}
          aria-label=${item.text} aria-describedby=${delegate ? `keys-${section}` : null} onKeyDown=${(e) => onKey(e, item, index)}>
        <span class="quick-status" aria-hidden="true">${STATUS_ICON[item.status]}</span>
        <span class="quick-text">${item.text}</span>
        ${item.edited && html`<span class="badge edited-badge">${t("edited_vote_again")}</span>`}
        <span class="quick-meta">${item.status === "open"
          ? t("votes_cast", { n: item.votes_cast, total: state.participants.length })
          : item.consensus ? t(`consensus_${item.consensus}`) : t(`status_${item.status}`)}</span>
        ${delegate && item.status === "open" && html`<span class="quick-votes" role="group" aria-label=${t("tally")}>
          ${CHOICES.map((c, n) => html`<button key=${c} tabindex="-1" class=${`button tiny vote choice-${c} ${mine === c ? "chosen" : ""}`}
            aria-pressed=${mine === c} disabled=${locked} title=${`${t(c)} (${n + 1})`}
            onClick=${() => vote(item, c, index)}><span aria-hidden="true">${CHOICE_ICON[c]}</span><span class="visually-hidden">${t(c)}</span></button>`)}
        </span>`}
        ${extra && extra(item)}
        ${isFacilitator(state) && html`<${SpotlightButton} state=${state} item=${item} />`}
      </li>`;
    })}</ol>
  </div>`;
}

// The facilitator puts an item on the projector, or takes it off again.
export function SpotlightButton({ state, item }) {
  if (!isFacilitator(state)) return null;
  const on = state.spotlight === item.id;
  return html`<button class="button tiny secondary spotlight-button" aria-pressed=${on}
    onClick=${() => send("spotlight", { item_id: on ? null : item.id })}>
    <span aria-hidden="true">◉</span> ${on ? t("spotlight_off") : t("spotlight_on")}</button>`;
}

// The projector's spotlight: one item, large, with its live vote count and, after the reveal,
// the result and which department has not supported it.
export function Spotlight({ state, item }) {
  const total = state.participants.length;
  return html`<section class="spotlight" aria-labelledby="spotlight-text">
    <p class="spotlight-section">${S.sections[item.section]} <${StatusBadge} status=${item.status} /></p>
    <p class="spotlight-text" id="spotlight-text">${item.text}</p>
    ${item.status === "open"
      ? html`<p class="spotlight-count" role="status">${t("votes_cast", { n: item.votes_cast, total })}</p>`
      : item.tally && html`<div class="spotlight-result">
        <p class="tally-text">${CHOICES.map((c) => html`<span key=${c} class=${`choice-${c}`}>${CHOICE_ICON[c]} ${t(c)}: <strong>${item.tally[c]}</strong></span> `)}</p>
        <p class=${`consensus consensus-${item.consensus}`}><span aria-hidden="true">${CONSENSUS_ICON[item.consensus]}</span> ${t(`consensus_${item.consensus}`)}</p>
        ${item.lacking && item.lacking.length > 0 && html`<p class="lacking">${lackingText(item)}</p>`}
      </div>`}
  </section>`;
}

// The projector without a spotlight: each section of the stage at a glance.
export function SectionProgress({ state, sections }) {
  const rows = sections.map((section) => {
    // Every item of the section, journey phases too: the console's "N items of this stage are
    // still open" and each delegate's "N of M left" count them as well.
    const items = itemsOf(state, section);
    const count = (status) => items.filter((i) => i.status === status).length;
    return { section, total: items.length, agreed: count("agreed"), revealed: count("revealed"), open: count("open"), rejected: count("rejected") };
  }).filter((r) => r.total > 0);
  if (!rows.length) return null;
  return html`<ul class="section-progress">${rows.map((r) => html`<li key=${r.section}>
    <span class="sp-name">${S.sections[r.section]}</span>
    <span class="sp-bar" aria-hidden="true"><span class="sp-agreed" style=${`width:${(100 * r.agreed) / r.total}%`}></span><span class="sp-revealed" style=${`width:${(100 * r.revealed) / r.total}%`}></span></span>
    <span class="sp-counts">${t("progress_counts", { agreed: r.agreed, revealed: r.revealed, open: r.open, total: r.total })}</span>
  </li>`)}</ul>`;
}
