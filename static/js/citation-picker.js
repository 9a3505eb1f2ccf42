// The citation picker of the article editor: "Insert" puts [@key] at the cursor of the
// textarea of the audience tab being edited, then lets htmx refresh its readability panel.
// Loaded with <script src> (the CSP allows no inline script); without it the markers stay
// visible to copy.
(function () {
  "use strict";

  var lastTextarea = null;

  function activeTextarea() {
    var checked = document.querySelector(".body-tabs > .tab-radio:checked");
    if (checked) {
      var panel = document.getElementById(checked.getAttribute("aria-controls"));
      var inPanel = panel && panel.querySelector("textarea.markdown");
      if (inPanel) {
        return inPanel;
      }
    }
    return lastTextarea || document.querySelector("textarea.markdown");
  }

  function insert(textarea, marker) {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    if (typeof start !== "number") {
      start = end = textarea.value.length;
    }
    textarea.focus();
    textarea.setRangeText(marker, start, end, "end");
    // htmx listens for "input" to refresh the readability of this body.
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function announce(text) {
    var status = document.getElementById("picker-status");
    if (status) {
      status.textContent = text;
    }
  }

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("textarea.markdown")) {
      lastTextarea = event.target;
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-cite-key]");
    if (!button) {
      return;
    }
    var textarea = activeTextarea();
    if (!textarea) {
      return;
    }
    var marker = "[@" + button.getAttribute("data-cite-key") + "]";
    insert(textarea, marker);
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    announce("Inserted " + marker + (label ? " in " + label.textContent.trim() : "") + ".");
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-citation-picker]").forEach(function (picker) {
      picker.classList.add("picker-ready");
    });
  });
})();
