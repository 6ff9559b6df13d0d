// Offline survey capture: entries are kept on the phone (localStorage) with their own
// UUID and sent to the server when there is network. An entry answered "recorded" or
// "already" is removed from the phone; an "invalid" one stays, with its errors, to be
// corrected. The service worker (survey-sw.js) keeps this page and its files for offline use.
(function () {
  "use strict";
  var root = document.querySelector("[data-survey-capture]");
  if (!root) { return; }
  var form = root.querySelector("[data-capture-form]");
  var list = root.querySelector("[data-pending-list]");
  var countEl = root.querySelector("[data-pending-count]");
  var statusEl = root.querySelector("[data-sync-status]");
  var sendButton = root.querySelector("[data-send-now]");
  var editingNote = root.querySelector("[data-editing]");
  var companionsBox = root.querySelector("[data-companions]");
  var companionTemplate = document.getElementById("companion-row");
  var labels = JSON.parse(document.getElementById("capture-labels").textContent);
  var t = JSON.parse(document.getElementById("capture-messages").textContent);
  var KEY = "shram-survey-" + root.getAttribute("data-survey");
  var SYNC_URL = root.getAttribute("data-sync-url");
  var BATCH = 200;  // the server takes at most 200 entries per request
  // Kept from one entry to the next: the same household is visited for several people.
  var STICKY = ["household", "origin_block", "origin_village"];
  var FIELDS = Object.keys(labels);
  var editing = null;
  var sending = false;
  var companionCount = 0;

  // --- Storage on the phone ---------------------------------------------------------
  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]"); }
    catch (e) { return []; }
  }
  function store(entries) {
    try { window.localStorage.setItem(KEY, JSON.stringify(entries)); return true; }
    catch (e) { say(t.no_storage); return false; }
  }
  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function say(text) { statusEl.textContent = text; }

  // --- The form ---------------------------------------------------------------------------
  function addCompanion(values) {
    companionCount += 1;
    var html = companionTemplate.innerHTML.replace(/__n__/g, String(companionCount));
    companionsBox.insertAdjacentHTML("beforeend", html);
    var row = companionsBox.lastElementChild;
    if (values) {
      row.querySelectorAll("[data-companion-field]").forEach(function (input) {
        var v = values[input.getAttribute("data-companion-field")];
        input.value = v === null || v === undefined ? "" : v;
      });
    }
    return row;
  }
  function resetCompanions() {
    companionsBox.innerHTML = "";
    addCompanion();
  }
  function readForm() {
    var data = {};
    FIELDS.forEach(function (name) {
      var input = form.elements.namedItem(name);
      if (input) { data[name] = input.value.trim(); }
    });
    var companions = [];
    companionsBox.querySelectorAll(".companion-row").forEach(function (row) {
      var c = {};
      row.querySelectorAll("[data-companion-field]").forEach(function (input) {
        c[input.getAttribute("data-companion-field")] = input.value.trim();
      });
      if (c.name) { companions.push(c); }
    });
    return {data: data, companions: companions};
  }
  function fillForm(entry) {
    FIELDS.forEach(function (name) {
      var input = form.elements.namedItem(name);
      if (input) { input.value = entry.data[name] || ""; }
    });
    companionsBox.innerHTML = "";
    (entry.companions || []).forEach(function (c) { addCompanion(c); });
    addCompanion();
  }
  function clearForm(keepSticky) {
    var kept = {};
    STICKY.forEach(function (name) {
      var input = form.elements.namedItem(name);
      if (input) { kept[name] = input.value; }
    });
    form.reset();
    if (keepSticky) {
      STICKY.forEach(function (name) {
        var input = form.elements.namedItem(name);
        if (input) { input.value = kept[name]; }
      });
    }
    resetCompanions();
    editing = null;
    editingNote.classList.add("d-none");
  }

  // --- The list of entries waiting on the phone -------------------------------------
  function render() {
    var entries = load();
    countEl.textContent = String(entries.length);
    sendButton.disabled = entries.length === 0;
    list.innerHTML = "";
    entries.forEach(function (entry) {
      var item = document.createElement("li");
      item.className = "list-group-item" + (entry.errors ? " list-group-item-danger" : "");
      var title = document.createElement("div");
      title.className = "fw-semibold";
      title.textContent = (entry.data.name || "?") + " → " + (entry.data.destination_place || "?") +
        (entry.data.household ? " · " + entry.data.household : "");
      item.appendChild(title);
      if (entry.companions && entry.companions.length) {
        var went = document.createElement("div");
        went.className = "small";
        went.textContent = entry.companions.map(function (c) { return c.name; }).join(", ") + " " + t.companion;
        item.appendChild(went);
      }
      if (entry.errors) {
        var problems = document.createElement("ul");
        problems.className = "small mb-1 entry-errors";
        Object.keys(entry.errors).forEach(function (field) {
          (entry.errors[field] || []).forEach(function (error) {
            var li = document.createElement("li");
            li.textContent = (labels[field] || field) + ": " + (error.message || error);
            problems.appendChild(li);
          });
        });
        item.appendChild(problems);
      }
      var actions = document.createElement("div");
      actions.className = "d-flex gap-2 mt-1";
      var fix = document.createElement("button");
      fix.type = "button";
      fix.className = "btn btn-sm btn-outline-primary";
      fix.textContent = t.correct;
      fix.addEventListener("click", function () {
        editing = entry.client_uuid;
        fillForm(entry);
        editingNote.classList.remove("d-none");
        form.scrollIntoView();
        var first = form.elements.namedItem("name");
        if (first) { first.focus(); }
      });
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-sm btn-outline-danger";
      remove.textContent = t["delete"];
      remove.addEventListener("click", function () {
        if (!window.confirm(t.confirm_delete)) { return; }
        store(load().filter(function (e) { return e.client_uuid !== entry.client_uuid; }));
        if (editing === entry.client_uuid) { clearForm(true); }
        render();
      });
      actions.appendChild(fix);
      actions.appendChild(remove);
      item.appendChild(actions);
      list.appendChild(item);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (form.reportValidity && !form.reportValidity()) { return; }
    var values = readForm();
    var entries = load();
    if (editing) {
      entries = entries.map(function (e) {
        // An invalid entry was never recorded: it keeps its id when corrected.
        return e.client_uuid === editing ? {client_uuid: e.client_uuid, data: values.data,
          companions: values.companions, saved_at: e.saved_at} : e;
      });
    } else {
      entries.push({client_uuid: newId(), data: values.data, companions: values.companions,
        saved_at: new Date().toISOString()});
    }
    if (!store(entries)) { return; }
    clearForm(true);
    render();
    say(t.saved);
    var first = form.elements.namedItem("name");
    if (first) { first.focus(); }
    if (navigator.onLine) { send(); }
  });
  form.addEventListener("reset", function () {
    window.setTimeout(function () { resetCompanions(); editing = null; editingNote.classList.add("d-none"); }, 0);
  });
  root.querySelector("[data-add-companion]").addEventListener("click", function () {
    var row = addCompanion();
    row.querySelector("input").focus();
  });

  // --- Sending ------------------------------------------------------------------------------
  function csrfToken() {
    var input = form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  // After a new login the token in a page kept offline is stale: take a fresh one from
  // the page itself, fetched again from the server.
  function refreshToken() {
    return fetch(window.location.pathname, {credentials: "same-origin", cache: "no-store"})
      .then(function (response) {
        if (!response.ok || response.redirected) { throw new Error("login"); }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector("[data-capture-form] [name=csrfmiddlewaretoken]");
        if (!fresh) { throw new Error("login"); }
        form.querySelector("[name=csrfmiddlewaretoken]").value = fresh.value;
      });
  }
  function post(batch, retried) {
    var body = JSON.stringify({entries: batch.map(function (e) {
      return {client_uuid: e.client_uuid, data: e.data, companions: e.companions || []};
    })});
    return fetch(SYNC_URL, {
      method: "POST", credentials: "same-origin", body: body,
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "X-CSRFToken": csrfToken()}
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.redirected || type.indexOf("application/json") === -1) {
        if (response.status === 403 && !retried) {
          return refreshToken().then(function () { return post(batch, true); });
        }
        throw new Error(response.status === 403 ? "reload" : "login");
      }
      return response.json().then(function (payload) {
        if (!response.ok) { throw new Error("refused:" + (payload.error || response.status)); }
        return payload.results || [];
      });
    });
  }
  function apply(results) {
    var byId = {};
    results.forEach(function (r) { byId[r.client_uuid] = r; });
    var sent = 0;
    var invalid = 0;
    var kept = load().filter(function (entry) {
      var r = byId[entry.client_uuid];
      if (!r) { return true; }
      if (r.status === "recorded" || r.status === "already") { sent += 1; return false; }
      entry.errors = r.errors || {};
      invalid += 1;
      return true;
    });
    store(kept);
    return {sent: sent, invalid: invalid};
  }
  function send() {
    if (sending) { return; }
    var pending = load().filter(function (e) { return !e.errors; });
    if (!pending.length) {
      if (!load().length) { say(t.nothing); }
      return;
    }
    sending = true;
    sendButton.disabled = true;
    say(t.sending);
    var totals = {sent: 0, invalid: 0};
    var batches = [];
    for (var i = 0; i < pending.length; i += BATCH) { batches.push(pending.slice(i, i + BATCH)); }
    batches.reduce(function (chain, batch) {
      return chain.then(function () {
        return post(batch, false).then(function (results) {
          var counts = apply(results);
          totals.sent += counts.sent;
          totals.invalid += counts.invalid;
          render();
        });
      });
    }, Promise.resolve()).then(function () {
      say(t.sent.replace("{sent}", totals.sent).replace("{invalid}", totals.invalid));
    }).catch(function (error) {
      var reason = String(error && error.message || "");
      if (reason === "login") { say(t.login); }
      else if (reason === "reload") { say(t.reload); }
      else if (reason.indexOf("refused:") === 0) { say(t.refused + " " + reason.slice(8)); }
      else { say(t.offline); }
    }).then(function () {
      sending = false;
      render();
    });
  }
  // Entries with errors wait for their correction (saving a correction clears them).
  sendButton.addEventListener("click", send);
  window.addEventListener("online", send);

  // --- Offline use: the service worker keeps this page and its files -------------------
  if ("serviceWorker" in navigator) {
    var assets = [window.location.pathname];
    document.querySelectorAll("link[rel=stylesheet][href], script[src]").forEach(function (el) {
      assets.push(el.getAttribute("href") || el.getAttribute("src"));
    });
    var staticUrl = root.getAttribute("data-static-url") || "/static/";
    navigator.serviceWorker.register(
      root.getAttribute("data-sw-url") + "?static=" + encodeURIComponent(staticUrl),
      {scope: root.getAttribute("data-sw-scope")}
    ).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (registration.active) { registration.active.postMessage({type: "cache", urls: assets}); }
    }).catch(function () { /* without a service worker the page still works online */ });
  }

  resetCompanions();
  render();
  if (navigator.onLine && load().length) { send(); }
})();
