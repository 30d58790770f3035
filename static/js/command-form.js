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
    socket.timeout(10000).emit("command", payload, (err, ack) => {
      delete form.dataset.busy;
      const message = document.getElementById("dashboard-error");
      if (err || !ack.ok) {
        message.textContent = err ? err.message : ack.error;
        message.hidden = false;
        return;
      }
      message.hidden = true;
      if (!form.dataset.keep) form.reset();
      document.activeElement.blur();
      done();
    });
  });
}
