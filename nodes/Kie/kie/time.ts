import { MARKET_RESULT_RETENTION_HOURS, RESULT_RETENTION_DAYS } from './constants';

// KIE uses three timestamp formats (docs/kie-api.md §10.3); they are turned into ISO 8601 here and
// nowhere else.

const RETENTION_MS = RESULT_RETENTION_DAYS * 24 * 60 * 60 * 1000;
const MARKET_RETENTION_MS = MARKET_RESULT_RETENTION_HOURS * 60 * 60 * 1000;

const NAIVE_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/;

/**
 * ISO 8601 from any KIE time: epoch milliseconds (Luma), ISO strings (Aleph) or Runway's
 * "YYYY-MM-DD HH:mm:ss". Runway gives no time zone, so its value stays zone-less
 * ("2023-08-15T14:30:45") rather than claiming one KIE never stated.
 */
export function toIsoTime(value: unknown): string | null {
	if (value === null || value === undefined || value === '' || value === 0) return null;
	if (typeof value === 'number' || (typeof value === 'string' && /^\d{10,}$/.test(value))) {
		const ms = Number(value);
		return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
	}
	if (typeof value !== 'string') return null;
	const naive = NAIVE_DATE_TIME.exec(value.trim());
	if (naive) return `${naive[1]}T${naive[2]}`;
	const parsed = Date.parse(value);
	return Number.isNaN(parsed) ? null : new Date(parsed).toISOString();
}

/**
 * When KIE deletes a result: RESULT_RETENTION_DAYS after completion (Market API results: at most
 * MARKET_RESULT_RETENTION_HOURS are promised), in the input's zone style.
 */
export function expiryOf(completedAtIso: string | null, market = false): string | null {
	if (!completedAtIso) return null;
	const zoneless = !/(Z|[+-]\d{2}:?\d{2})$/.test(completedAtIso);
	const ms = Date.parse(zoneless ? `${completedAtIso}Z` : completedAtIso);
	if (Number.isNaN(ms)) return null;
	const iso = new Date(ms + (market ? MARKET_RETENTION_MS : RETENTION_MS)).toISOString();
	return zoneless ? iso.slice(0, 19) : iso;
}
