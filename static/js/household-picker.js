// The household picker of the case forms: as the user types a name, pinyin initials or a phone
// tail, the datalist fills with at most 20 households they may report on (the server decides).
(() => {
  const list = document.getElementById("household-options");
  const input = document.querySelector("[data-household-picker]");
  if (!list || !input) return;
  let timer = null;
  let asked = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const term = input.value.trim();
    if (!term || term.includes("#") || term === asked) return;
    timer = setTimeout(async () => {
      asked = term;
      const response = await fetch(`${list.dataset.source}?q=${encodeURIComponent(term)}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) return;
      const { results } = await response.json();
      list.replaceChildren(...results.map((text) => Object.assign(document.createElement("option"), { value: text })));
    }, 200);
  });
})();
