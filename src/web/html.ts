/** Markup that is already safe: built by `html` from escaped parts, or a literal of our own. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] as string);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === undefined || value === null || value === false) return "";
  return escapeHtml(String(value));
}

/**
 * The one way pages are written: every interpolated value is escaped unless it is itself `Html`,
 * so text from a plan, a report or a visitor can never become markup.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let text = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) text += render(values[i]) + (strings[i + 1] ?? "");
  return new Html(text);
}
