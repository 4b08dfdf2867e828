// fakes3 console: the journal poller and the action buttons. No build step, no framework.
// Every value from the server is written with textContent, never innerHTML.
"use strict";

const actions = document.body.dataset.actions === "1";

async function call(method, path, body) {
  const options = { method, headers: { "Content-Type": "application/json" } };
  if (body !== undefined) options.body = JSON.stringify(body);
  const response = await fetch(path, options);
  const text = await response.text();
  const result = document.getElementById("action-result");
  if (result) result.textContent = response.status + " " + text;
  return response;
}

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "" : String(text);
  if (className) td.className = className;
  row.appendChild(td);
}

function journalPage() {
  const body = document.querySelector("#journal tbody");
  const count = document.getElementById("journal-count");
  const value = (id) => document.getElementById(id).value.trim();
  const checked = (id) => document.getElementById(id).checked;
  let entries = [];

  function keep(entry) {
    if (checked("f-control") && entry.path.startsWith("/_fakes3/")) return false;
    if (checked("f-faults") && !entry.fault) return false;
    const operation = value("f-operation").toLowerCase();
    if (operation && !String(entry.operation || "").toLowerCase().includes(operation)) return false;
    const status = value("f-status");
    if (status && !String(entry.status).startsWith(status)) return false;
    const error = value("f-error").toLowerCase();
    if (error && !String(entry.error_code || "").toLowerCase().includes(error)) return false;
    const where = value("f-where");
    const names = [entry.bucket, entry.key].filter(Boolean).join("/");
    return !where || names.includes(where);
  }

  function render() {
    const shown = entries.filter(keep).reverse();
    body.replaceChildren();
    for (const entry of shown) {
      const row = document.createElement("tr");
      if (entry.status >= 400) row.className = "err";
      if (entry.fault) row.className = "fault";
      cell(row, new Date(entry.time * 1000).toISOString().slice(11, 23));
      cell(row, entry.operation || "-", "operation");
      cell(row, entry.method);
      cell(row, [entry.bucket, entry.key].filter(Boolean).join("/") || entry.path);
      cell(row, entry.status, "status");
      cell(row, entry.error_code, "error-code");
      cell(row, (entry.duration * 1000).toFixed(2));
      cell(row, entry.fault, "fault-id");
      body.appendChild(row);
    }
    count.textContent = shown.length + " of " + entries.length + " request(s)";
  }

  async function poll() {
    if (checked("f-live")) {
      try {
        const response = await fetch("/_fakes3/console/journal.json");
        entries = (await response.json()).entries;
        render();
      } catch (error) {
        count.textContent = "cannot read the journal: " + error;
      }
    }
    setTimeout(poll, 1000);
  }

  document.getElementById("filters").addEventListener("submit", (event) => event.preventDefault());
  document.getElementById("filters").addEventListener("input", render);
  poll();
}

function consistencyPage() {
  if (!actions) return;
  document.getElementById("settle").addEventListener("click", async () => {
    const response = await call("POST", "/_fakes3/consistency/settle");
    if (response.ok) location.reload();
  });
  document.getElementById("advance").addEventListener("click", async () => {
    const seconds = Number(document.getElementById("advance-seconds").value);
    const response = await call("POST", "/_fakes3/clock/advance", { seconds });
    if (response.ok) location.reload();
  });
}

function faultsPage() {
  if (!actions) return;
  for (const button of document.querySelectorAll("button.remove")) {
    button.addEventListener("click", async () => {
      const path = "/_fakes3/faults/" + encodeURIComponent(button.dataset.id);
      const response = await call("DELETE", path);
      if (response.ok) location.reload();
    });
  }
  document.getElementById("add-rule").addEventListener("click", async () => {
    let rule;
    try {
      rule = JSON.parse(document.getElementById("rule-json").value);
    } catch (error) {
      document.getElementById("action-result").textContent = "not JSON: " + error;
      return;
    }
    const response = await call("POST", "/_fakes3/faults", rule);
    if (response.ok) location.reload();
  });
}

const page = document.body.dataset.page;
if (page === "journal") journalPage();
if (page === "consistency") consistencyPage();
if (page === "faults") faultsPage();
