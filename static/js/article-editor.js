// The article editor (templates/editorial/article_edit.html): autosave, the warning before
// leaving with unsaved text, and the tab last worked in. Loaded with <script src> (the CSP
// allows no inline script). Without it the form still posts and saves; htmx alone refreshes
// each tab's preview and readability while typing.
//
// Autosave posts the whole form, with the fingerprints of the bodies as they were read, to the
// same service as "Save draft", after a pause in typing. A save refused because a colleague
// changed a body meanwhile stops autosaving: nothing is saved over their text, and "Save draft"
// then shows theirs beside yours.
(function () {
  "use strict";

  var PAUSE_MS = 2000;
  var form = document.querySelector("form[data-autosave-url]");
  if (!form) {
    return;
  }
  var statusLine = document.getElementById("save-status");
  var url = form.getAttribute("data-autosave-url");
  var edits = 0; // inputs since the page loaded
  var savedEdits = form.hasAttribute("data-unsaved") ? -1 : 0; // edits the server holds
  var timer = null;
  var pending = null; // the autosave request under way, a Promise
  // After a conflict or once submitted, only "Save draft" saves: on a page showing a
  // colleague's text beside one's own, too, since saving there keeps one's own over theirs.
  var stopped = form.hasAttribute("data-autosave-off");
  var leaving = false; // the form is being posted

  function dirty() {
    return edits !== savedEdits;
  }

  function say(text, kind) {
    if (!statusLine) {
      return;
    }
    statusLine.hidden = false;
    statusLine.className = "save-status" + (kind ? " save-status-" + kind : "");
    if (statusLine.textContent !== text) {
      statusLine.textContent = text;
    }
  }

  function clock() {
    return new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function seenUpdate(seen) {
    Object.keys(seen || {}).forEach(function (slug) {
      var input = form.querySelector('input[type="hidden"][name="seen_' + slug + '"]');
      if (input) {
        input.value = seen[slug];
      }
    });
  }

  function answered(response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") === -1) {
      // A login page after the session ended, or a server error page.
      throw new Error("Not saved: the server did not answer as expected (are you still logged in?). Your text is still here.");
    }
    return response.json().then(function (data) {
      return { status: response.status, data: data };
    });
  }

  function save() {
    timer = null;
    if (stopped || pending || !dirty()) {
      return pending;
    }
    var sending = edits;
    pending = fetch(url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(answered)
      .then(function (answer) {
        var data = answer.data;
        if (answer.status === 200 && data.saved) {
          seenUpdate(data.seen);
          savedEdits = sending;
          if (!dirty()) {
            say("Saved at " + clock(), "saved");
          }
        } else if (answer.status === 412 || answer.status === 409) {
          stopped = true;
          say(
            "Not saved: " + data.message + " Autosave is off: " +
              (answer.status === 412
                ? "use Save draft to see their text beside yours."
                : "copy your text before leaving this page."),
            "error"
          );
        } else {
          say("Not saved: " + (data.message || "the server refused it."), "error");
        }
      })
      .catch(function (error) {
        say(
          error && error.message && error.message.indexOf("Not saved") === 0
            ? error.message
            : "Not saved: the server could not be reached. Your text is still here; autosave tries again when you type.",
          "error"
        );
      })
      .then(function () {
        pending = null;
        // Typed on meanwhile: save that too. A refused text waits for the next input.
        if (edits !== sending && !stopped && !leaving) {
          schedule();
        }
      });
    return pending;
  }

  function schedule() {
    if (timer) {
      clearTimeout(timer);
    }
    if (!stopped) {
      timer = setTimeout(save, PAUSE_MS);
    }
  }

  form.addEventListener("input", function (event) {
    var field = event.target;
    // The tab radios sit inside the form's markup but belong to no form (form="no-submit").
    if (field.form !== form || field.type === "radio") {
      return;
    }
    edits += 1;
    if (!stopped) {
      say("Unsaved changes");
      schedule();
    }
  });

  form.addEventListener("submit", function (event) {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (pending) {
      // Post once the autosave under way has answered, with the fingerprints it returned:
      // else the form would be refused as written over one's own autosave.
      event.preventDefault();
      pending.then(function () {
        leaving = true;
        form.submit();
      });
      return;
    }
    leaving = true;
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirty() && !leaving) {
      event.preventDefault();
      event.returnValue = ""; // older browsers need it to ask
    }
  });

  // Back on the editor after a save, the tab worked in stays open (unless one has an error).
  var tabs = form.querySelector(".body-tabs");
  var key = "editor-tab:" + window.location.pathname;
  if (tabs) {
    window.addEventListener("pagehide", function () {
      var open = tabs.querySelector(".tab-radio:checked");
      try {
        window.sessionStorage.setItem(key, open ? open.id : "");
      } catch (ignored) {
        // Storage may be off; the canonical tab opens then.
      }
    });
    if (!tabs.hasAttribute("data-error-tab")) {
      var remembered = null;
      try {
        remembered = window.sessionStorage.getItem(key);
      } catch (ignored) {
        remembered = null;
      }
      var radio = remembered && document.getElementById(remembered);
      if (radio && radio.classList.contains("tab-radio")) {
        radio.checked = true;
      }
    }
  }

  // "Find in text" beside a plain-language mark selects its passage in the textarea. The
  // marks come from the server (htmx replaces them while typing), so the listener sits on the
  // form; the buttons show only where this script runs. A sentence mark quotes the prose (no
  // Markdown, no citations): when it is not in the text as typed, its first words are sought.
  document.body.classList.add("marks-findable");
  form.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.find-mark") : null;
    if (!button) {
      return;
    }
    var box = document.getElementById(button.getAttribute("data-for"));
    var wanted = button.getAttribute("data-find") || "";
    if (!box || !wanted) {
      return;
    }
    var at = box.value.indexOf(wanted);
    if (at === -1) {
      wanted = wanted.split(/\s+/).slice(0, 4).join(" ");
      at = box.value.indexOf(wanted);
    }
    if (at === -1) {
      button.textContent = "Not found as typed";
      return;
    }
    box.focus();
    box.setSelectionRange(at, at + wanted.length);
  });

  // Text typed before this script ran counts as typed.
  Array.prototype.forEach.call(form.querySelectorAll("textarea, input[type=text]"), function (field) {
    if (field.value !== field.defaultValue) {
      edits += 1;
    }
  });
  if (edits && !stopped) {
    schedule();
  }
  if (stopped) {
    say("Autosave is off: compare their text with yours, then use Save draft to keep yours.");
  } else if (dirty()) {
    say("Unsaved changes: this text is not saved yet.");
  }
})();
