import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import type { Db } from "../db/client";
import type { UserRow } from "../db/schema";
import { liveSessionQuery, liveSessionUserIds } from "../db/sessions";
import { unauthorized } from "../domain/errors";
import { hashSessionToken } from "./auth";

export interface LiveSession {
  sessionId: string;
  user: UserRow;
}

type Reads = readonly BatchItem<"sqlite">[];

// Tokens we issue are 43 base64url characters (32 random bytes); anything else cannot match and needs no query.
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/**
 * The request's credential, looked up at most once: either on its own (one round trip), or inside the first batch
 * of reads a handler makes anyway (`requireWith`), so an authenticated read costs one round trip instead of two.
 * The session row is read in the same D1 batch, hence the same snapshot, as those reads, and the handler gets
 * their results only once the session proved live: a revoked or expired session never gets to act on them.
 */
export class SessionLookup {
  #found: LiveSession | null | undefined;

  private constructor(
    private readonly db: Db,
    private readonly tokenHash: string | null,
    private readonly now: number,
  ) {
    if (tokenHash === null) this.#found = null;
  }

  /** No I/O: hashes a well-formed token; a missing or malformed one can only ever be "no session". */
  static async fromToken(db: Db, token: string | undefined, now: number): Promise<SessionLookup> {
    const hash = token && TOKEN_FORMAT.test(token) ? await hashSessionToken(token) : null;
    return new SessionLookup(db, hash, now);
  }

  /** The session, or null when there is none or it is revoked or expired; reads D1 at most once per request. */
  async resolve(): Promise<LiveSession | null> {
    if (this.#found === undefined) this.#found = (await liveSessionQuery(this.db, this.tokenHash!, this.now).get()) ?? null;
    return this.#found;
  }

  /** The live session, or 401. */
  async require(): Promise<LiveSession> {
    const found = await this.resolve();
    if (!found) throw unauthorized();
    return found;
  }

  /**
   * Runs `reads` in one batch with the session lookup (when it is not known yet) and returns both, or throws 401
   * without handing out any result when the session is not live. Reads only, except a write whose SQL acts for
   * the session's user alone (liveUserIds): anything else must wait for the session.
   * A read that joins tables must alias columns whose names repeat: D1 batches key rows by column name.
   */
  async requireWith<T extends Reads>(reads: T): Promise<[LiveSession, BatchResponse<T>]> {
    if (this.#found === null) throw unauthorized();
    if (this.#found !== undefined) return [this.#found, await this.readAlone(reads)];
    const [sessionRows, ...results] = (await this.db.batch([
      liveSessionQuery(this.db, this.tokenHash!, this.now),
      ...reads,
    ] as unknown as [BatchItem<"sqlite">])) as unknown as [Array<LiveSession>, ...unknown[]];
    this.#found = sessionRows[0] ?? null;
    if (!this.#found) throw unauthorized();
    return [this.#found, results as BatchResponse<T>];
  }

  /**
   * The live session's user id as a subquery (none when it is not live), for a write batched with the lookup that
   * must act for that user only. Only valid inside requireWith's batch, which throws 401 without a token.
   */
  liveUserIds() {
    return liveSessionUserIds(this.db, this.tokenHash ?? "", this.now);
  }

  private async readAlone<T extends Reads>(reads: T): Promise<BatchResponse<T>> {
    if (reads.length === 0) return [] as unknown as BatchResponse<T>;
    return (await this.db.batch(reads as unknown as [BatchItem<"sqlite">])) as unknown as BatchResponse<T>;
  }
}
