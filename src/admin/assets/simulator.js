// Tapbook WhatsApp simulator: the few behaviours htmx attributes do not cover (loaded as a file:
// the CSP allows no inline script). The chat keeps its newest message in view; the composer empties after sending.
(function () {
  'use strict';
  function scrollChat() {
    var chat = document.getElementById('chat');
    if (chat) chat.scrollTop = chat.scrollHeight;
  }
  document.addEventListener('DOMContentLoaded', scrollChat);
  document.addEventListener('htmx:afterSettle', function (event) {
    if (event.target && event.target.id === 'chat') scrollChat();
  });
  document.addEventListener('htmx:afterRequest', function (event) {
    var form = event.target;
    if (form && form.classList && form.classList.contains('composer') && event.detail.successful) {
      form.reset();
      var input = form.querySelector('input[name=text]');
      if (input) input.focus();
    }
  });
})();
