// The review page: server-rendered; every change in the workshop arrives as a `state`, and
// the page fetches itself again and swaps the review (never while someone types in it).
// Forms with data-command send that command (command-form.js).
import { io } from "../vendor/socket.io-client-4.8.4/socket.io.esm.min.js";
import { bindCommandForms } from "./command-form.js";

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
    const current = document.getElementById("review");
    const typing = current.contains(document.activeElement) && document.activeElement.matches("input, textarea");
    if (typing && document.activeElement.value) return refresh(); // keep what someone is typing
    for (const selector of [".dashboard-head", "#review"]) {
      const fresh = page.querySelector(selector);
      if (fresh) document.querySelector(selector).replaceWith(fresh);
    }
  }, 300);
}

bindCommandForms(socket, refresh);
