import type { Config } from "../config";
import type { Db } from "../db/client";
import { isUniqueViolation } from "../db/client";
import { users, type UserRow } from "../db/schema";
import { insertSession, revokeSession } from "../db/sessions";
import { findUserByEmail } from "../db/users";
import { AppError, conflict } from "../domain/errors";
import { hashPassword, verifyPassword, type PasswordHash } from "../domain/password";
import { sha256Hex, toBase64Url } from "../lib/crypto";

export interface AuthDeps {
  db: Db;
  config: Config;
  now: () => number;
  randomBytes: (n: number) => Uint8Array;
}

export interface IssuedSession {
  user: UserRow;
  token: string;
  expiresAt: number;
}

// A fixed salt for the decoy hash that runs when an email is unknown, so that a miss costs the same time as
// a wrong password and does not reveal which emails have accounts.
const DECOY: PasswordHash = {
  algorithm: "pbkdf2-sha256",
  iterations: 100_000,
  salt: "cG9ja2V0cGF5LWRlY295",
  hash: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
};

const invalidCredentials = () =>
  new AppError(401, "invalid_credentials", "The email or password is incorrect.");

export const hashSessionToken = (token: string) => sha256Hex(token);

async function issueSession(deps: AuthDeps, user: UserRow): Promise<{ token: string; expiresAt: number; insert: ReturnType<typeof insertSession> }> {
  // 256 bits of randomness; only its hash is stored.
  const token = toBase64Url(deps.randomBytes(32));
  const now = deps.now();
  const expiresAt = now + deps.config.SESSION_TTL_HOURS * 3_600_000;
  const insert = insertSession(deps.db, {
    id: crypto.randomUUID(),
    tokenHash: await hashSessionToken(token),
    userId: user.id,
    createdAt: now,
    expiresAt,
  });
  return { token, expiresAt, insert };
}

export async function signup(
  deps: AuthDeps,
  input: { email: string; password: string; name: string },
): Promise<IssuedSession> {
  const stored = await hashPassword(input.password, deps.randomBytes(16));
  const user: UserRow = {
    id: crypto.randomUUID(),
    email: input.email,
    name: input.name,
    passwordAlgorithm: stored.algorithm,
    passwordIterations: stored.iterations,
    passwordSalt: stored.salt,
    passwordHash: stored.hash,
    createdAt: deps.now(),
    // Signing up never makes an administrator, whatever the email: only an operator or an admin grants that.
    role: "user",
    roleChangedBy: null,
    roleChangedAt: null,
  };
  const session = await issueSession(deps, user);
  try {
    // User and first session land together or not at all.
    await deps.db.batch([deps.db.insert(users).values(user), session.insert]);
  } catch (e) {
    if (isUniqueViolation(e, "users.email")) {
      throw conflict("email_taken", "An account with this email already exists.");
    }
    throw e;
  }
  return { user, token: session.token, expiresAt: session.expiresAt };
}

export async function login(deps: AuthDeps, input: { email: string; password: string }): Promise<IssuedSession> {
  const user = await findUserByEmail(deps.db, input.email);
  const stored: PasswordHash = user
    ? {
        algorithm: user.passwordAlgorithm as PasswordHash["algorithm"],
        iterations: user.passwordIterations,
        salt: user.passwordSalt,
        hash: user.passwordHash,
      }
    : DECOY;
  const ok = await verifyPassword(input.password, stored);
  if (!user || !ok) throw invalidCredentials();
  const session = await issueSession(deps, user);
  await session.insert.run();
  return { user, token: session.token, expiresAt: session.expiresAt };
}

export const logout = (deps: Pick<AuthDeps, "db" | "now">, sessionId: string) =>
  revokeSession(deps.db, sessionId, deps.now());

