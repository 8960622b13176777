// The programme pages' forms: each `form.rollout-form` is sent as JSON to its data-api path with
// porteiro.api() (which adds the CSRF header), then the page reloads to show the change. An
// organisation is typed, with the matching ones offered from the API as it is typed.

(() => {
  /** The form's fields as the API wants them: empty ones left out, numbers and booleans typed. */
  function valuesOf(form) {
    const body = {};
    for (const field of form.elements) {
      if (!field.name || field.disabled) continue;
      const type = field.dataset.type;
      if (field.type === "checkbox") body[field.name] = field.checked;
      else if (field.value.trim() === "") continue;
      else if (type === "number") body[field.name] = Number(field.value);
      else if (type === "boolean") body[field.name] = field.value === "true";
      else body[field.name] = field.value;
    }
    return body;
  }

  /** Rows the organisation field offers as it is typed: the first of those whose name or id hold the text. */
  const OFFERED = 20;

  /**
   * Fills a field's <datalist data-api> with the organisations matching what is typed, from the
   * API's paged search, so the page never carries every organisation of the programme.
   */
  function offerChoices(field) {
    const list = document.getElementById(field.getAttribute("list"));
    if (!list?.dataset.api) return;
    let asked = "";
    let timer;
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const text = field.value.trim();
        if (text === "" || text === asked) return;
        asked = text;
        // Offering is a help: a failed search leaves the field as typed.
        const page = await window.porteiro
          .api(`${list.dataset.api}?limit=${OFFERED}&q=${encodeURIComponent(text)}`)
          .catch(() => null);
        if (page === null || asked !== text) return;
        list.replaceChildren(
          ...page.items.map((org) => {
            const option = document.createElement("option");
            option.value = org.id;
            option.textContent = org.name;
            return option;
          }),
        );
      }, 150);
    });
  }

  for (const field of document.querySelectorAll("input[list]")) offerChoices(field);

  for (const form of document.querySelectorAll("form.rollout-form")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const output = form.querySelector("output.result");
      try {
        await window.porteiro.api(form.dataset.api, { method: form.dataset.method, body: valuesOf(form) });
        window.location.reload();
      } catch (error) {
        if (output) {
          output.textContent = error.message;
          output.classList.add("error");
        } else window.alert(error.message);
      }
    });
  }
})();
