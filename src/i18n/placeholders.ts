import IntlMessageFormat from "intl-messageformat";

/** The parts of a parsed message this module looks at: arguments, tags, and plural/select branches. */
interface Element {
  readonly type: number;
  readonly value?: unknown;
  readonly children?: readonly Element[];
  readonly options?: Readonly<Record<string, { readonly value: readonly Element[] }>>;
}

/** The AST's element types that name a value (`{x}`, `{x, number}`, `{x, plural, …}`, …) and a tag. */
const NAMED_VALUE = new Set([1, 2, 3, 4, 5, 6]);
const TAG = 8;

function collect(elements: readonly Element[], into: Set<string>): void {
  for (const element of elements) {
    if (NAMED_VALUE.has(element.type)) into.add(`{${String(element.value)}}`);
    if (element.type === TAG) into.add(`<${String(element.value)}>`);
    if (element.children) collect(element.children, into);
    for (const option of Object.values(element.options ?? {})) collect(option.value, into);
  }
}

/**
 * What a message needs filled in, sorted: `{name}` for each value and `<tag>` for each tag. Two
 * languages' versions of a message must need the same. Throws on a message that does not parse.
 */
export function placeholdersOf(message: string): string[] {
  const found = new Set<string>();
  collect(new IntlMessageFormat(message, "en").getAst() as unknown as Element[], found);
  return [...found].sort();
}
