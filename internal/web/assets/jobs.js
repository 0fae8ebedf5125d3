// Ferry's import and export pages: the import form's upload with a
// progress bar, and the live status of an import or export. Without this
// script the form posts as a plain multipart form and the status pages
// refresh themselves.
(function () {
  "use strict";

  // Upload: the CSRF token goes in a header so that the server streams
  // the body straight to the import.
  var form = document.querySelector("form[data-upload]");
  if (form && window.FormData && window.XMLHttpRequest) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var data = new FormData(form);
      var token = data.get("authenticity_token");
      data.delete("authenticity_token");
      var bar = document.getElementById("upload-progress");
      var status = document.getElementById("upload-status");
      var error = document.getElementById("upload-error");
      var button = form.querySelector("button[type=submit]");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-CSRF-Token", token);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round((e.loaded * 100) / e.total);
          status.textContent = "Uploading… " + bar.value + "%";
        }
      });
      xhr.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = { message: xhr.responseText }; }
        if (xhr.status === 201 && body.location) {
          status.textContent = "Uploaded: the import is scheduled.";
          window.location.assign(body.location);
          return;
        }
        error.textContent = body.message || "The upload failed (" + xhr.status + ").";
        status.textContent = "";
        button.disabled = false;
      });
      xhr.addEventListener("error", function () {
        error.textContent = "The upload failed: the connection was lost.";
        button.disabled = false;
      });
      error.textContent = "";
      bar.hidden = false;
      button.disabled = true;
      xhr.send(data);
    });
  }

  // Live status: poll the page's JSON every second until nothing runs.
  var live = document.querySelector("[data-poll]");
  if (!live || !window.fetch) { return; }
  var running = { scheduled: 1, started: 1, queued: 1, regeneration_in_progress: 1, pending: 1, uploading: 1 };
  function field(name) { return live.querySelector('[data-field="' + name + '"]'); }
  function setText(name, text) { var el = field(name); if (el) { el.textContent = text || ""; } }
  function bytes(n) {
    if (n < 1024) { return n + " B"; }
    if (n < 1048576) { return (n / 1024).toFixed(1) + " KiB"; }
    return (n / 1048576).toFixed(1) + " MiB";
  }
  function progress(p) {
    if (!p) { return ""; }
    var out = p.step + (p.item ? " " + p.item : "");
    if (p.item_count) { out += " (" + p.item_index + "/" + p.item_count + ")"; }
    if (p.total_bytes) { out += " " + bytes(p.done_bytes) + " of " + bytes(p.total_bytes); }
    else if (p.done_bytes) { out += " " + bytes(p.done_bytes); }
    return out;
  }
  function setState(name, state, p) {
    var el = field(name);
    el.textContent = state;
    el.className = "state-" + state;
    setText("progress", progress(p));
  }
  function row(cells, tag) {
    var tr = document.createElement("tr");
    cells.forEach(function (c) { var td = document.createElement(tag); td.textContent = c; tr.appendChild(td); });
    return tr;
  }
  function showImport(s) {
    var stats = s.stats || { fetched: {}, imported: {} };
    var names = Object.keys(Object.assign({}, stats.fetched, stats.imported)).sort();
    return showImported(s, names.map(function (n) {
      return [n, String((stats.fetched || {})[n] || 0), String((stats.imported || {})[n] || 0)];
    }));
  }
  // A group import counts what it imported per relation: {"labels": 2}.
  function showGroupImport(s) {
    var stats = s.stats || {};
    return showImported(s, Object.keys(stats).sort().map(function (n) { return [n, String(stats[n])]; }));
  }
  function showImported(s, rows) {
    setState("import_status", s.import_status, s.progress);
    setText("import_error", s.import_error);
    var body = field("stats");
    body.replaceChildren.apply(body, rows.map(function (cells) { return row(cells, "td"); }));
    var failed = field("failed_relations");
    failed.replaceChildren.apply(failed, (s.failed_relations || []).map(function (f) {
      var li = document.createElement("li");
      li.textContent = f.relation_name + " (line " + f.line_number + "): " + f.exception_class + " " + (f.exception_message || "");
      return li;
    }));
    return running[s.import_status];
  }
  function showExport(s) {
    setState("export_status", s.export_status, s.progress);
    setText("export_error", s.export_error);
    setText("upload_status", s.upload_status);
    setText("upload_error", s.upload_error);
    field("download").hidden = !s._links;
    return running[s.export_status] || running[s.upload_status];
  }
  var show = { "import": showImport, group_import: showGroupImport, "export": showExport }[live.getAttribute("data-kind")];
  function poll() {
    fetch(live.getAttribute("data-poll"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) { if (!s || show(s)) { window.setTimeout(poll, 1000); } })
      .catch(function () { window.setTimeout(poll, 1000); });
  }
  poll();
})();
