export class AdminInputError extends Error {}
export function normalizeEmail(raw: unknown): string;
export function setRoleSql(email: string, role: "admin" | "user", opts: { actor: string; now: number }): string[];
export function listSql(email?: string, limit?: number): string[];
export function insertAdminSql(a: {
  id: string;
  email: string;
  name: string;
  hash: { algorithm: string; iterations: number; salt: string; hash: string };
  actor: string;
  now: number;
}): string[];
