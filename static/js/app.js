// Claimdesk page behaviour. Progressive enhancement: every action also
// works without this script (forms post to the server).
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function csrf() { var i = $('input[name="_csrf"]'); return i ? i.value : ""; }
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  // Confirm before destructive forms.
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });

  // Dialog close buttons.
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-close]");
    if (b) { var d = b.closest("dialog"); if (d) { d.close(); } }
  });

  // Character counters (e.g. the 75-character summary).
  $all("[data-counter]").forEach(function (input) {
    var limit = parseInt(input.getAttribute("data-counter"), 10);
    var out = document.createElement("div");
    out.className = "counter";
    out.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", out);
    function update() {
      var n = Array.from(input.value).length;
      out.textContent = n + " / " + limit + (n > limit ? " (longer than recommended)" : "");
      out.classList.toggle("over", n > limit);
    }
    input.addEventListener("input", update);
    update();
  });

  // Claimant autocomplete from existing claimants.
  var claimantTimer;
  document.addEventListener("input", function (e) {
    if (!e.target.matches("[data-claimant-input]")) { return; }
    var q = e.target.value;
    clearTimeout(claimantTimer);
    claimantTimer = setTimeout(function () {
      fetch("/claimants.json?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (list) {
          var dl = $("#claimant-options");
          if (!dl) { return; }
          dl.textContent = "";
          list.forEach(function (c) {
            var o = document.createElement("option");
            o.value = c.name;
            if (c.title) { o.label = c.name + " — " + c.title; }
            dl.appendChild(o);
          });
        })
        .catch(function () {});
    }, 150);
  });

  // No action drops typed text: when one form on the page is sent while
  // another (data-keep-typed: the review panel, the comment box) holds
  // unsaved edits, those are kept for this page and put back after it
  // reloads, where the field still shows what the server sent.
  var draftKey = "claimdesk.drafts:" + location.pathname;
  function edits(form) {
    var out = {}, n = 0;
    $all("textarea, input[type=text], input[type=date], select", form).forEach(function (el) {
      if (!el.name || !el.id) { return; }
      var initial = el.tagName === "SELECT" ? (el.querySelector("option[selected]") || el.options[0] || {}).value : el.defaultValue;
      if (el.value !== initial) { out[el.id] = el.value; n++; }
    });
    return n ? out : null;
  }
  document.addEventListener("submit", function (e) {
    if (e.defaultPrevented) { return; }
    var kept = {};
    $all("form[data-keep-typed]").forEach(function (f) {
      var d = f !== e.target && f.id ? edits(f) : null;
      if (d) { kept[f.id] = d; }
    });
    try {
      if (Object.keys(kept).length) { sessionStorage.setItem(draftKey, JSON.stringify(kept)); } else { sessionStorage.removeItem(draftKey); }
    } catch (err) { /* private mode: nothing to keep it in */ }
  });
  (function restore() {
    var kept = null;
    try { kept = JSON.parse(sessionStorage.getItem(draftKey) || "null"); sessionStorage.removeItem(draftKey); } catch (err) { return; }
    if (!kept) { return; }
    var restored = 0, into = null;
    Object.keys(kept).forEach(function (formID) {
      Object.keys(kept[formID]).forEach(function (id) {
        var el = document.getElementById(id);
        if (!el || !el.form || el.form.id !== formID) { return; }
        var initial = el.tagName === "SELECT" ? (el.querySelector("option[selected]") || el.options[0] || {}).value : el.defaultValue;
        if (el.value === initial && el.value !== kept[formID][id]) { el.value = kept[formID][id]; restored++; into = into || el.form; }
      });
    });
    if (restored) {
      var note = document.createElement("p");
      note.className = "alert";
      note.setAttribute("role", "status");
      note.setAttribute("data-testid", "kept-typed");
      note.textContent = "What you had typed here and not saved yet is back in the form: save it, or clear it.";
      into.insertAdjacentElement("afterbegin", note);
    }
  })();

  // After a failed form the server marks the fields at fault: focus the
  // first and bring it into view (for forms without an autofocus field).
  var bad = $('form [aria-invalid="true"]');
  if (bad) {
    var fold = bad.closest("details");
    if (fold) { fold.open = true; }
    bad.focus({ preventScroll: true });
    bad.scrollIntoView({ block: "center" });
  }

  var body = $("#article-body");
  if (!body) { return; }

  // ---- Offsets: the one place the browser's UTF-16 positions are made. ----
  // Each <p> carries data-start16, its UTF-16 offset in the canonical text.
  // Within a paragraph, a Range from its start to the point gives the
  // number of UTF-16 units (Range.toString keeps whitespace exactly,
  // unlike Selection.toString). The server converts to code points.
  function paragraphOf(node) {
    var el = node.nodeType === 1 ? node : node.parentElement;
    return el ? el.closest("#article-body > p") : null;
  }
  function offset16(node, offset) {
    var p = paragraphOf(node);
    if (!p) { return null; }
    var r = document.createRange();
    r.setStart(p, 0);
    r.setEnd(node, offset);
    return parseInt(p.getAttribute("data-start16"), 10) + r.toString().length;
  }
  function selectionSpan() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return null; }
    var range = sel.getRangeAt(0);
    if (!body.contains(range.commonAncestorContainer) && range.commonAncestorContainer !== body) { return null; }
    var ps = $all(":scope > p", body);
    if (ps.length === 0) { return null; }
    var start = paragraphOf(range.startContainer) ? offset16(range.startContainer, range.startOffset)
      : parseInt(ps[0].getAttribute("data-start16"), 10);
    var end = paragraphOf(range.endContainer) ? offset16(range.endContainer, range.endOffset) : null;
    if (end === null) {
      var last = ps[ps.length - 1];
      end = parseInt(last.getAttribute("data-start16"), 10) + last.textContent.length;
    }
    var text = range.toString();
    if (start === null || end === null || end <= start || text.trim() === "") { return null; }
    return { start16: start, end16: end, text: text.trim(), rect: range.getBoundingClientRect() };
  }

  var canMark = body.getAttribute("data-can-mark") === "true";
  var toolbar = $("#sel-toolbar");
  var dialog = $("#mark-dialog");
  var pending = null;

  function hideToolbar() { if (toolbar) { toolbar.hidden = true; } }
  function showToolbar(span) {
    if (!toolbar || !canMark) { return; }
    toolbar.hidden = false;
    var top = window.scrollY + span.rect.top - toolbar.offsetHeight - 8;
    var left = window.scrollX + span.rect.left + span.rect.width / 2 - toolbar.offsetWidth / 2;
    toolbar.style.top = Math.max(window.scrollY + 4, top) + "px";
    toolbar.style.left = Math.max(4, left) + "px";
  }
  function updateToolbar() {
    pending = selectionSpan();
    if (pending) { showToolbar(pending); } else { hideToolbar(); }
  }
  document.addEventListener("selectionchange", function () {
    clearTimeout(updateToolbar.t);
    updateToolbar.t = setTimeout(updateToolbar, 120);
  });

  // Re-attach mode (after a revision): the selection attaches an existing
  // claim instead of marking a new one.
  var reattach = $("#reattach");
  if (reattach && $("#mark-button")) { $("#mark-button").textContent = "Attach here"; }
  var articleID = body.getAttribute("data-article");
  function attachHere() {
    var span = selectionSpan() || pending;
    if (!span) { return false; }
    var id = reattach.getAttribute("data-claim");
    var body = new FormData();
    body.set("_csrf", csrf());
    body.set("version", reattach.getAttribute("data-version"));
    body.set("start16", span.start16);
    body.set("end16", span.end16);
    fetch("/claims/" + id + "/reattach", {
      method: "POST", body: body, credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRF-Token": csrf() }
    }).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok, body: j }; });
    }).then(function (res) {
      // Back to the review screen, which says what was done.
      if (res.ok) { location.replace("/articles/" + articleID + "/reanchor?done=" + id); return; }
      var msgs = [res.body.error];
      if (res.body.fields) { Object.keys(res.body.fields).forEach(function (k) { msgs.push(res.body.fields[k]); }); }
      reattach.querySelector("p.small").textContent = msgs.join(" ");
    });
    hideToolbar();
    return true;
  }

  function openMark() {
    if (reattach) { return attachHere(); }
    var span = selectionSpan() || pending;
    if (!span || !dialog || !canMark) { return false; }
    var form = $("#mark-form");
    form.elements.start16.value = span.start16;
    form.elements.end16.value = span.end16;
    $("#mark-quote").textContent = span.text;
    var err = $("#mark-error");
    err.hidden = true;
    err.textContent = "";
    hideToolbar();
    // showModal focuses the Save button (autofocus): "m" then Enter marks
    // the claim in two keystrokes, and the shortcut's character can never
    // land in a field. Shift+Tab reaches the fields.
    dialog.showModal();
    dialog.scrollTop = 0; // open at the top, with Close in view, even on a phone
    return true;
  }
  if (toolbar) {
    // mousedown would clear the selection before click fires.
    toolbar.addEventListener("mousedown", function (e) { e.preventDefault(); });
    $("#mark-button").addEventListener("click", openMark);
  }

  var markForm = $("#mark-form");
  if (markForm) {
    markForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var btn = markForm.querySelector('button[type="submit"]');
      btn.disabled = true;
      fetch(markForm.action, {
        method: "POST",
        body: new FormData(markForm),
        headers: { Accept: "application/json", "X-CSRF-Token": csrf() },
        credentials: "same-origin"
      }).then(function (r) {
        return r.json().then(function (j) { return { ok: r.ok, status: r.status, body: j }; });
      }).then(function (res) {
        btn.disabled = false;
        if (res.ok) {
          var url = location.pathname + "?marked=" + res.body.id + "#claim-" + res.body.id;
          location.replace(url);
          return;
        }
        var err = $("#mark-error");
        var msgs = [res.body.error];
        if (res.body.fields) { Object.keys(res.body.fields).forEach(function (k) { msgs.push(res.body.fields[k]); }); }
        err.textContent = msgs.join(" ");
        err.hidden = false;
      }).catch(function () {
        btn.disabled = false;
        var err = $("#mark-error");
        err.textContent = "Could not reach the server. Your claim was not saved; try again.";
        err.hidden = false;
      });
    });
  }

  // ---- Highlights and the claim list ----
  var items = $all(".claim-item");
  function marksFor(id) { return $all('mark[data-claims~="' + id + '"]', body); }
  function setActive(id, on) {
    marksFor(id).forEach(function (m) { m.classList.toggle("active", on); });
    var li = document.getElementById("claim-" + id);
    if (li) { li.classList.toggle("active", on); }
  }
  items.forEach(function (li) {
    var id = li.getAttribute("data-claim");
    ["mouseenter", "focus"].forEach(function (ev) { li.addEventListener(ev, function () { setActive(id, true); }); });
    ["mouseleave", "blur"].forEach(function (ev) { li.addEventListener(ev, function () { setActive(id, false); }); });
    li.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && e.target === li) { location.href = "/claims/" + id; }
    });
  });
  $all("mark.claim", body).forEach(function (m) {
    var ids = m.getAttribute("data-claims").split(" ");
    m.addEventListener("mouseenter", function () { ids.forEach(function (id) { setActive(id, true); }); });
    m.addEventListener("mouseleave", function () { ids.forEach(function (id) { setActive(id, false); }); });
    m.addEventListener("click", function () {
      var sel = window.getSelection();
      if (sel && !sel.isCollapsed) { return; } // selecting, not choosing
      if (ids.length === 1) { showClaim(ids[0]); return; }
      chooseClaim(ids);
    });
  });
  function focusClaim(id) {
    var li = document.getElementById("claim-" + id);
    if (!li) { return; }
    li.focus();
    li.scrollIntoView({ block: "nearest" });
    var m = marksFor(id)[0];
    if (m) { m.scrollIntoView({ block: "nearest" }); }
  }
  function chooseClaim(ids) {
    var d = $("#choose-dialog"), list = $("#choose-list");
    if (!d) { focusClaim(ids[0]); return; }
    list.textContent = "";
    ids.forEach(function (id) {
      var li = document.getElementById("claim-" + id);
      var b = document.createElement("button");
      b.type = "button";
      b.className = "secondary";
      var num = li ? li.querySelector(".num").textContent : "";
      var q = li ? li.querySelector(".quote").textContent : id;
      b.textContent = num + " " + (q.length > 90 ? q.slice(0, 90) + "…" : q);
      b.addEventListener("click", function () { d.close(); showClaim(id); });
      var wrap = document.createElement("li");
      wrap.appendChild(b);
      list.appendChild(wrap);
    });
    d.showModal();
    d.scrollTop = 0;
  }

  // On a phone the claim list sits below the article: tapping a highlight
  // opens the claim's card as a bottom sheet instead of scrolling away.
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 1023px)") : { matches: false };
  var sheet = null;
  function showClaim(id) {
    var li = document.getElementById("claim-" + id);
    if (!narrow.matches || !li) { focusClaim(id); return; }
    if (!sheet) {
      sheet = document.createElement("dialog");
      sheet.className = "sheet";
      sheet.id = "claim-sheet";
      sheet.setAttribute("aria-labelledby", "claim-sheet-title");
      var head = document.createElement("div");
      head.className = "dialog-head";
      var h = document.createElement("h2");
      h.id = "claim-sheet-title";
      var close = document.createElement("button");
      close.type = "button";
      close.className = "secondary";
      close.setAttribute("data-close", "");
      close.textContent = "Close";
      head.appendChild(h);
      head.appendChild(close);
      sheet.appendChild(head);
      sheet.appendChild(document.createElement("div"));
      sheet.addEventListener("click", function (e) { if (e.target === sheet) { sheet.close(); } }); // a tap on the backdrop
      document.body.appendChild(sheet);
    }
    var num = li.querySelector(".num");
    sheet.querySelector("h2").textContent = "Claim " + (num ? num.textContent.replace(".", "") : "");
    var card = li.cloneNode(true);
    card.removeAttribute("id");
    card.removeAttribute("tabindex");
    card.classList.remove("active");
    $all("[id]", card).forEach(function (el) { el.removeAttribute("id"); });
    $all("[data-open-evidence]", card).forEach(function (el) { el.remove(); }); // their handlers are not cloned; Open leads to the evidence
    var host = sheet.lastChild;
    host.textContent = "";
    host.appendChild(card);
    sheet.showModal();
    sheet.scrollTop = 0;
    setActive(id, true);
    sheet.addEventListener("close", function () { setActive(id, false); }, { once: true });
  }

  // ---- Selecting text by keyboard ----
  // Tab reaches the article text. There → and ← select the next or the
  // previous word, ↓ and ↑ the next or the previous sentence; with Shift
  // they extend (or, from the right, shrink) the selection by a word or a
  // sentence, so it grows from where it started. m then marks it. Positions
  // are UTF-16 offsets within a paragraph's textContent, the same units
  // offset16 reads back: nothing here counts code points.
  var paras = $all(":scope > p", body);
  var status = document.createElement("p");
  status.className = "kbd-status small";
  status.id = "kbd-status";
  status.setAttribute("role", "status");
  body.insertAdjacentElement("beforebegin", status);
  var howTo = "Select the words of a claim by dragging over them; by keyboard, Tab into the article, " +
    "press → to select a word and Shift+→ to add the next, ↓ for a whole sentence, then m.";
  function say(msg, brief) {
    status.textContent = msg;
    clearTimeout(say.t);
    if (brief) { say.t = setTimeout(function () { status.textContent = ""; }, 9000); }
  }
  body.tabIndex = 0;
  body.setAttribute("aria-describedby", "kbd-status");
  var touch = window.matchMedia && window.matchMedia("(hover: none) and (pointer: coarse)").matches;
  body.addEventListener("focus", function () {
    if (!touch && !selectionSpan()) { say("Article text: → and ← select words, ↓ and ↑ sentences, Shift extends, m marks the selection."); }
  });
  body.addEventListener("blur", function () { say(""); });

  var wordRe = /\S+/g, leadRe = /^[“"‘'(\[«]+/, trailRe = /[.,;:!?”"’')\]»]+$/;
  function words(t) {
    var out = [], m;
    wordRe.lastIndex = 0;
    while ((m = wordRe.exec(t)) !== null) {
      var s = m.index, e = s + m[0].length, w = m[0];
      var lead = (w.match(leadRe) || [""])[0].length, trail = (w.match(trailRe) || [""])[0].length;
      if (lead + trail < w.length) { s += lead; e -= trail; }
      out.push([s, e]);
    }
    return out;
  }
  function sentences(t) {
    var out = [];
    if (window.Intl && Intl.Segmenter) {
      Array.from(new Intl.Segmenter(body.lang || undefined, { granularity: "sentence" }).segment(t)).forEach(function (x) {
        var s = x.index, e = s + x.segment.length;
        while (e > s && /\s/.test(t.charAt(e - 1))) { e--; }
        while (s < e && /\s/.test(t.charAt(s))) { s++; }
        if (e > s) { out.push([s, e]); }
      });
      return out;
    }
    var re = /[^.!?]+(?:[.!?]+["”’)]*|$)/g, m;
    while ((m = re.exec(t)) !== null && m[0] !== "") {
      var a = m.index, b = a + m[0].length;
      while (b > a && /\s/.test(t.charAt(b - 1))) { b--; }
      while (a < b && /\s/.test(t.charAt(a))) { a++; }
      if (b > a) { out.push([a, b]); }
    }
    return out;
  }
  // Units of the whole article, in reading order: [paragraph, start, end].
  var unitCache = {};
  function units(kind) {
    if (!unitCache[kind]) {
      unitCache[kind] = [];
      paras.forEach(function (p, i) {
        (kind === "word" ? words : sentences)(p.textContent).forEach(function (u) { unitCache[kind].push([i, u[0], u[1]]); });
      });
    }
    return unitCache[kind];
  }
  function cmp(p1, o1, p2, o2) { return p1 !== p2 ? p1 - p2 : o1 - o2; }
  function pointOf(node, offset) { // a DOM point as [paragraph, offset]
    var p = paragraphOf(node);
    if (!p) { return null; }
    var r = document.createRange();
    r.setStart(p, 0);
    r.setEnd(node, offset);
    return [paras.indexOf(p), r.toString().length];
  }
  function domPoint(pi, off) { // [paragraph, offset] as a DOM point
    var walk = document.createTreeWalker(paras[pi], NodeFilter.SHOW_TEXT), n, left = off;
    while ((n = walk.nextNode())) {
      if (left <= n.data.length) { return [n, left]; }
      left -= n.data.length;
    }
    return [paras[pi], paras[pi].childNodes.length];
  }
  var kbdSel = null; // {a: [p, o], b: [p, o]}: where the keyboard selection started and where it ends
  function currentSel() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return null; }
    var r = sel.getRangeAt(0), a = pointOf(r.startContainer, r.startOffset), b = pointOf(r.endContainer, r.endOffset);
    if (!a || !b) { return null; }
    if (kbdSel && cmp(kbdSel.a[0], kbdSel.a[1], a[0], a[1]) === 0 && cmp(kbdSel.b[0], kbdSel.b[1], b[0], b[1]) === 0) { return kbdSel; }
    return { a: a, b: b };
  }
  function selectUnits(a, b) {
    kbdSel = { a: a, b: b };
    var r = document.createRange(), s = domPoint(a[0], a[1]), e = domPoint(b[0], b[1]);
    r.setStart(s[0], s[1]);
    r.setEnd(e[0], e[1]);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(r);
    var el = e[0].nodeType === 1 ? e[0] : e[0].parentElement;
    if (el) { el.scrollIntoView({ block: "nearest" }); }
    say("Selected: " + r.toString() + (canMark ? " (m marks it)" : ""));
  }
  function step(kind, forward, extend) {
    var list = units(kind);
    if (!list.length) { return; }
    var cur = currentSel(), u, i;
    if (!cur) {
      u = forward ? list[0] : list[list.length - 1];
      selectUnits([u[0], u[1]], [u[0], u[2]]);
      return;
    }
    if (!extend) { // the next or previous unit on its own
      for (i = 0; i < list.length && forward; i++) {
        if (cmp(list[i][0], list[i][1], cur.b[0], cur.b[1]) >= 0) { u = list[i]; break; }
      }
      for (i = list.length - 1; i >= 0 && !forward; i--) {
        if (cmp(list[i][0], list[i][2], cur.a[0], cur.a[1]) <= 0) { u = list[i]; break; }
      }
      if (u) { selectUnits([u[0], u[1]], [u[0], u[2]]); }
      return;
    }
    if (forward) { // the end moves to the end of the next unit
      for (i = 0; i < list.length; i++) {
        if (cmp(list[i][0], list[i][2], cur.b[0], cur.b[1]) > 0) { selectUnits(cur.a, [list[i][0], list[i][2]]); return; }
      }
      return;
    }
    for (i = list.length - 1; i >= 0; i--) { // the end moves back a unit while something stays selected
      if (cmp(list[i][0], list[i][2], cur.b[0], cur.b[1]) < 0 && cmp(list[i][0], list[i][2], cur.a[0], cur.a[1]) > 0) {
        selectUnits(cur.a, [list[i][0], list[i][2]]);
        return;
      }
    }
    for (i = list.length - 1; i >= 0; i--) { // otherwise the start moves back a unit
      if (cmp(list[i][0], list[i][1], cur.a[0], cur.a[1]) < 0) { selectUnits([list[i][0], list[i][1]], cur.b); return; }
    }
  }
  body.addEventListener("keydown", function (e) {
    if (e.target !== body || e.ctrlKey || e.metaKey || e.altKey) { return; }
    var keys = { ArrowRight: ["word", true], ArrowLeft: ["word", false], ArrowDown: ["sentence", true], ArrowUp: ["sentence", false] };
    var k = keys[e.key];
    if (!k) { return; }
    e.preventDefault();
    step(k[0], k[1], e.shiftKey);
  });

  // ---- Keyboard ----
  var current = -1;
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || $("dialog[open]")) {
      if (e.key === "Escape") { hideToolbar(); }
      return;
    }
    var idx = items.indexOf(document.activeElement);
    if (idx >= 0) { current = idx; }
    switch (e.key) {
      case "m":
        if (openMark()) { e.preventDefault(); break; }
        if (canMark || reattach) { say("Nothing is selected. " + howTo, true); e.preventDefault(); }
        break;
      case "j":
        if (items.length) { current = Math.min(items.length - 1, current + 1); focusClaim(items[current].getAttribute("data-claim")); e.preventDefault(); }
        break;
      case "k":
        if (items.length) { current = Math.max(0, current - 1); focusClaim(items[current].getAttribute("data-claim")); e.preventDefault(); }
        break;
      case "?":
        var help = $("#help-dialog");
        if (help) { help.showModal(); e.preventDefault(); }
        break;
      case "Escape":
        hideToolbar();
        var s = window.getSelection();
        if (s) { s.removeAllRanges(); }
        break;
    }
  });

  // After marking, bring the new claim into view.
  var marked = new URLSearchParams(location.search).get("marked");
  if (marked) { focusClaim(marked); }
})();
