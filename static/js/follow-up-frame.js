// The article page's follow-up question frame (a same-origin document) takes the height of
// its content: on each load (the form, the form with errors, the thank-you text) and whenever
// that content changes size. Without this script the frame keeps its CSS height and scrolls,
// and shows its own heading.
(function () {
  "use strict";

  function fit(frame) {
    var doc;
    try {
      doc = frame.contentDocument;
    } catch (error) {
      return; // not our origin (cannot happen with our CSP): leave the CSS height
    }
    if (!doc || !doc.documentElement || !doc.body) {
      return;
    }
    // The article's "Have a follow-up question?" already heads the frame: its own heading
    // stays for screen readers only.
    var intros = doc.querySelectorAll(".frame-intro");
    for (var i = 0; i < intros.length; i += 1) {
      intros[i].classList.add("visually-hidden");
    }
    var height = Math.ceil(doc.documentElement.getBoundingClientRect().height);
    if (height > 0) {
      frame.style.height = height + "px";
      frame.classList.add("is-fitted");
    }
  }

  function watch(frame) {
    var observer = null;

    function loaded() {
      if (observer) {
        observer.disconnect();
        observer = null;
      }
      fit(frame);
      var doc = frame.contentDocument;
      var win = frame.contentWindow;
      // The frame's own ResizeObserver: it watches the frame's document as it lays out.
      if (doc && doc.body && win && typeof win.ResizeObserver === "function") {
        observer = new win.ResizeObserver(function () {
          fit(frame);
        });
        observer.observe(doc.body);
      }
    }

    frame.addEventListener("load", loaded);
    // Loaded before this script ran (a cached frame): fit it now.
    var doc = frame.contentDocument;
    if (doc && doc.readyState === "complete" && doc.URL !== "about:blank") {
      loaded();
    }
  }

  function start() {
    var frames = document.querySelectorAll("iframe.follow-up-frame");
    for (var i = 0; i < frames.length; i += 1) {
      watch(frames[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
