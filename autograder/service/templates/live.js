// The page's own script (allowed by this response's nonce): it asks the service's JSON API for
// the same data the page was drawn from, every second and a half while a hand-in is on its way
// (every five seconds otherwise), and redraws the tables. Values are set as text, never as markup.
(function () {
  "use strict";
  var body = document.body;
  var api = body.getAttribute("data-api");
  var FAST = 1500, SLOW = 5000;

  function cell(value, numeric) {
    var td = document.createElement("td");
    if (numeric) { td.className = "num"; }
    if (value !== null && typeof value === "object") {
      var link = document.createElement("a");
      link.textContent = value.text;
      link.setAttribute("href", value.href);
      td.appendChild(link);
    } else {
      td.textContent = value === null || value === undefined ? "" : String(value);
    }
    return td;
  }

  function fill(tbody, rows, numeric, empty, columns) {
    if (!tbody) { return; }
    var fresh = document.createDocumentFragment();
    rows.forEach(function (row) {
      var tr = document.createElement("tr");
      tr.className = "state-" + row.state;
      tr.setAttribute("data-handin", String(row.id));
      row.cells.forEach(function (value, index) { tr.appendChild(cell(value, numeric.indexOf(index) >= 0)); });
      fresh.appendChild(tr);
    });
    if (!rows.length) {
      var tr = document.createElement("tr");
      tr.className = "empty";
      var td = cell(empty, false);
      td.setAttribute("colspan", String(columns));
      tr.appendChild(td);
      fresh.appendChild(tr);
    }
    tbody.replaceChildren(fresh);
  }

  function field(scope, name, value) {
    var element = scope.querySelector('[data-field="' + name + '"]');
    if (element) { element.textContent = value; }
  }

  function show(id, visible) {
    var element = document.getElementById(id);
    if (element) { element.hidden = !visible; }
  }

  function byData(selector, name, value) {
    var found = null;
    document.querySelectorAll(selector).forEach(function (element) {
      if (element.getAttribute(name) === value) { found = element; }
    });
    return found;
  }

  function drawStudent(page) {
    show("paused", page.paused);
    page.sections.forEach(function (section) {
      var card = byData("section[data-assignment]", "data-assignment", section.assignment);
      if (!card) { return; }  // an assignment new since the page was drawn shows on reload
      field(card, "attempts", section.attempts);
      fill(card.querySelector("tbody"), section.rows, [2], body.getAttribute("data-empty"), 3);
      var links = card.querySelector('[data-field="feedback"]');
      var frame = card.querySelector("iframe");
      var version = String(section.feedback_version);
      if (!section.feedback.length) {
        links.textContent = body.getAttribute("data-no-feedback");
        frame.hidden = true;
        return;
      }
      var fresh = document.createDocumentFragment();
      section.feedback.forEach(function (page) {
        var link = document.createElement("a");
        link.textContent = page.notebook;
        link.setAttribute("href", page.url + "?v=" + version);
        link.setAttribute("target", links.getAttribute("data-frame"));
        fresh.appendChild(link);
      });
      links.replaceChildren(fresh);
      if (frame.getAttribute("data-version") !== version) {
        frame.setAttribute("data-version", version);
        frame.setAttribute("src", section.feedback[0].url + "?v=" + version);
      }
      frame.hidden = false;
    });
  }

  function drawInstructor(page) {
    show("paused", page.paused);
    show("running", !page.paused);
    show("pause", !page.paused);
    show("resume", page.paused);
    field(document, "throughput", page.throughput);
    field(document.querySelector("main > section"), "counts", page.counts);
    var queue = document.querySelector('table[data-table="queue"] tbody');
    fill(queue, page.queue, [7, 8], "—", 9);
    var failures = document.querySelector('table[data-table="failures"] tbody');
    fill(failures, page.failures, [], failures ? failures.getAttribute("data-empty") || "—" : "—", 4);
    page.roster.forEach(function (assignment) {
      var card = byData("section[data-roster]", "data-roster", assignment.assignment);
      if (!card) { return; }
      field(card, "counts", assignment.counts);
      fill(card.querySelector("tbody"), assignment.rows, [1, 3, 4], "—", 5);
    });
  }

  var draw = body.getAttribute("data-page") === "instructor" ? drawInstructor : drawStudent;

  function poll() {
    // JupyterHub asks a script's requests made with the login cookie for its XSRF token.
    fetch(api, { credentials: "same-origin", cache: "no-store",
                 headers: { "Accept": "application/json", "X-XSRFToken": body.getAttribute("data-xsrf") } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (page) {
        draw(page);
        body.setAttribute("data-updated", String(Date.now()));
        window.setTimeout(poll, page.live ? FAST : SLOW);
      })
      .catch(function () { window.setTimeout(poll, SLOW); });
  }

  window.setTimeout(poll, FAST);
})();
