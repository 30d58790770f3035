// What the dashboard and review pages share: they follow the workshop over the socket,
// fetch themselves again when it changes, and send commands from their forms.

// One command; a refusal (or no answer in 10 s) is shown in #dashboard-error. done(ok, ack).
export function sendCommand(socket, payload, done) {
  socket.timeout(10000).emit("command", payload, (err, ack) => {
    const message = document.getElementById("dashboard-error");
    if (err || !ack.ok) {
      message.textContent = err ? err.message : ack.error;
      message.hidden = false;
      done(false);
      return;
    }
    message.hidden = true;
    done(true, ack);
  });
}

// onChange() for every `state` newer than the first one (the page itself is that one).
export function followWorkshop(socket, onChange) {
  let version = 0;
  socket.on("state", (state) => {
    if (state.version <= version) return;
    const first = version === 0;
    version = state.version;
    if (!first) onChange();
  });
}

// A refresh, at most one per 300 ms: the page is fetched again and swap(fresh page) replaces
// its parts; swap returns true when a part was busy (someone typing), to try again shortly.
export function pageRefresher(swap) {
  let refreshing = null;
  const refresh = () => {
    clearTimeout(refreshing);
    refreshing = setTimeout(async () => {
      const response = await fetch(window.location.pathname + window.location.search,
        { credentials: "same-origin" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      if (swap(page)) refresh();
    }, 300);
  };
  return refresh;
}

// Forms that send one command: <form class="command-form" data-command="close_action"
// data-action_id="7"> sends {type, action_id: 7, ...every named field, trimmed}. A double
// click sends once; a refusal is shown in #dashboard-error; on success `done()` runs.
export function bindCommandForms(socket, done) {
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form.command-form");
    if (!form) return;
    event.preventDefault();
    if (form.dataset.busy) return;
    const payload = { type: form.dataset.command };
    for (const [key, value] of Object.entries(form.dataset)) {
      if (key.endsWith("_id")) payload[key] = Number(value);
    }
    for (const element of form.elements) {
      if (element.name) payload[element.name] = element.value.trim();
    }
    form.dataset.busy = "1";
    sendCommand(socket, payload, (ok) => {
      delete form.dataset.busy;
      if (!ok) return;
      if (!form.dataset.keep) form.reset();
      document.activeElement.blur();
      done();
    });
  });
}
