// Searching text and files for secrets, in every form a leak could take (as is, as a Bearer header,
// base64 or base64url inside a longer text).
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The ways a secret could show up: as is, as a Bearer header, and base64-encoded at each of the three
 * byte alignments it can have inside a longer base64 text (only the characters that depend on the
 * secret alone), also for "Bearer <secret>".
 */
export function secretForms(value: string): string[] {
	const forms = [value, `Bearer ${value}`];
	for (const text of [value, `Bearer ${value}`]) {
		const bytes = Buffer.from(text);
		for (let offset = 0; offset < 3; offset++) {
			const encoded = Buffer.concat([Buffer.alloc(offset), bytes, Buffer.alloc(3)]).toString(
				'base64',
			);
			const first = Math.ceil((8 * offset) / 6);
			const last = Math.floor((8 * (offset + bytes.length) - 6) / 6);
			forms.push(encoded.slice(first, last + 1));
			forms.push(
				encoded
					.slice(first, last + 1)
					.replace(/\+/g, '-')
					.replace(/\//g, '_'),
			);
		}
	}
	return [...new Set(forms)];
}

/** Which of `secrets` (by name) a text or buffer contains, in any of their forms. */
export function secretsInContent(
	secrets: Record<string, string>,
	content: string | Buffer,
): string[] {
	const haystack = typeof content === 'string' ? Buffer.from(content) : content;
	return Object.entries(secrets)
		.filter(([, value]) => secretForms(value).some((form) => haystack.includes(form)))
		.map(([name]) => name);
}

/** Every file under a folder that contains one of `secrets`: `path: names`. */
export function filesWithSecretsIn(secrets: Record<string, string>, folder: string): string[] {
	const hits: string[] = [];
	for (const entry of fs.readdirSync(folder, { recursive: true, withFileTypes: true })) {
		if (!entry.isFile()) continue;
		const file = path.join(entry.parentPath, entry.name);
		const found = secretsInContent(secrets, fs.readFileSync(file));
		if (found.length) hits.push(`${path.relative(folder, file)}: ${found.join(', ')}`);
	}
	return hits;
}
