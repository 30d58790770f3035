// The review page: server-rendered; every change in the workshop arrives as a `state`, and
// the page fetches itself again and swaps the review (never while someone types in it).
// Forms with data-command send that command (command-form.js).
import { io } from "../vendor/socket.io-client-4.8.4/socket.io.esm.min.js";
import { bindCommandForms, followWorkshop, pageRefresher } from "./command-form.js";

const root = document.getElementById("dashboard");
const socket = io({ auth: { code: root.dataset.code } });

const refresh = pageRefresher((page) => {
  const current = document.getElementById("review");
  const typing = current.contains(document.activeElement) && document.activeElement.matches("input, textarea");
  if (typing && document.activeElement.value) return true; // keep what someone is typing
  for (const selector of [".dashboard-head", "#review"]) {
    const fresh = page.querySelector(selector);
    if (fresh) document.querySelector(selector).replaceWith(fresh);
  }
  return false;
});

followWorkshop(socket, refresh);
bindCommandForms(socket, refresh);
