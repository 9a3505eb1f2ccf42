// The review page's comments, Google Docs style: select a passage in a version's text, press
// "Comment" beside it, and the version's comment box opens there with the passage filled in;
// the margin's quotes jump to their highlight, the link after a highlight to its thread.
// Loaded with <script src> (the CSP allows no inline script; positions are set through the
// CSSOM, which it allows). The server decides where the passage is (editorial/anchoring.py): this
// sends the text as selected and where it starts in the version's text, whitespace collapsed,
// which only picks among repeats. Without this script the boxes are plain forms.
(function () {
  "use strict";

  var selected = null; // {text, offset, range, wrap, slug} of the last selection in a text

  function textOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    return element ? element.closest(".review-text") : null;
  }

  function collapse(text) {
    return text.replace(/\s+/g, " ");
  }

  // The selection, cut to the one version's text it starts in (or ends in).
  function selectionInText() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return null;
    }
    var range = selection.getRangeAt(0);
    var container = textOf(range.startContainer) || textOf(range.endContainer);
    if (!container) {
      return null;
    }
    var inside = document.createRange();
    inside.selectNodeContents(container);
    if (range.compareBoundaryPoints(Range.START_TO_START, inside) > 0) {
      inside.setStart(range.startContainer, range.startOffset);
    }
    if (range.compareBoundaryPoints(Range.END_TO_END, inside) < 0) {
      inside.setEnd(range.endContainer, range.endOffset);
    }
    var text = collapse(inside.toString()).trim();
    if (!text) {
      return null;
    }
    var before = document.createRange();
    before.setStart(container, 0);
    before.setEnd(inside.startContainer, inside.startOffset);
    var offset = collapse(before.toString()).replace(/^ /, "").length;
    return { container: container, range: inside, text: text, offset: offset };
  }

  function partsFor(container) {
    var wrap = container.closest(".review-text-wrap");
    var slug = container.getAttribute("data-audience");
    return {
      wrap: wrap,
      slug: slug,
      button: wrap && wrap.querySelector('.comment-on-selection[data-comment-for="' + slug + '"]'),
      box: document.getElementById("comment-box-" + slug),
    };
  }

  function hideButtons(except) {
    document.querySelectorAll(".comment-on-selection").forEach(function (button) {
      if (button !== except && button !== document.activeElement) {
        button.hidden = true;
      }
    });
  }

  // Below the selection's last line, inside the wrap (positioned relative in site.css).
  function placeBelow(element, range, wrap) {
    var rects = range.getClientRects();
    var last = rects.length ? rects[rects.length - 1] : range.getBoundingClientRect();
    var area = wrap.getBoundingClientRect();
    element.style.top = Math.round(last.bottom - area.top + 4) + "px";
    return { left: last.right - area.left, width: area.width };
  }

  function onSelectionChange() {
    var found = selectionInText();
    if (!found) {
      hideButtons(null);
      return;
    }
    var parts = partsFor(found.container);
    if (!parts.button || !parts.box) {
      return;
    }
    selected = {
      text: found.text,
      offset: found.offset,
      range: found.range,
      wrap: parts.wrap,
      slug: parts.slug,
    };
    hideButtons(parts.button);
    parts.button.hidden = false;
    var at = placeBelow(parts.button, found.range, parts.wrap);
    var left = Math.min(Math.max(at.left - parts.button.offsetWidth, 0), at.width - parts.button.offsetWidth);
    parts.button.style.left = Math.max(left, 0) + "px";
  }

  // The box floats through its place (an element htmx never swaps: htmx would copy a style
  // attribute of the box itself onto the fresh one, which the CSP refuses).
  function unfloat(place) {
    place.classList.remove("is-floating");
    place.removeAttribute("style");
  }

  function openBox(button) {
    var box = selected && document.getElementById("comment-box-" + selected.slug);
    if (!box) {
      return;
    }
    var place = box.closest(".comment-box-place");
    var form = box.querySelector("form");
    form.querySelector('[name="quoted_text"]').value = selected.text;
    form.querySelector('[name="offset"]').value = String(selected.offset);
    box.open = true;
    place.classList.add("is-floating");
    placeBelow(place, selected.range, selected.wrap);
    button.hidden = true;
    var comment = form.querySelector('[name="body"]');
    comment.focus({ preventScroll: true });
    box.scrollIntoView({ block: "nearest" });
  }

  function focusOn(element) {
    element.scrollIntoView({ block: "center" });
    element.focus({ preventScroll: true });
  }

  function markCurrent(selector, thread) {
    document.querySelectorAll(".is-current").forEach(function (element) {
      element.classList.remove("is-current");
    });
    document.querySelectorAll(selector + '[data-thread="' + thread + '"]').forEach(function (element) {
      element.classList.add("is-current");
    });
  }

  var pending = null;
  var dragging = false; // no button under the pointer while it is still selecting
  function settle() {
    window.clearTimeout(pending);
    pending = window.setTimeout(onSelectionChange, 120);
  }
  document.addEventListener("selectionchange", function () {
    if (dragging) {
      hideButtons(null);
    } else {
      settle(); // once the selection settles (keys held down fire many of these)
    }
  });

  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest(".comment-on-selection")) {
      event.preventDefault(); // pressing the button must not clear the selection it is about
    } else if (event.button === 0) {
      dragging = true;
    }
  });
  document.addEventListener("mouseup", function () {
    if (dragging) {
      dragging = false;
      settle();
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) {
      return;
    }
    var button = target.closest(".comment-on-selection");
    if (button) {
      openBox(button);
      return;
    }
    var quote = target.closest("a.quote-link[data-passage]");
    if (quote) {
      var thread = quote.getAttribute("data-passage");
      var mark = document.getElementById("passage-" + thread);
      if (mark) {
        event.preventDefault();
        markCurrent("mark.passage", thread);
        focusOn(mark);
        history.replaceState(null, "", "#passage-" + thread);
      }
      return;
    }
    var back = target.closest("a.passage-link");
    if (back) {
      var article = document.getElementById(back.getAttribute("href").slice(1));
      if (article) {
        event.preventDefault();
        markCurrent("article.thread", article.getAttribute("data-thread"));
        focusOn(article);
        history.replaceState(null, "", "#" + article.id);
      }
      return;
    }
    // A click on a highlight shows its thread in the margin, without moving the page (a second
    // click may be selecting a word in it); its link, just after it, goes there.
    var highlight = target.closest("mark.passage");
    if (highlight) {
      markCurrent("article.thread", highlight.getAttribute("data-thread"));
    }
  });

  document.addEventListener("focusout", function (event) {
    var button = event.target.closest && event.target.closest(".comment-on-selection");
    if (button && !selectionInText()) {
      button.hidden = true;
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var place = event.target.closest && event.target.closest(".comment-box-place.is-floating");
    if (place) {
      place.querySelector("details").open = false;
      unfloat(place);
      place.querySelector("summary").focus();
    }
  });

  document.addEventListener(
    "toggle",
    function (event) {
      var box = event.target;
      if (box.matches && box.matches("details.comment-box") && !box.open) {
        unfloat(box.closest(".comment-box-place"));
      }
    },
    true
  );

  // After htmx put in the threads of a new comment (and an empty, closed box): focus the
  // thread, as the box it came from is gone.
  document.addEventListener("htmx:afterSettle", function () {
    var threads = document.querySelector(".threads[data-new-thread]");
    if (!threads) {
      return;
    }
    var article = document.getElementById("comment-" + threads.getAttribute("data-new-thread"));
    threads.removeAttribute("data-new-thread");
    document.querySelectorAll(".comment-box-place.is-floating").forEach(unfloat);
    window.getSelection().removeAllRanges();
    hideButtons(null);
    if (article) {
      focusOn(article);
    }
  });
})();
