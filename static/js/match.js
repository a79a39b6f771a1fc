// "Checked before?": earlier checks suggested in the mark dialog as soon as
// words are selected, and the keyboard of the article scan. Progressive
// enhancement: the scan's forms and the claim page work without it.
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function csrf() { var i = $('input[name="_csrf"]'); return i ? i.value : ""; }
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function longDate(iso) {
    var d = new Date(iso + "T00:00:00Z");
    if (isNaN(d)) { return iso; }
    return d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }

  // One match as the pages show it (views.matchCard), built from JSON with
  // textContent only: nothing from the library is ever parsed as HTML.
  function matchCard(m) {
    var card = el("div", "match-card");
    card.setAttribute("data-testid", "match");
    var p = el("p", "match-text");
    var a = el("a", "", m.text);
    a.href = m.url;
    if (m.kind !== "claim") { a.target = "_blank"; a.rel = "noopener noreferrer"; }
    p.appendChild(a);
    card.appendChild(p);
    var line = el("p", "line small");
    var rating = el("span", "badge", m.rating);
    rating.setAttribute("data-testid", "match-rating");
    line.appendChild(rating);
    line.appendChild(el("span", "", m.kind === "claim" ? "Our claim" : m.publisher));
    if (m.date) { line.appendChild(el("time", "", longDate(m.date))).setAttribute("datetime", m.date); }
    line.appendChild(el("span", "muted", "match " + Math.round(m.score * 100) + "%"));
    card.appendChild(line);
    return card;
  }

  // ---- The mark dialog ----
  var body = $("#article-body"), form = $("#mark-form"), dialog = $("#mark-dialog");
  if (body && form && dialog) {
    var article = body.getAttribute("data-article");
    var cache = {};
    var suggestions = function (text) {
      text = text.trim();
      if (text.split(/\s+/).length < 3) { return Promise.resolve([]); }
      if (!cache[text]) {
        cache[text] = fetch("/articles/" + article + "/suggestions?text=" + encodeURIComponent(text.slice(0, 10000)), {
          headers: { Accept: "application/json" }, credentials: "same-origin"
        }).then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (j) { return j.items || []; })
          .catch(function () { return []; });
      }
      return cache[text];
    };
    var selectedText = function () {
      var sel = window.getSelection();
      if (!sel || sel.isCollapsed || sel.rangeCount === 0) { return ""; }
      var r = sel.getRangeAt(0);
      if (!body.contains(r.commonAncestorContainer)) { return ""; }
      return r.toString();
    };

    // As soon as words are selected: ask, and say in the toolbar.
    var toolbar = $("#sel-toolbar");
    var hint = el("span", "sel-hint");
    hint.hidden = true;
    hint.setAttribute("data-testid", "sel-hint");
    if (toolbar) { toolbar.appendChild(hint); }
    var timer;
    document.addEventListener("selectionchange", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var t = selectedText();
        if (!t.trim()) { hint.hidden = true; return; }
        suggestions(t).then(function (items) {
          if (selectedText() !== t) { return; }
          hint.hidden = items.length === 0;
          hint.textContent = items.length === 1 ? "Checked before: 1 match" : "Checked before: " + items.length + " matches";
        });
      }, 200);
    });

    // In the dialog: the top three, each a choice to link the new claim to.
    var section = el("fieldset", "mark-matches");
    section.id = "mark-matches";
    section.hidden = true;
    section.setAttribute("data-testid", "mark-matches");
    // Right under the quote (and the error line), where the eye is.
    var after = $("#mark-error", form) || $("#mark-quote", form);
    form.insertBefore(section, after ? after.nextSibling : form.firstChild);
    var show = function () {
      var quote = $("#mark-quote");
      var text = quote ? quote.textContent : "";
      section.hidden = true;
      section.textContent = "";
      suggestions(text).then(function (items) {
        if (!dialog.open || !quote || quote.textContent !== text || items.length === 0) { return; }
        section.appendChild(el("legend", "", "Checked before?"));
        section.appendChild(el("p", "small muted", "Earlier checks of what looks like the same claim. Choose one to link the new claim to it."));
        var none = el("label", "match-choice");
        var r0 = el("input");
        r0.type = "radio"; r0.name = "match"; r0.value = ""; r0.checked = true;
        none.appendChild(r0);
        none.appendChild(el("span", "", "No link"));
        section.appendChild(none);
        items.forEach(function (m, i) {
          var label = el("label", "match-choice");
          var r = el("input");
          r.type = "radio"; r.name = "match"; r.value = m.ref;
          r.setAttribute("aria-label", "Matches: " + m.text);
          r.setAttribute("data-testid", "match-choice-" + i);
          label.appendChild(r);
          label.appendChild(matchCard(m));
          section.appendChild(label);
        });
        section.hidden = false;
      });
    };
    new MutationObserver(function () { if (dialog.open) { show(); } })
      .observe(dialog, { attributes: true, attributeFilter: ["open"] });
  }

  // ---- The article scan ----
  var scan = $("#scan");
  if (!scan) { return; }
  var status = $("#scan-status");
  var items = function () { return $all(".scan-item", scan); };
  var say = function (text, link) {
    status.textContent = text;
    if (link) {
      status.appendChild(document.createTextNode(" "));
      var a = el("a", "", "Open the claim");
      a.href = link;
      status.appendChild(a);
    }
    status.hidden = false;
  };
  var next = function (li) {
    var list = items(), i = list.indexOf(li);
    var to = list[i + 1] || list[i - 1];
    li.remove();
    if (to) { to.focus(); } else {
      var p = el("p", "", "No more suggestions.");
      p.setAttribute("data-testid", "scan-empty");
      scan.appendChild(p);
    }
  };
  scan.addEventListener("submit", function (e) {
    var f = e.target, kind = f.getAttribute("data-scan");
    if (!kind) { return; }
    e.preventDefault();
    var li = f.closest(".scan-item");
    $all("button", li).forEach(function (b) { b.disabled = true; });
    fetch(f.action, {
      method: "POST", body: new FormData(f), credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRF-Token": csrf() }
    }).then(function (r) {
      if (r.status === 204) { return { ok: true, body: {} }; }
      return r.json().then(function (j) { return { ok: r.ok, body: j }; });
    }).then(function (res) {
      if (!res.ok) {
        $all("button", li).forEach(function (b) { b.disabled = false; });
        var msgs = [res.body.error];
        if (res.body.fields) { Object.keys(res.body.fields).forEach(function (k) { msgs.push(res.body.fields[k]); }); }
        say(msgs.join(" "));
        return;
      }
      if (kind === "accept") { say("Claim marked and linked to its match.", "/claims/" + res.body.id); } else { say("Suggestion dismissed."); }
      next(li);
    }).catch(function () {
      $all("button", li).forEach(function (b) { b.disabled = false; });
      say("Could not reach the server; nothing was saved. Try again.");
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) { return; }
    var list = items();
    if (list.length === 0) { return; }
    var i = list.indexOf(document.activeElement.closest ? document.activeElement.closest(".scan-item") : null);
    switch (e.key) {
      case "j": list[Math.min(list.length - 1, i + 1)].focus(); e.preventDefault(); break;
      case "k": list[Math.max(0, i - 1)].focus(); e.preventDefault(); break;
      case "a":
      case "d":
        var li = list[Math.max(0, i)];
        var f = $('form[data-scan="' + (e.key === "a" ? "accept" : "dismiss") + '"]', li);
        if (f) { f.requestSubmit(); e.preventDefault(); }
        break;
    }
  });
})();
