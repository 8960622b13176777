// Tables that sort on a header click and export their rows as CSV, built client-side from the
// same rows the table shows. Only the first ROWS_SHOWN rows are drawn; the export has them all.
import { el, fill } from "./console-dom.js";

const ROWS_SHOWN = 500;

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or CR) as a formula: such a text
 * cell gets a leading quote, so an attacker's subject line stays text in the operator's Excel.
 */
export function csvCell(value) {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(columns, rows) {
  const lines = [columns.map((c) => csvCell(c.label)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvCell(csvValue(c, row))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

const rawValue = (column, row) => (column.value ? column.value(row) : row[column.key]);
const csvValue = (column, row) => {
  const value = rawValue(column, row);
  return Array.isArray(value) ? value.join("; ") : value;
};
const cellText = (column, row) => {
  const value = rawValue(column, row);
  if (column.format) return column.format(value, row);
  if (value === null || value === undefined) return "–";
  return Array.isArray(value) ? value.join("; ") : String(value);
};

function compare(a, b) {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), "en", { numeric: true });
}

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = el("a", { href: url, download: `${name}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Draws `rows` into `container`. columns: [{ key, label, value?(row), format?(value,row), numeric? }];
 * actions: [{ label, run(row), when?(row) }] add a button per row; onSelect(row) makes rows clickable.
 */
export function dataTable(
  container,
  { name, columns, rows, actions = [], onSelect, empty = "Nothing to show." },
) {
  let sorted = rows.slice();
  let sortKey;
  let descending = false;
  const table = el("table", { className: "data" });
  const head = el("thead");
  const body = el("tbody");
  const note = el("p", { className: "hint" });

  const headers = columns.map((column) => {
    const button = el("button", { type: "button", className: "sort" }, column.label);
    const th = el("th", { scope: "col", className: column.numeric ? "num" : undefined }, button);
    button.addEventListener("click", () => {
      descending = sortKey === column.key ? !descending : Boolean(column.numeric);
      sortKey = column.key;
      sorted = rows
        .slice()
        .sort((a, b) => compare(rawValue(column, a), rawValue(column, b)) * (descending ? -1 : 1));
      for (const other of headers) other.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      draw();
    });
    return th;
  });
  head.append(el("tr", {}, headers, actions.length ? el("th", { scope: "col" }, "") : null));

  function draw() {
    fill(
      body,
      sorted.slice(0, ROWS_SHOWN).map((row) => {
        const tr = el(
          "tr",
          {},
          columns.map((c) => el("td", { className: c.numeric ? "num" : undefined }, cellText(c, row))),
          actions.length
            ? el(
                "td",
                { className: "actions" },
                actions
                  .filter((a) => !a.when || a.when(row))
                  .map((a) =>
                    el(
                      "button",
                      {
                        type: "button",
                        onclick: (event) => {
                          event.stopPropagation();
                          a.run(row);
                        },
                      },
                      a.label,
                    ),
                  ),
              )
            : null,
        );
        if (onSelect) {
          tr.classList.add("selectable");
          tr.tabIndex = 0;
          tr.addEventListener("click", () => onSelect(row));
          tr.addEventListener("keydown", (event) => event.key === "Enter" && onSelect(row));
        }
        return tr;
      }),
    );
    note.textContent =
      rows.length > ROWS_SHOWN ? `Showing ${ROWS_SHOWN} of ${rows.length} rows; the CSV has them all.` : "";
  }

  table.append(head, body);
  draw();
  const exportButton = el(
    "button",
    { type: "button", className: "export", onclick: () => download(name, toCsv(columns, sorted)) },
    "Export CSV",
  );
  fill(
    container,
    el("div", { className: "table-tools" }, el("span", {}, `${rows.length} rows`), exportButton),
    rows.length ? table : el("p", { className: "hint" }, empty),
    note,
  );
}
