// The dashboard page: server-rendered; this script keeps it live and records actuals.
// Every change in the workshop arrives as a `state`; the page then fetches itself again
// and swaps the KPI grid, so the charts and statuses always come from the server.
import { io } from "../vendor/socket.io-client-4.8.4/socket.io.esm.min.js";
import { bindCommandForms, followWorkshop, pageRefresher, sendCommand } from "./command-form.js";

const root = document.getElementById("dashboard");
// Members follow the workshop over the socket; a read-only link refreshes every minute.
const viewer = root.dataset.role === "viewer";
const socket = viewer ? null : io({ auth: { code: root.dataset.code } });

const refresh = pageRefresher((page) => {
  let busy = false;
  for (const selector of [".kpi-grid", "#escalations", "section.webhook", "#actions"]) {
    const fresh = page.querySelector(selector);
    const current = document.querySelector(selector);
    if (!fresh || !current) continue;
    // Never swap a part someone is typing in (or has an open history in): retry shortly.
    if (current.contains(document.activeElement) && document.activeElement !== document.body) busy = true;
    else current.replaceWith(keepOpen(current, fresh));
  }
  return busy;
});

if (viewer) setInterval(refresh, 60000);
else followWorkshop(socket, refresh);

// A history someone opened stays open when the part is replaced.
function keepOpen(current, fresh) {
  const open = new Set([...current.querySelectorAll("details[open]")].map((d) => d.closest("[aria-labelledby]")?.getAttribute("aria-labelledby")));
  for (const details of fresh.querySelectorAll("details")) {
    if (open.has(details.closest("[aria-labelledby]")?.getAttribute("aria-labelledby"))) details.open = true;
  }
  return fresh;
}

const command = (payload, done) => sendCommand(socket, payload, done);

// Acknowledge or resolve an escalation, with a note (a resolution needs one).
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form.escalation-action");
  if (!form) return;
  event.preventDefault();
  if (form.dataset.busy) return; // a double click sends once
  form.dataset.busy = "1";
  const action = event.submitter ? event.submitter.value : "acknowledge";
  const note = form.elements.note.value.trim();
  const payload = { type: `${action}_escalation`, escalation_id: Number(form.dataset.escalation) };
  if (note || action === "resolve") payload.note = note;
  command(payload, (ok) => {
    delete form.dataset.busy;
    if (ok) {
      document.activeElement.blur();
      refresh();
    }
  });
});

// The facilitator sets or removes the webhook (the section is swapped on refresh, so the
// listeners sit on the document).
function saveWebhook(form, url) {
  if (form.dataset.busy) return;
  form.dataset.busy = "1";
  command({ type: "set_webhook", url }, (ok) => {
    delete form.dataset.busy;
    if (ok) {
      form.reset();
      document.activeElement.blur();
      refresh();
    }
  });
}
document.addEventListener("submit", (event) => {
  const form = event.target.closest("#webhook-form");
  if (!form) return;
  event.preventDefault();
  saveWebhook(form, form.elements.url.value.trim());
});
document.addEventListener("click", (event) => {
  if (event.target.closest("#webhook-remove")) saveWebhook(document.getElementById("webhook-form"), "");
});

// A delegate of the owning department (or the facilitator) records an actual.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form.record-actual");
  if (!form) return;
  event.preventDefault();
  const button = form.querySelector("button");
  if (button.disabled) return;
  button.disabled = true;
  const payload = {
    type: "record_actual",
    kpi_id: Number(form.dataset.kpi),
    period: form.elements.period.value.trim(),
    value: Number(form.elements.value.value),
  };
  command(payload, (ok) => {
    button.disabled = false;
    if (!ok) return;
    form.reset();
    document.activeElement.blur();
    refresh();
  });
});

// The facilitator shares or revokes read-only links; the link comes back in the ack only.
const share = document.getElementById("share-create");
if (share) {
  const result = document.getElementById("share-result");
  share.addEventListener("click", () => {
    share.disabled = true;
    socket.timeout(10000).emit("command", { type: "create_dashboard_link" }, (err, ack) => {
      share.disabled = false;
      if (err || !ack.ok) {
        result.textContent = err ? err.message : ack.error;
        return;
      }
      const input = document.createElement("input");
      input.readOnly = true;
      input.className = "share-link";
      input.setAttribute("aria-label", share.textContent);
      input.value = window.location.origin + ack.dashboard_path;
      result.replaceChildren(input);
      input.select();
    });
  });
  const revoke = document.getElementById("share-revoke");
  revoke.addEventListener("click", () => {
    revoke.disabled = true;
    socket.timeout(10000).emit("command", { type: "revoke_dashboard_links" }, (err, ack) => {
      revoke.disabled = false;
      result.textContent = err ? err.message : ack.ok ? revoke.dataset.done : ack.error;
    });
  });
}

// Action items are closed with a note from the dashboard too (command-form.js).
if (socket) bindCommandForms(socket, refresh);
