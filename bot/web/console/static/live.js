// Today, live: open alerts and the window title follow the server's events
// (/console/events) without a reload. Progressive enhancement: the page is
// complete without this script, and reloads itself every minute in that case
// (a <noscript> refresh); if the stream cannot be used, this script falls
// back to the same once-a-minute reload.
(function () {
  "use strict";
  var FALLBACK_MS = 60000;
  var section = document.getElementById("live-alerts");
  if (!section || !window.EventSource || !window.JSON) {
    return;
  }
  var news = document.getElementById("live-news");
  var fallback = null;

  function reloadLater() {
    if (fallback === null) {
      fallback = window.setTimeout(function () { window.location.reload(); }, FALLBACK_MS);
    }
  }

  var url = section.getAttribute("data-events") + "?mark=" + encodeURIComponent(section.getAttribute("data-mark") || "");
  var source = new EventSource(url);

  source.addEventListener("alerts", function (event) {
    var update = JSON.parse(event.data);
    // Server-rendered and escaped HTML for this staff member (their language and Acknowledge forms).
    section.innerHTML = update.html;
    document.title = update.title;
    section.setAttribute("data-mark", event.lastEventId);
    if (news) {
      news.textContent = update.news;
    }
  });

  // The session ended (signed out, idle, no longer staff): show the page the server gives now.
  source.addEventListener("end", function () {
    source.close();
    window.location.reload();
  });

  source.addEventListener("open", function () {
    if (fallback !== null) {
      window.clearTimeout(fallback);
      fallback = null;
    }
  });

  // A closed source will not retry (refused: 401, 503); a connecting one retries on its own.
  source.addEventListener("error", function () {
    if (source.readyState === EventSource.CLOSED) {
      reloadLater();
    }
  });
})();
