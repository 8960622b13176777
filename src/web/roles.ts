import type { Role } from "./operators.js";

const RANK: Record<Role, number> = { "read-only": 0, operator: 1, admin: 2 };

/** Whether `role` is at least `needed`: admin ⊇ operator ⊇ read-only. */
export function hasRole(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}
