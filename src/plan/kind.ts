import { UserError } from "../core/index.js";
import { POOL_KINDS, type PoolKind } from "./types.js";

export function parseKind(text: string): PoolKind {
  const kind = text.trim().toLowerCase();
  if ((POOL_KINDS as readonly string[]).includes(kind)) return kind as PoolKind;
  throw new UserError(`unknown kind "${text.trim()}"; expected one of ${POOL_KINDS.join(", ")}`);
}
