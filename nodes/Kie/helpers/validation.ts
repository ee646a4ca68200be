import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

// KIE's documented input rules (docs/kie-api.md §1-§5), checked before any request so that bad
// input never spends credits. Every message names the field, the value and the rule.

function show(value: unknown): string {
	if (value === undefined || value === null || value === '') return 'nothing';
	const text = typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
	return text.length > 80 ? `${text.slice(0, 60)}…" (${String(value).length} characters)` : text;
}

export type InputRules = ReturnType<typeof inputRules>;

/** The rule checks for one item; each throws a NodeOperationError naming field, value and rule. */
export function inputRules(node: INode, itemIndex: number) {
	const broken = (field: string, value: unknown, rule: string) =>
		new NodeOperationError(node, `${field} ${rule} (got ${show(value)})`, {
			itemIndex,
			description: 'Nothing was sent to KIE and no credits were used.',
		});

	const rules = {
		broken,
		text(field: string, value: unknown): string {
			if (typeof value !== 'string' || value.trim() === '')
				throw broken(field, value, 'is required');
			return value.trim();
		},
		maxLength(field: string, value: string, max: number): string {
			if (value.length > max) throw broken(field, value, `must be at most ${max} characters`);
			return value;
		},
		oneOf<T extends string | number>(field: string, value: unknown, allowed: readonly T[]): T {
			if (!allowed.includes(value as T))
				throw broken(field, value, `must be one of ${allowed.join(', ')}`);
			return value as T;
		},
		/**
		 * A public URL KIE can fetch: https, as KIE asks. Plain http is accepted only when the
		 * credential itself points at an http base URL (the local KIE simulator); real KIE never is.
		 */
		publicUrl(field: string, value: unknown, allowHttp: boolean): string {
			const text = rules.text(field, value);
			let protocol: string;
			try {
				protocol = new URL(text).protocol;
			} catch {
				throw broken(field, value, 'must be a full URL such as https://example.com/video.mp4');
			}
			if (protocol !== 'https:' && !(allowHttp && protocol === 'http:')) {
				throw broken(field, value, 'must be an https:// URL that KIE can download');
			}
			return text;
		},
		integer(field: string, value: unknown): number {
			if (typeof value !== 'number' || !Number.isInteger(value))
				throw broken(field, value, 'must be a whole number');
			return value;
		},
		maxBytes(field: string, bytes: number | undefined, max: number): void {
			if (bytes !== undefined && bytes > max) {
				const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
				throw broken(field, mb(bytes), `must be at most ${mb(max)}`);
			}
		},
	};
	return rules;
}
