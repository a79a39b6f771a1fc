// Claimdesk evidence: search the source library as you type, paste the
// address of a new source (its title is fetched when the server may reach
// it), and add, edit and remove evidence without leaving the page — on the
// claim page and, through a dialog, on the article page. Progressive
// enhancement: every form also works without this script.
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function csrf(root) {
    var i = $('input[name="_csrf"]', root) || $('input[name="_csrf"]');
    return i ? i.value : "";
  }
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function looksLikeURL(s) {
    s = s.trim();
    if (!s || /\s/.test(s)) { return false; }
    return /^www\./i.test(s) || s.indexOf("://") > 0 || /^[a-z][a-z0-9+.\-]*:/i.test(s);
  }

  // ---- Talking to the server ----

  // fragment asks for the evidence section alone (X-Fragment) and returns
  // {status, doc}; doc is the parsed HTML.
  function fragment(url, opts) {
    opts = opts || {};
    var headers = { "X-Fragment": "evidence", Accept: "text/html" };
    if (opts.method === "POST") { headers["X-CSRF-Token"] = opts.csrf || csrf(); }
    return fetch(url, { method: opts.method || "GET", body: opts.body, headers: headers, credentials: "same-origin" })
      .then(function (r) {
        return r.text().then(function (text) {
          var tpl = document.createElement("template");
          tpl.innerHTML = text;
          return { status: r.status, doc: tpl.content };
        });
      });
  }

  function say(section, msg, isError) {
    var box = $("[data-evidence-status]", section);
    if (!box) { return; }
    box.textContent = "";
    var p = document.createElement("p");
    p.className = "alert " + (isError ? "error" : "ok");
    p.tabIndex = -1;
    p.textContent = msg;
    box.appendChild(p);
    p.focus();
  }

  // swap replaces section with the one in res, or reports what went wrong.
  function swap(section, res, focus) {
    var fresh = res.doc.querySelector("[data-evidence]");
    if (!fresh) {
      var why = res.doc.querySelector("main p");
      say(section, (why ? why.textContent + " " : "") + "(The server answered " + res.status + ".) Nothing was changed.", true);
      return null;
    }
    section.replaceWith(fresh);
    enhance(fresh);
    afterChange(fresh);
    var target = focus ? $(focus, fresh) : null;
    target = target || $('[aria-invalid="true"]', fresh) || $(".alert.error", fresh) || $("[data-evidence-status] .alert", fresh);
    if (target) {
      if (!target.matches("a, button, input, select, textarea")) { target.tabIndex = -1; }
      target.focus();
    }
    return fresh;
  }

  function failed(section) {
    say(section, "Could not reach the server. Nothing was saved; try again.", true);
  }

  // afterChange keeps the rest of the page in step: the claim's version in
  // other forms (where the claim was made bumps it), and the source count
  // in the article page's claim list.
  function afterChange(section) {
    var id = section.getAttribute("data-claim");
    var version = section.getAttribute("data-claim-version");
    var own = new RegExp("^/claims/" + id + "(/|$)");
    $all("form").forEach(function (f) {
      if (section.contains(f)) { return; }
      var path = new URL(f.action, location.href).pathname;
      var v = f.querySelector('input[name="version"]');
      if (v && own.test(path)) { v.value = version; }
    });
    var item = document.getElementById("claim-" + id);
    if (!item) { return; }
    var n = parseInt(section.getAttribute("data-count"), 10);
    $all("span", item).forEach(function (s) {
      if (/^(No sources|\d+ sources?)$/.test(s.textContent.trim())) {
        s.textContent = n === 0 ? "No sources" : n + (n === 1 ? " source" : " sources");
        s.classList.toggle("nosource", n === 0);
      }
    });
    var b = item.querySelector("[data-open-evidence] .count");
    if (b) { b.textContent = " (" + n + ")"; }
  }

  // ---- Forms, edit and cancel links inside the section ----

  document.addEventListener("submit", function (e) {
    var form = e.target;
    var section = form.closest("[data-evidence]");
    if (!section || !form.hasAttribute("data-evidence-form") || e.defaultPrevented) { return; }
    e.preventDefault();
    if (form.evPickedAt && Date.now() - form.evPickedAt < 400) { return; } // the Enter that picked a source
    var btn = form.querySelector('button[type="submit"]');
    if (btn) { btn.disabled = true; }
    var focus = null;
    if (form.hasAttribute("data-evidence-add")) { focus = "[data-evidence-status] .alert"; }
    fragment(form.action, { method: "POST", body: new FormData(form), csrf: csrf(form) })
      .then(function (res) { if (!swap(section, res, res.status < 300 ? focus : null) && btn) { btn.disabled = false; } })
      .catch(function () { if (btn) { btn.disabled = false; } failed(section); });
  });

  document.addEventListener("click", function (e) {
    var a = e.target.closest("a[data-evidence-edit], a[data-evidence-cancel]");
    if (!a) { return; }
    var section = a.closest("[data-evidence]");
    if (!section) { return; }
    e.preventDefault();
    var claim = section.getAttribute("data-claim");
    var url = "/claims/" + claim + "/evidence";
    var focus;
    if (a.hasAttribute("data-evidence-edit")) {
      var id = a.getAttribute("data-evidence-edit");
      url += "?edit_evidence=" + encodeURIComponent(id);
      focus = "#evidence-" + id + " select";
    } else {
      var row = a.closest("tr");
      focus = row ? '[data-evidence-edit="' + row.getAttribute("data-evidence-id") + '"]' : null;
    }
    fragment(url).then(function (res) { swap(section, res, focus); }).catch(function () { failed(section); });
  });

  // ---- The source field: search as you type, or a pasted address ----

  var seq = 0;
  function enhance(section) {
    $all("[data-combo]", section).forEach(combo);
  }

  function combo(field) {
    var input = $("[data-source-search]", field);
    var hidden = $("[data-source-id]", field);
    var list = $('[role="listbox"]', field);
    var picked = $("[data-source-picked]", field);
    var form = field.closest("form");
    var fresh = $("[data-new-source]", form);
    var title = $("[data-source-title]", form);
    if (!input || !list) { return; }
    field.style.position = "relative";
    var ls = list.style;
    ls.position = "absolute"; ls.left = "0"; ls.right = "0"; ls.zIndex = "30"; ls.margin = "0";
    ls.padding = ".25rem"; ls.maxHeight = "20rem"; ls.overflowY = "auto"; ls.boxShadow = "0 6px 18px rgba(0,0,0,.18)";
    var chosen = null; // the library source picked, if any
    var items = [];
    var active = -1;
    var timer = null;
    var lastLookup = "";
    var hasNewValues = title && title.value.trim() !== "" || $('[aria-invalid="true"]', fresh || field);
    if (fresh && !hasNewValues) { fresh.hidden = true; }

    function setPicked(msg) { if (picked) { picked.textContent = msg; } }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(i) {
      $all('[role="option"]', list).forEach(function (li, j) {
        var on = j === i;
        li.setAttribute("aria-selected", on ? "true" : "false");
        li.style.background = on ? "#e7f0fb" : "";
        li.style.outline = on ? "2px solid #0b5cad" : "";
        if (on) { input.setAttribute("aria-activedescendant", li.id); li.scrollIntoView({ block: "nearest" }); }
      });
      active = i;
    }
    function pick(src, how) {
      chosen = src;
      hidden.value = src.id;
      input.value = src.title || src.url;
      if (fresh) { fresh.hidden = true; }
      var meta = [src.publisher, src.url].filter(Boolean).join(" · ");
      setPicked((how || "From the library: ") + (src.title || src.url) + (meta ? " — " + meta : "") +
        (typeof src.citations === "number" ? " (cited by " + src.citations + (src.citations === 1 ? " claim)" : " claims)") : ""));
      close();
    }
    function show(list_) {
      items = list_;
      list.textContent = "";
      if (items.length === 0) {
        var none = document.createElement("li");
        none.className = "small muted";
        none.textContent = "No source in the library matches. Paste the address of a new source.";
        list.appendChild(none);
      }
      var base = list.id || ("ev-list-" + (++seq));
      items.forEach(function (src, i) {
        var li = document.createElement("li");
        li.id = base + "-opt-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.style.padding = ".4rem .5rem"; li.style.cursor = "pointer"; li.style.borderRadius = "4px";
        var t = document.createElement("div");
        t.textContent = src.title || src.url;
        t.style.fontWeight = "600";
        var m = document.createElement("div");
        m.className = "small muted";
        m.textContent = [src.publisher, src.url.replace(/^https?:\/\/(www\.)?/, "")].filter(Boolean).join(" · ") +
          (src.citations ? " · cited by " + src.citations : "");
        li.appendChild(t);
        li.appendChild(m);
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); }); // keep focus in the input
        li.addEventListener("click", function () { pick(src); input.focus(); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }
    function search(q) {
      fetch("/sources.json?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (j) { if (input.value.trim() === q) { show(j.items || []); } })
        .catch(function () {});
    }
    function lookup(url) {
      if (url === lastLookup) { return; }
      lastLookup = url;
      setPicked("Looking the address up…");
      var body = new FormData();
      body.append("url", url);
      body.append("_csrf", csrf(form));
      fetch("/sources/lookup", { method: "POST", body: body, headers: { Accept: "application/json", "X-CSRF-Token": csrf(form) }, credentials: "same-origin" })
        .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
        .then(function (res) {
          if (input.value.trim() !== url) { return; }
          if (!res.ok) {
            var msg = res.body.fields && res.body.fields.url ? res.body.fields.url : res.body.error;
            setPicked(msg || "That address cannot be used.");
            return;
          }
          if (res.body.source) { pick(res.body.source, "Already in the library: "); return; }
          if (fresh) { fresh.hidden = false; }
          if (title && (title.value.trim() === "" || title.hasAttribute("data-auto"))) {
            title.value = res.body.title || "";
            title.setAttribute("data-auto", "");
          }
          setPicked("New source: it will be added to the library. " +
            (res.body.fetch_error ? res.body.fetch_error : (res.body.title ? "Title fetched from the page; change it if needed." : "The page has no title: type one.")));
        })
        .catch(function () { setPicked("Could not look the address up. Fill in the title yourself."); if (fresh) { fresh.hidden = false; } });
    }

    input.addEventListener("input", function () {
      var q = input.value.trim();
      if (chosen && q !== (chosen.title || chosen.url)) { chosen = null; hidden.value = ""; setPicked(""); }
      clearTimeout(timer);
      if (looksLikeURL(q)) {
        close();
        timer = setTimeout(function () { lookup(q); }, 350);
        return;
      }
      lastLookup = "";
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () { search(q); }, 150);
    });
    input.addEventListener("keydown", function (e) {
      var open = !list.hidden && items.length > 0;
      switch (e.key) {
        case "ArrowDown":
          if (!open && input.value.trim().length >= 2 && !looksLikeURL(input.value)) { search(input.value.trim()); }
          if (open) { highlight(Math.min(items.length - 1, active + 1)); }
          e.preventDefault();
          break;
        case "ArrowUp":
          if (open) { highlight(Math.max(0, active - 1)); e.preventDefault(); }
          break;
        case "Enter":
          if (open && active >= 0) { pick(items[active]); form.evPickedAt = Date.now(); e.preventDefault(); }
          else if (open) { e.preventDefault(); highlight(0); }
          break;
        case "Escape":
          if (!list.hidden) { close(); e.preventDefault(); e.stopPropagation(); }
          break;
        case "Tab":
          close();
          break;
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    if (hidden.value) { setPicked("A library source is chosen."); }
  }

  // ---- The article page: open a claim's evidence in a dialog ----

  var dialog = null, opener = null;
  function ensureDialog() {
    if (dialog) { return dialog; }
    dialog = document.createElement("dialog");
    dialog.id = "evidence-dialog";
    dialog.setAttribute("aria-labelledby", "evidence-dialog-title");
    dialog.style.maxWidth = "min(62rem, 96vw)";
    var head = document.createElement("div");
    head.className = "dialog-head";
    var h = document.createElement("h2");
    h.id = "evidence-dialog-title";
    h.style.margin = "0";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "secondary";
    close.setAttribute("data-close", "");
    close.textContent = "Close";
    head.appendChild(h);
    head.appendChild(close);
    var host = document.createElement("div");
    host.setAttribute("data-evidence-host", "");
    var quote = document.createElement("blockquote");
    quote.id = "evidence-dialog-quote";
    dialog.appendChild(head);
    dialog.appendChild(quote);
    dialog.appendChild(host);
    dialog.addEventListener("close", function () { if (opener) { opener.focus(); } });
    document.body.appendChild(dialog);
    return dialog;
  }

  function openEvidence(id, button) {
    var d = ensureDialog();
    opener = button;
    var item = document.getElementById("claim-" + id);
    var num = item && $(".num", item) ? $(".num", item).textContent.replace(".", "") : id;
    $("#evidence-dialog-title", d).textContent = "Evidence for claim " + num;
    // Name the claim the evidence is for: its words, as in the list.
    var q = item ? $(".quote", item) : null;
    $("#evidence-dialog-quote", d).textContent = q ? "“" + q.textContent + "”" : "";
    var host = $("[data-evidence-host]", d);
    host.textContent = "Loading…";
    if (!d.open) { d.showModal(); d.scrollTop = 0; }
    fragment("/claims/" + id + "/evidence").then(function (res) {
      var section = res.doc.querySelector("[data-evidence]");
      host.textContent = "";
      if (!section) {
        var why = res.doc.querySelector("main p");
        host.textContent = why ? why.textContent : "The evidence could not be loaded (" + res.status + ").";
        return;
      }
      host.appendChild(section);
      enhance(section);
      var first = $("[data-source-search]", section) || $("a, button", section);
      if (first) { first.focus(); }
    }).catch(function () { host.textContent = "Could not reach the server. Close this and try again."; });
  }

  var body = $("#article-body");
  if (body) {
    $all(".claim-item").forEach(function (li) {
      var id = li.getAttribute("data-claim");
      var line = $all(".line", li).pop();
      if (!id || !line) { return; }
      var b = document.createElement("button");
      b.type = "button";
      b.className = "linkbutton";
      b.setAttribute("data-open-evidence", id);
      b.setAttribute("aria-haspopup", "dialog");
      b.textContent = "Evidence";
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      var num = $(".num", li);
      hidden.textContent = " for claim " + (num ? num.textContent.replace(".", "") : id);
      b.appendChild(hidden);
      b.addEventListener("click", function (e) { e.stopPropagation(); openEvidence(id, b); });
      line.appendChild(b);
    });
    document.addEventListener("keydown", function (e) {
      if (e.key !== "e" || e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || $("dialog[open]")) { return; }
      var li = document.activeElement && document.activeElement.closest ? document.activeElement.closest(".claim-item") : null;
      if (!li) { return; }
      var b = $("[data-open-evidence]", li);
      if (b) { e.preventDefault(); openEvidence(li.getAttribute("data-claim"), b); }
    });
    var help = $("#help-dialog .help-list");
    if (help) {
      var dt = document.createElement("dt");
      var k = document.createElement("kbd");
      k.textContent = "e";
      dt.appendChild(k);
      var dd = document.createElement("dd");
      dd.textContent = "Evidence of the selected claim: search the library, link sources";
      help.appendChild(dt);
      help.appendChild(dd);
    }
  }

  $all("[data-evidence]").forEach(enhance);
})();
