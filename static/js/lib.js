// Shared helpers: translations, the socket, commands. Vendored Preact + htm, no build step.
import { h, html, render, useState, useEffect, useLayoutEffect, useRef } from "../vendor/htm-3.1.1/standalone.module.js";
import { io } from "../vendor/socket.io-client-4.8.4/socket.io.esm.min.js";
import { applyPatch } from "./statepatch.js";

export { h, html, render, useState, useEffect, useLayoutEffect, useRef };

export const S = JSON.parse(document.getElementById("strings").textContent);
export const root = document.getElementById("app");
export const page = { ...root.dataset };

// "%(n)s of %(total)s" with params, as the server's gettext strings are written.
export function fmt(text, params = {}) {
  return String(text).replace(/%\((\w+)\)s/g, (_, key) => (key in params ? params[key] : ""));
}
export const t = (key, params) => fmt(S.ui[key] ?? key, params);
// Plurals come from the server's ngettext: {one, other} per key (both languages: n == 1).
export const tn = (key, n, params = {}) => {
  const forms = S.plurals[key];
  return forms ? fmt(n === 1 ? forms.one : forms.other, { n, ...params }) : t(key, { n, ...params });
};
export const label = (key) => S.labels[key] ?? key;

let socket = null;
const listeners = new Set();
const errorListeners = new Set();
export const onState = (fn) => listeners.add(fn);
let seenVersion = 0;
listeners.add((state) => { seenVersion = Math.max(seenVersion, state.version); });

// Runs fn once the page has rendered a state at least as new as `version` (an ack may
// arrive before the state it caused: broadcasts are coalesced on the server).
export function afterState(version, fn) {
  const rendered = () => requestAnimationFrame(() => requestAnimationFrame(fn));
  if (seenVersion >= version) return rendered();
  const wait = (state) => {
    if (state.version < version) return;
    listeners.delete(wait);
    rendered();
  };
  listeners.add(wait);
}
export const onError = (fn) => errorListeners.add(fn);

// Removal is final: the socket stops reconnecting and the page says so. The server may close
// the socket before `removed` arrives, so a server-side close is checked over HTTP too.
let removed = false;
function endRemoved(onStatus) {
  if (removed) return;
  removed = true;
  socket.io.reconnection(false);
  socket.disconnect();
  onStatus("removed");
}

async function stillMember() {
  try {
    const response = await fetch(`/api/workshops/${page.code}/state`, { credentials: "same-origin" });
    return !(response.status === 401 || response.status === 403);
  } catch (err) {
    return true; // the network, not the token: keep reconnecting
  }
}

// The projector's read-only link has no socket: it asks for the snapshot every two seconds
// (answered 204 while nothing changed) and sends nothing.
function poll(onStatus) {
  let version = null;
  const once = async () => {
    try {
      const since = version === null ? "" : `&since=${version}`;
      const response = await fetch(`/w/${page.code}/present/state?view=${encodeURIComponent(page.viewToken)}${since}`,
        { credentials: "omit", cache: "no-store" });
      if (response.status === 200) {
        const state = await response.json();
        version = state.version;
        listeners.forEach((fn) => fn(state));
      }
      onStatus(response.ok ? "online" : "offline");
    } catch (err) {
      onStatus("offline");
    }
    setTimeout(once, 2000);
  };
  once();
  return { on: () => {} };
}

// Query parameters every picture of this page carries (the projector link's token).
export const pictureParams = () => (page.viewToken ? `&view=${encodeURIComponent(page.viewToken)}` : "");

// A burst of snapshots (the facilitator settling thirty items in a row) is rendered once:
// the newest state within STATE_BATCH_MS goes to the listeners, a busy laptop skips the rest.
const STATE_BATCH_MS = 25;
let pendingState = null;
function deliver(state) {
  const scheduled = pendingState !== null;
  if (!scheduled || state.version >= pendingState.version) pendingState = state;
  if (scheduled) return;
  setTimeout(flushState, STATE_BATCH_MS);
}
function flushState() {
  const newest = pendingState;
  pendingState = null;
  if (newest && !removed) listeners.forEach((fn) => fn(newest));
}

// Who is online, from a `presence` event, set in a snapshot.
export function withPresence(state, { online }) {
  const on = (person) => ({ ...person, online: online.includes(person.id) });
  return { ...state, facilitator: on(state.facilitator), participants: state.participants.map(on) };
}

