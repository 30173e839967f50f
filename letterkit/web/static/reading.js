// letterkit: reading the letter together. Each paragraph's box (a <textarea>, which is how the
// page works without JavaScript) becomes the paragraph itself, editable in place; while the
// patient changes it, the words they add show underlined and the words they take out struck
// through, inline, each marked with their name, against the paragraph as it was saved. The
// textarea stays in the form (hidden) and always holds the paragraph as now typed.
// letterkit's own script: nothing fetched from elsewhere, no inline script.
(function () {
  "use strict";
  var MAX_WORDS = 600; // longer paragraphs are marked as one change rather than word by word

  function tokens(text) {
    // Words, the spaces between them and each mark of punctuation on its own, so that taking
    // out "and ashamed" from "lonely and ashamed." leaves "lonely" and "." unmarked.
    return text.match(/\s+|[\p{L}\p{N}\u2019'-]+|[^\s]/gu) || [];
  }

  // The word diff of two texts: a list of [op, text], op "=", "+" or "-".
  function diff(before, after) {
    var a = tokens(before), b = tokens(after);
    if (a.length * b.length > MAX_WORDS * MAX_WORDS) {
      return [["-", before], ["+", after]].filter(function (d) { return d[1]; });
    }
    var n = a.length, m = b.length, i, j;
    var table = [];
    for (i = 0; i <= n; i++) table.push(new Uint16Array(m + 1));
    for (i = n - 1; i >= 0; i--) {
      for (j = m - 1; j >= 0; j--) {
        table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
      }
    }
    var out = [];
    function push(op, text) {
      if (out.length && out[out.length - 1][0] === op) out[out.length - 1][1] += text;
      else out.push([op, text]);
    }
    i = 0; j = 0;
    while (i < n && j < m) {
      if (a[i] === b[j]) { push("=", a[i]); i++; j++; }
      else if (table[i + 1][j] >= table[i][j + 1]) { push("-", a[i]); i++; }
      else { push("+", b[j]); j++; }
    }
    while (i < n) push("-", a[i++]);
    while (j < m) push("+", b[j++]);
    return tidy(out);
  }

  // One word kept between two changes ("lonely and ashamed" to "lonely, and very tired") reads
  // better as part of one change, as Word shows it: taken out and put back in.
  function tidy(parts) {
    var out = [];
    for (var k = 0; k < parts.length; k++) {
      var part = parts[k];
      var between = part[0] === "=" && k > 0 && k < parts.length - 1 && tokens(part[1]).filter(function (t) { return t.trim(); }).length <= 1;
      if (between) {
        out.push(["-", part[1]], ["+", part[1]]);
      } else {
        out.push(part);
      }
    }
    var removed = "", added = "", merged = [];
    function flush() {
      if (removed) merged.push(["-", removed]);
      if (added) merged.push(["+", added]);
      removed = added = "";
    }
    out.forEach(function (part) {
      if (part[0] === "-") removed += part[1];
      else if (part[0] === "+") added += part[1];
      else { flush(); merged.push(part); }
    });
    flush();
    return merged;
  }

  // The text as now typed: everything in the box except the struck-through words.
  function liveText(box) {
    var copy = box.cloneNode(true);
    var gone = copy.querySelectorAll("del, .who");
    for (var i = 0; i < gone.length; i++) gone[i].remove();
    return copy.textContent.replace(/\u00a0/g, " ");
  }

  function caretOffset(box) {
    var selection = window.getSelection();
    if (!selection || !selection.rangeCount) return null;
    var range = selection.getRangeAt(0);
    if (!box.contains(range.endContainer)) return null;
    var before = document.createRange();
    before.selectNodeContents(box);
    before.setEnd(range.endContainer, range.endOffset);
    var part = before.cloneContents();
    var gone = part.querySelectorAll("del, .who");
    for (var i = 0; i < gone.length; i++) gone[i].remove();
    return part.textContent.length;
  }

  function placeCaret(box, offset) {
    var walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentNode.closest("del, .who") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      },
    });
    var node, last = null, left = offset;
    while ((node = walker.nextNode())) {
      last = node;
      if (left <= node.length) break;
      left -= node.length;
    }
    var range = document.createRange();
    if (node) range.setStart(node, left);
    else if (last) range.setStart(last, last.length);
    else range.setStart(box, box.childNodes.length);
    range.collapse(true);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function mark(tag, text, who, words) {
    var el = document.createElement(tag);
    el.textContent = text;
    el.title = words + " by " + who;
    el.setAttribute("data-who", who);
    if (tag === "del") el.setAttribute("contenteditable", "false");
    return el;
  }

  function render(box, was, now, who) {
    var fragment = document.createDocumentFragment();
    var changed = false, added = false, removed = false;
    function label() {
      if (!added && !removed) return;
      var words = added && removed ? "changed by " : added ? "added by " : "removed by ";
      var tag = document.createElement("span");
      tag.className = "who";
      tag.setAttribute("contenteditable", "false");
      tag.setAttribute("aria-hidden", "true"); // the marks' own titles say it to a screen reader
      tag.textContent = words + who;
      fragment.appendChild(tag);
      added = removed = false;
    }
    diff(was, now).forEach(function (part) {
      var op = part[0], text = part[1];
      if (!text.trim()) {
        if (op !== "-") fragment.appendChild(document.createTextNode(text));
        return;
      }
      if (op === "=") {
        label();
        fragment.appendChild(document.createTextNode(text));
        return;
      }
      changed = true;
      if (op === "+") added = true;
      else removed = true;
      fragment.appendChild(mark(op === "+" ? "ins" : "del", text, who, op === "+" ? "Added" : "Removed"));
    });
    label();
    box.textContent = "";
    box.appendChild(fragment);
    box.parentNode.classList.toggle("changed", changed);
  }

  function setUp(area, form) {
    function who() { return form.getAttribute("data-author") || "you"; }
    var was = area.getAttribute("data-was") || "";
    var box = document.createElement("div");
    box.className = "para-text";
    box.id = area.id + "-text";
    box.setAttribute("role", "textbox");
    box.setAttribute("aria-multiline", "true");
    box.setAttribute("aria-label", area.getAttribute("aria-label") || "");
    box.setAttribute("spellcheck", "true");
    if (area.readOnly) box.setAttribute("aria-readonly", "true");
    else box.setAttribute("contenteditable", "true");
    area.hidden = true;
    area.tabIndex = -1;
    area.parentNode.insertBefore(box, area);
    render(box, was, area.value, who());

    var composing = false;
    function update(offset) {
      var now = liveText(box);
      if (area.value !== now) {
        area.value = now;
        area.dispatchEvent(new Event("input", { bubbles: true })); // kept as typed (keep.js)
      }
      render(box, was, now, who());
      if (offset !== null) placeCaret(box, offset);
    }

    box.addEventListener("compositionstart", function () { composing = true; });
    box.addEventListener("compositionend", function () { composing = false; update(caretOffset(box)); });
    box.addEventListener("input", function () {
      if (!composing) update(caretOffset(box));
    });
    // Deleting next to struck-through words: done here on the text as typed, so the struck words
    // (which are not part of it) are stepped over.
    box.addEventListener("beforeinput", function (event) {
      var type = event.inputType || "";
      var selection = window.getSelection();
      if (type === "insertParagraph" || type === "insertLineBreak") { event.preventDefault(); return; }
      if (type.indexOf("delete") !== 0 || !selection || !selection.isCollapsed) return;
      event.preventDefault();
      var text = liveText(box), at = caretOffset(box);
      if (at === null) return;
      var from = at, to = at;
      if (type === "deleteContentBackward" && at > 0) from = at - 1;
      else if (type === "deleteContentForward" && at < text.length) to = at + 1;
      else if (type === "deleteWordBackward") from = text.slice(0, at).replace(/\S+\s*$/, "").length;
      else if (type === "deleteWordForward") to = at + text.slice(at).match(/^\s*\S*/)[0].length;
      else if (type === "deleteSoftLineBackward" || type === "deleteHardLineBackward") from = 0;
      if (from === to) return;
      box.textContent = text.slice(0, from) + text.slice(to);
      update(from);
    });
    box.addEventListener("paste", function (event) {
      event.preventDefault();
      var text = (event.clipboardData || window.clipboardData).getData("text/plain").replace(/\s+/g, " ");
      document.execCommand("insertText", false, text);
    });
  }

  function start() {
    var form = document.querySelector("form.read-form");
    if (!form) return;
    var name = form.querySelector("[name='_author_name']");
    var areas = form.querySelectorAll(".para textarea");
    for (var i = 0; i < areas.length; i++) setUp(areas[i], form);
    document.documentElement.classList.add("editing-in-place");
    if (name) {
      // The marks carry the name the changes will be saved under.
      name.addEventListener("input", function () {
        var now = name.value.trim() || "you";
        var marks = form.querySelectorAll(".para-text ins, .para-text del");
        for (var k = 0; k < marks.length; k++) {
          marks[k].setAttribute("data-who", now);
          marks[k].title = (marks[k].tagName === "INS" ? "Added" : "Removed") + " by " + now;
        }
        var labels = form.querySelectorAll(".para-text .who");
        for (var l = 0; l < labels.length; l++) labels[l].textContent = labels[l].textContent.replace(/by .*$/, "by " + now);
        form.setAttribute("data-author", now);
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
