export const LOCAL_ADMIN_EMAIL: string;
export function seedLocalAdmin(opts?: { persistTo?: string; cwd?: string }): { email: string; password: string | null; note: string };
