import type { Policy } from "../compute.js";

export interface RenderedFile {
  /** File name used by `policy render --out DIR`. */
  readonly name: string;
  readonly content: string;
}

export interface Rendering {
  readonly files: readonly RenderedFile[];
  /** What `policy render` prints: the one file, or a script that loads several. */
  readonly stdout: string;
}

export interface Renderer {
  readonly format: string;
  /** One line for `--help`. */
  readonly summary: string;
  render(policy: Policy): Rendering;
}

export function singleFile(name: string, content: string): Rendering {
  return { files: [{ name, content }], stdout: content };
}
