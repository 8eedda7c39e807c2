/* chibo: the little behaviour the pages need, kept out of the HTML so that the
   Content-Security-Policy can refuse every inline script and handler. */
"use strict";

/* <form data-confirm="Câu hỏi?">: ask before submitting (e.g. revoking an API token). */
document.addEventListener("submit", (event) => {
  const question = event.target.dataset ? event.target.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

/* <a data-history-back href="/">: go back when there is a page to go back to; the href is
   the way out when there is none (a link opened in a new tab). */
document.addEventListener("click", (event) => {
  const link = event.target.closest ? event.target.closest("a[data-history-back]") : null;
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
