export class D1ExecuteError extends Error {}
export function d1Execute(statements: string[], opts?: { remote?: boolean; persistTo?: string; cwd?: string }): Array<Array<Record<string, unknown>>>;
