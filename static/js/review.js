// The review page: server-rendered; every change in the workshop arrives as a `state`, and
// the page fetches itself again and swaps the review (never while someone types in it).
// Forms with data-command send that command with their fields (and data-*_id attributes).
import { io } from "../vendor/socket.io-client-4.8.4/socket.io.esm.min.js";

const root = document.getElementById("dashboard");
const socket = io({ auth: { code: root.dataset.code } });
let version = 0;
let refreshing = null;

socket.on("state", (state) => {
  if (state.version <= version) return;
  const first = version === 0;
  version = state.version;
  if (!first) refresh();
});

function refresh() {
  clearTimeout(refreshing);
  refreshing = setTimeout(async () => {
    const response = await fetch(window.location.pathname, { credentials: "same-origin" });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("review");
    const current = document.getElementById("review");
    if (!fresh || !current) return;
    const typing = current.contains(document.activeElement) && document.activeElement.matches("input, textarea");
    if (typing && document.activeElement.value) refresh(); // keep what someone is typing
    else current.replaceWith(fresh);
  }, 300);
}

document.addEventListener("submit", (event) => {
  const form = event.target.closest("form.command-form");
  if (!form) return;
  event.preventDefault();
  if (form.dataset.busy) return; // a double click sends once
  const payload = { type: form.dataset.command };
  for (const [key, value] of Object.entries(form.dataset)) {
    if (key.endsWith("_id")) payload[key] = Number(value);
  }
  for (const element of form.elements) {
    if (element.name) payload[element.name] = element.value.trim();
  }
  form.dataset.busy = "1";
  socket.timeout(10000).emit("command", payload, (err, ack) => {
    delete form.dataset.busy;
    const message = document.getElementById("dashboard-error");
    if (err || !ack.ok) {
      message.textContent = err ? err.message : ack.error;
      message.hidden = false;
      return;
    }
    message.hidden = true;
    if (form.dataset.command !== "update_review") form.reset();
    document.activeElement.blur();
    refresh();
  });
});
