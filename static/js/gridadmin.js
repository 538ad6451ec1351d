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

// A print page that records its printing (a grid's bulletin: data-record-print) tells the server as
// the browser prints; the township then knows which boards on the walls are current.
window.addEventListener("beforeprint", () => {
  const form = document.querySelector("form[data-record-print]");
  if (form && navigator.sendBeacon) navigator.sendBeacon(form.action, new FormData(form));
});
