// Tapbook console: the few behaviours htmx attributes do not cover. Loaded as a file (the CSP
// allows no inline script). Everything works without it; it only makes pages live.
(function () {
  'use strict';

  // Inbox: a server-sent event stream (fed by PostgreSQL LISTEN/NOTIFY) tells the page that
  // conversations waiting for a person changed; the list refreshes itself and the title shows the count.
  function startInboxStream() {
    var list = document.getElementById('inbox-list');
    if (!list || !window.EventSource) return;
    var source = new EventSource('/admin/inbox/events');
    source.addEventListener('inbox', function () {
      if (window.htmx) window.htmx.trigger(list, 'inbox-changed');
    });
  }

  function updateTitleCount() {
    var counter = document.getElementById('waiting-count');
    var base = document.body.getAttribute('data-title');
    if (!counter || !base) return;
    var count = Number(counter.getAttribute('data-count') || '0');
    document.title = count > 0 ? '(' + count + ') ' + base : base;
  }

  document.addEventListener('DOMContentLoaded', function () {
    startInboxStream();
    updateTitleCount();
  });
  document.addEventListener('htmx:afterSettle', updateTitleCount);
})();
