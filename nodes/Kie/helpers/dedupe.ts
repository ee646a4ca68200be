/**
 * Remembers recently seen keys (task ids) for a while, in bounded memory. KIE may send the same
 * callback several times; the check-and-mark is synchronous, so concurrent duplicates arriving in
 * one n8n process cannot both pass.
 */
export class RecentKeys {
	private readonly seen = new Map<string, number>();

	constructor(
		readonly maxEntries: number,
		readonly ttlMs: number,
	) {}

	/** True the first time a key is seen within the TTL, false for a repeat. */
	firstTime(key: string, now = Date.now()): boolean {
		const at = this.seen.get(key);
		if (at !== undefined && now - at < this.ttlMs) return false;
		this.seen.delete(key);
		this.seen.set(key, now);
		// Maps iterate in insertion order: the first entries are the oldest.
		while (this.seen.size > this.maxEntries)
			this.seen.delete(this.seen.keys().next().value as string);
		return true;
	}

	forget(key: string): void {
		this.seen.delete(key);
	}
}
