// Shared helpers: translations, the socket, commands. Vendored Preact + htm, no build step.
import { h, html, render, useState, useEffect, useRef } from "../vendor/htm-3.1.1/standalone.module.js";
import { io } from "../vendor/socket.io-client-4.8.4/socket.io.esm.min.js";

export { h, html, render, useState, useEffect, useRef };

export const S = JSON.parse(document.getElementById("strings").textContent);
export const root = document.getElementById("app");
export const page = { ...root.dataset };

// "%(n)s of %(total)s" with params, as the server's gettext strings are written.
export function fmt(text, params = {}) {
  return String(text).replace(/%\((\w+)\)s/g, (_, key) => (key in params ? params[key] : ""));
}
export const t = (key, params) => fmt(S.ui[key] ?? key, params);
export const label = (key) => S.labels[key] ?? key;

let socket = null;
const listeners = new Set();
const errorListeners = new Set();
export const onState = (fn) => listeners.add(fn);
export const onError = (fn) => errorListeners.add(fn);

export function connect(onStatus) {
  socket = io({ auth: { code: page.code } });
  socket.on("connect", () => onStatus("online"));
  socket.on("disconnect", () => onStatus("offline"));
  socket.on("connect_error", () => onStatus("offline"));
  socket.on("state", (state) => listeners.forEach((fn) => fn(state)));
  socket.on("removed", () => onStatus("removed"));
  return socket;
}

// Every change goes through one socket event, answered by an ack.
export function send(type, payload = {}) {
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
