// Actuals from a file on the dashboard: the file goes to the preview route (nothing is
// recorded), the table shows what would be, and "Record" sends the same file with the
// preview's `confirm` digest. Forms carry the session's csrf_token (security.check_csrf).
// Every word comes translated from the page (templates/dashboard_import.html).
const section = document.getElementById("import");

if (section) {
  const words = section.dataset;
  const form = document.getElementById("import-form");
  const question = document.getElementById("import-date-order");
  const problems = document.getElementById("import-problems");
  const preview = document.getElementById("import-preview");
  const result = document.getElementById("import-result");
  const confirmButton = document.getElementById("import-confirm");
  let confirmed = null;

  const fill = (text, params) =>
    String(text).replace(/%\((\w+)\)s/g, (_, key) => (key in params ? params[key] : ""));

  function reset() {
    problems.hidden = true;
    preview.hidden = true;
    result.textContent = "";
    confirmed = null;
  }

  async function send(url, extra) {
    const body = new FormData(form);
    for (const [key, value] of Object.entries(extra)) body.append(key, value);
    try {
      const response = await fetch(url, { method: "POST", body, credentials: "same-origin" });
      const answer = await response.json().catch(() => ({ error: words.failed }));
      return { ok: response.ok, answer };
    } catch {
      return { ok: false, answer: { error: words.failed } };
    }
  }

  function showProblems(answer) {
    if (answer.question === "date_order") {
      question.hidden = false;
      document.getElementById("import-question").textContent = answer.error;
      question.querySelector("input").focus();
      return;
    }
    document.getElementById("import-error").textContent = answer.error;
    const list = document.getElementById("import-problem-list");
    list.replaceChildren(
      ...(answer.problems || []).slice(1, 20).map((p) => {
        const item = document.createElement("li");
        item.textContent =
          p.line == null ? p.error : fill(words.problem, { ...p, problem: p.error });
        return item;
      }),
    );
    problems.hidden = false;
  }

  function cell(row, text, className) {
    const td = document.createElement(row.children.length ? "td" : "th");
    if (!row.children.length) td.scope = "row";
    td.textContent = text;
    if (className) td.className = className;
    row.append(td);
  }

  function showPreview(plan) {
    const tbody = document.getElementById("import-rows");
    tbody.replaceChildren(
      ...plan.rows.map((r) => {
        const tr = document.createElement("tr");
        tr.className = `change-${r.change}`;
        cell(tr, r.kpi);
        cell(tr, r.period);
        cell(tr, r.value_text, "num");
        cell(tr, r.old_text, "num");
        cell(tr, words[{ skipped: "skip" }[r.change] || r.change]);
        return tr;
      }),
    );
    const skipped = document.getElementById("import-skipped");
    skipped.replaceChildren(
      ...plan.skipped.map((s) => {
        const item = document.createElement("li");
        item.textContent = `${words.skipped} ${s.kpi}`;
        return item;
      }),
    );
    document.getElementById("import-summary").textContent = plan.to_record
      ? fill(words.summary, { kind: plan.kind_label, n: plan.rows.length, record: plan.to_record })
      : words.nothing;
    confirmButton.hidden = !plan.to_record;
    confirmed = plan.confirm;
    preview.hidden = false;
    (plan.to_record ? confirmButton : document.getElementById("import-cancel")).focus();
  }

  form.elements.file.addEventListener("change", () => {
    reset();
    question.hidden = true;
    for (const radio of question.querySelectorAll("input")) radio.checked = false;
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    if (button.disabled) return;
    reset();
    button.disabled = true;
    const { ok, answer } = await send(words.preview, {});
    button.disabled = false;
    if (ok) showPreview(answer);
    else showProblems(answer);
  });

  confirmButton.addEventListener("click", async () => {
    if (confirmButton.disabled || !confirmed) return;
    confirmButton.disabled = true;
    const { ok, answer } = await send(words.commit, { confirm: confirmed });
    confirmButton.disabled = false;
    if (!ok) {
      preview.hidden = true;
      showProblems(answer);
      return;
    }
    reset();
    question.hidden = true;
    form.reset();
    result.textContent = fill(words.done, { n: answer.recorded });
  });

  document.getElementById("import-cancel").addEventListener("click", () => {
    reset();
    form.elements.file.focus();
  });
}
