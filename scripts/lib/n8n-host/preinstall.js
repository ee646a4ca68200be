#!/usr/bin/env node
// @ts-check
'use strict';
// Installs n8n versions into the cache one after the other, ahead of the tests that need them:
//   node scripts/lib/n8n-host/preinstall.js pinned 1.123.81 2.41.1
// (`pinned`: test/n8n-host's version). A test that needs a version still being installed waits for
// the install's lock, so `npm test` may start this in the background and carry on.
const { ensureN8nInstalled } = require('./install');

(async () => {
	for (const version of process.argv.slice(2)) {
		if (version === 'pinned') delete process.env.KIE_N8N_VERSION;
		else process.env.KIE_N8N_VERSION = version;
		const t0 = Date.now();
		await ensureN8nInstalled();
		process.stderr.write(
			`[n8n-host] n8n ${version} ready in the cache (${Math.round((Date.now() - t0) / 1000)} s)\n`,
		);
	}
})().catch((e) => {
	process.stderr.write(`[n8n-host] install failed: ${e.stack || e}\n`);
	process.exit(1);
});
