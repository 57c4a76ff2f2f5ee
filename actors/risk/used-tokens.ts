/**
 * The set of approval tokens a broker has already acted on. A token needs remembering only until it
 * expires: after that `verifyApproval` rejects it as EXPIRED anyway. A broker that must survive restarts
 * persists this set (or journals each token id with its expiry) and reloads it before taking orders.
 */
export interface UsedTokenSet {
  has(tokenId: string): boolean;
  add(tokenId: string, expiresAt: number): void;
}

/** An in-memory `UsedTokenSet` that forgets expired tokens on `prune(now)`. */
export class MemoryUsedTokenSet implements UsedTokenSet {
  readonly #expiries = new Map<string, number>();

  has(tokenId: string): boolean {
    return this.#expiries.has(tokenId);
  }

  add(tokenId: string, expiresAt: number): void {
    this.#expiries.set(tokenId, expiresAt);
  }

  /** Drops tokens with `expiresAt <= now`; returns how many were dropped. */
  prune(now: number): number {
    let dropped = 0;
    for (const [id, expiresAt] of this.#expiries) {
      if (expiresAt <= now) {
        this.#expiries.delete(id);
        dropped += 1;
      }
    }
    return dropped;
  }

  /** Tokens remembered. */
  get size(): number {
    return this.#expiries.size;
  }

  /** The remembered tokens, for persistence: `[tokenId, expiresAt]` pairs. */
  entries(): Array<[string, number]> {
    return [...this.#expiries];
  }
}
