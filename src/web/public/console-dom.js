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

/** "as of 2026-12-07 21:14 UTC", with ", updating…" while the server computes a newer answer. */
export const asOfText = (asOf, updating) => `as of ${dateTime(asOf)} UTC${updating ? ", updating…" : ""}`;

/** Shows an answer's data time at the top of each panel (section) holding one of `panels`. */
function showAsOf(panels, asOf, updating) {
  for (const panel of panels) {
    const section = panel.closest("section") ?? panel.parentElement;
    if (!section) continue;
    let note = section.querySelector(":scope > .as-of");
    if (!note) {
      note = el("p", { className: "as-of" });
      const heading = section.querySelector(":scope > h2");
      if (heading) heading.after(note);
      else section.prepend(note);
    }
    note.textContent = asOfText(asOf, updating);
    note.classList.toggle("updating", updating);
  }
}

/** The path last asked for into each panel: an older answer arriving later is not shown. */
const askedFor = new WeakMap();
/** How many times in a row each panel got an answer still updating. */
const waits = new WeakMap();
const RETRY_MS = [2000, 4000, 8000, 15000, 30000];

/**
 * Calls the API for `where` (a panel, or a list of the panels one answer fills): shows a failure
 * in the first as text instead of throwing, and the answer's data time ("as of …") on each. When
 * the server answers with an older answer while it computes a newer one, `again` (the page's
 * function that asked, when given) is called a little later to fetch and show the newer one.
 * Resolves to undefined on failure, or when a newer question for the panel was asked meanwhile.
 */
export async function load(path, where, again) {
  const panels = [where].flat().filter(Boolean);
  const [first] = panels;
  for (const panel of panels) askedFor.set(panel, path);
  let answer;
  try {
    answer = await window.porteiro.read(path);
  } catch (error) {
    if (first)
      fill(first, el("p", { className: "error", role: "alert" }, `Could not load ${path}: ${error.message}`));
    return undefined;
  }
  if (first && askedFor.get(first) !== path) return undefined;
  if (answer.asOf) showAsOf(panels, answer.asOf, answer.updating);
  if (first && answer.updating && again) {
    const attempt = waits.get(first) ?? 0;
    waits.set(first, attempt + 1);
    setTimeout(
      () => {
        if (askedFor.get(first) === path) again();
      },
      RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)],
    );
  } else if (first) waits.delete(first);
  return answer.data;
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
