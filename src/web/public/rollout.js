// The programme pages' forms: each `form.rollout-form` is sent as JSON to its data-api path with
// porteiro.api() (which adds the CSRF header), then the page reloads to show the change.

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
