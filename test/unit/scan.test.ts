import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// `npm run scan` (scripts/scan.js) runs n8n's community-package scanner. CI relies on it failing
// when a rule is broken, even behind an inline eslint-disable comment (the scanner ignores those):
// this copies the package's sources, breaks a rule there, and checks the scan says so.

const root = path.resolve(__dirname, '..', '..');
let work: string;

function copyPackageSources(to: string) {
	for (const entry of ['package.json', 'nodes', 'credentials', 'icons']) {
		fs.cpSync(path.join(root, entry), path.join(to, entry), { recursive: true });
	}
}

function scanSource(dir: string) {
	return spawnSync(
		process.execPath,
		[path.join(root, 'scripts', 'scan.js'), dir, '--source-only'],
		{ encoding: 'utf8', timeout: 240_000 },
	);
}

beforeAll(() => {
	work = fs.mkdtempSync(path.join(os.tmpdir(), 'kie-scan-test-'));
});
afterAll(() => {
	fs.rmSync(work, { recursive: true, force: true });
});

test('the package sources pass the scanner', () => {
	const clean = path.join(work, 'clean');
	copyPackageSources(clean);
	const result = scanSource(clean);
	expect(result.stdout).toContain('scan source');
	expect(result.stdout).toContain('passed');
	expect(result.status).toBe(0);
}, 300_000);

test('a rule broken behind an eslint-disable comment still fails the scan, naming the rule', () => {
	const broken = path.join(work, 'broken');
	copyPackageSources(broken);
	const nodeFile = path.join(broken, 'nodes', 'Kie', 'Kie.node.ts');
	fs.appendFileSync(nodeFile, "\n// eslint-disable-next-line no-console\nconsole.log('debug');\n");
	const result = scanSource(broken);
	expect(result.status).toBe(1);
	expect(result.stdout).toContain('FAILED');
	expect(result.stdout).toContain('no-console');
	expect(result.stdout).toContain('Kie.node.ts');
}, 300_000);
