// gridadmin's own script (no inline scripts: the CSP allows only files from this site).

// A form sends once: a double click or an impatient second press on a slow connection must not
// create two records. The buttons come back if the browser shows the page again from its cache.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.method.toLowerCase() !== "post") return;
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
  form.querySelectorAll("button[type=submit]").forEach((button) => button.classList.add("disabled"));
  // On a weak connection the answer may never come: allow a resend after a while (the server
  // recognises the same form and saves it once).
  setTimeout(() => release(form), 15000);
});
function release(form) {
  delete form.dataset.sent;
  form.querySelectorAll("button[type=submit]").forEach((button) => button.classList.remove("disabled"));
}
window.addEventListener("pageshow", () => document.querySelectorAll("form[data-sent]").forEach(release));

// A "Print" button (data-print) prints the page: its print styles leave out the menus and forms.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

// A grid's bulletin (data-record-print): once the print dialog closes, ask whether the new board was
// printed, next to the button that records it. Nothing is recorded by itself: a print preview or a
// cancelled dialog is not a board on the wall.
window.addEventListener("afterprint", () => {
  const form = document.querySelector("form[data-record-print]");
  if (form) {
    form.classList.add("asking");
    form.querySelector("button").focus();
  }
});