// The page asks for `state_patch` with every change: the difference to the snapshot it holds
// (`base`, as received, presence applied). A patch that does not start from it (one was
// missed, or came from another server process) makes the page ask for a full `state`.
let base = null;
let syncing = false;
let held = []; // patches that arrived while a full state was on its way
function resync() {
  if (syncing) return;
  syncing = true;
  held = [];
  socket.emit("sync");
  // A `sync` over the socket's command rate gets no answer: the next patch may ask again.
  setTimeout(() => { syncing = false; }, 5000);
}
function onFullState(state) {
  syncing = false;
  if (!base || state.version >= base.version) base = state;
  // The full state may have been built before a patch that arrived ahead of it.
  const waiting = held;
  held = [];
  waiting.forEach(applyOrResync);
  deliver(base);
}
function applyOrResync(patch) {
  if (patch.from !== base.version) {
    if (patch.version > base.version) resync();
    return false;
  }
  try {
    base = applyPatch(base, patch.ops);
  } catch (err) {
    resync();
    return false;
  }
  return true;
}
function onPatch(patch) {
  if (!base) return;
  if (syncing) {
    held.push(patch);
    return;
  }
  if (applyOrResync(patch)) deliver(base);
}

export function connect(onStatus) {
  if (page.viewToken) return poll(onStatus);
  socket = io({ auth: { code: page.code, patches: true } });
  socket.on("connect", () => onStatus("online"));
  socket.on("disconnect", async (reason) => {
    if (removed) return;
    onStatus("offline");
    if (reason === "io server disconnect") {
      if (await stillMember()) socket.connect();
      else endRemoved(onStatus);
    }
  });
  socket.on("connect_error", async () => {
    if (removed) return;
    onStatus("offline");
    if (!(await stillMember())) endRemoved(onStatus);
  });
  socket.on("state", (state) => { if (!removed) onFullState(state); });
  socket.on("state_patch", (patch) => { if (!removed) onPatch(patch); });
  socket.on("connect", () => { syncing = false; }); // a connect brings a full state
  // A `presence` event applies to the newest state: a waiting one is rendered first.
  socket.on("presence", (presence) => {
    if (base) base = withPresence(base, presence);
    flushState();
  });
  socket.on("removed", () => endRemoved(onStatus));
  return socket;
}

// A command already on its way is not sent twice (a double click): the second caller gets
// the first one's answer. Commands that happen once (finalize, sign, propose, decide, …)
// also answer a repeat within two seconds of their success with that success.
const inFlight = new Map();
const recent = new Map();
const ONCE = new Set(["finalize", "sign", "propose", "reveal", "reveal_section", "agree_consented",
  "decide", "reopen", "reopen_item", "remove_participant", "start_timer", "stop_timer", "edit_item"]);

// Every change goes through one socket event, answered by an ack.
export function send(type, payload = {}) {
  const key = JSON.stringify([type, payload]);
  if (inFlight.has(key)) return inFlight.get(key);
  const done = recent.get(key);
  if (done && Date.now() - done.at < 2000) return Promise.resolve(done.ack);
  const answer = sendNow(type, payload).then((ack) => {
    if (ack.ok && ONCE.has(type)) recent.set(key, { at: Date.now(), ack });
    return ack;
  }).finally(() => inFlight.delete(key));
  inFlight.set(key, answer);
  return answer;
}

export const busy = (type) => [...inFlight.keys()].some((k) => JSON.parse(k)[0] === type);

function sendNow(type, payload) {
  return new Promise((resolve) => {
    if (!socket || !socket.connected) {
      const ack = { ok: false, code: "offline", error: t("offline") };
      errorListeners.forEach((fn) => fn(ack));
      resolve(ack);
      return;
    }
    socket.timeout(10000).emit("command", { type, ...payload }, (err, ack) => {
      const answer = err ? { ok: false, code: "timeout", error: t("error") } : ack;
      if (!answer.ok) errorListeners.forEach((fn) => fn(answer));
      resolve(answer);
    });
  });
}

export const itemsOf = (state, section) =>
  state.items.filter((i) => i.section === section).sort((a, b) => a.position - b.position);

export const isFacilitator = (state) => state.you.role === "facilitator";
export const isLocked = (state, section) => state.locked_sections.includes(section);

export function departmentOf(state, id) {
  const person = state.participants.find((p) => p.id === id);
  return person ? person.department : "";
}

export function nameOf(state, id) {
  if (state.facilitator.id === id) return state.facilitator.name;
  const person = state.participants.find((p) => p.id === id);
  return person ? person.name : "?";
}

// A short fingerprint of what a picture shows (FNV-1a): its URL changes with any change of
// content or language, so the browser never shows a stale picture from its cache.
export function fingerprint(value) {
  const text = JSON.stringify(value);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}
