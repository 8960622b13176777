// Building blocks of the console's pages. Every value from the API goes into the page as text
// (textContent, attribute values set one by one), never as markup.

/** An element with properties and children; strings become text nodes. */
export function el(tag, properties = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(properties)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "className") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const byId = (id) => document.getElementById(id);

/** Replaces a container's content. */
export function fill(container, ...children) {
  container.replaceChildren(...children.flat().filter((c) => c !== undefined && c !== null));
}

export const number = (value) =>
  value === null || value === undefined ? "–" : Number(value).toLocaleString("en");
export const percent = (value, digits = 1) =>
  value === null || value === undefined ? "–" : `${Number(value).toFixed(digits)}%`;
export const dateTime = (iso) => (iso ? String(iso).slice(0, 16).replace("T", " ") : "–");

/** Calls the API, showing a failure in `where` (a message as text) instead of throwing. */
export async function load(path, where) {
  try {
    return await window.porteiro.api(path);
  } catch (error) {
    if (where)
      fill(where, el("p", { className: "error", role: "alert" }, `Could not load ${path}: ${error.message}`));
    return undefined;
  }
}

/** Sends a change (POST) with the CSRF token; returns the answer or throws with the server's message. */
export const change = (path) => window.porteiro.api(path, { method: "POST" });

/** Whether the operator may change things: read-only operators get no action buttons. */
export async function mayChange() {
  const session = await window.porteiro.api("/api/session");
  return session.role !== "read-only";
}

/** "2026-03", "2026-03-02" or a full ISO time → Unix seconds (UTC), the x values uPlot draws. */
export function daySeconds(day) {
  if (day.length > 10) return Date.parse(day) / 1000;
  return Date.parse(`${day.length === 7 ? `${day}-01` : day}T00:00:00Z`) / 1000;
}
