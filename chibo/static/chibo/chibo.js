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

/* Phones: each cell of a list carries its column's name, shown above the value when the
   table is read as cards (chibo.css); without this script the cards simply have no labels. */
function labelCells(root) {
  root.querySelectorAll(".table-responsive > table").forEach((table) => {
    const heads = Array.from(table.querySelectorAll(":scope > thead > tr:last-child > th"));
    if (!heads.length) { return; }
    table.querySelectorAll(":scope > tbody > tr, :scope > tfoot > tr").forEach((row) => {
      let column = 0;
      Array.from(row.children).forEach((cell) => {
        const head = heads[column];
        const label = head ? head.textContent.trim() : "";
        if (label && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", label); }
        column += cell.colSpan || 1;
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", () => labelCells(document));
document.addEventListener("htmx:afterSwap", (event) => labelCells(event.target.ownerDocument || document));
