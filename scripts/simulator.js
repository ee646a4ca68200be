#!/usr/bin/env node
// @ts-check
'use strict';

// Standalone KIE.ai simulator: try workflows without spending credits.
//   node scripts/simulator.js [--port 8787] [--upload-port 8788] [--api-key sim-key] [--task-duration-ms 20000]
//                             [--hmac-key K] [--time-scale 1] [--credits 10000] [--host 127.0.0.1]
//                             [--video-size-bytes 1048576]
// Each flag also reads an env var: KIE_SIM_PORT, KIE_SIM_UPLOAD_PORT, KIE_SIM_API_KEY, KIE_SIM_TASK_DURATION_MS,
// KIE_SIM_HMAC_KEY, KIE_SIM_TIME_SCALE, KIE_SIM_CREDITS, KIE_SIM_HOST, KIE_SIM_VIDEO_SIZE_BYTES.
// Put "[fail]" in a prompt to see a failed task (moderation message); "[callback-failed]" makes a Luma task
// end with successFlag 4. Control API (no auth): GET /__sim/state, POST /__sim/reset, /__sim/faults, ...

const { createSimulator, DEFAULTS } = require('../simulator');

const FLAGS = {
	'--host': 'KIE_SIM_HOST',
	'--port': 'KIE_SIM_PORT',
	'--upload-port': 'KIE_SIM_UPLOAD_PORT',
	'--api-key': 'KIE_SIM_API_KEY',
	'--task-duration-ms': 'KIE_SIM_TASK_DURATION_MS',
	'--hmac-key': 'KIE_SIM_HMAC_KEY',
	'--time-scale': 'KIE_SIM_TIME_SCALE',
	'--credits': 'KIE_SIM_CREDITS',
	'--video-size-bytes': 'KIE_SIM_VIDEO_SIZE_BYTES',
};

/** @param {string[]} argv */
function parseArgs(argv) {
	/** @type {Record<string, string>} */
	const values = {};
	for (const [flag, env] of Object.entries(FLAGS))
		if (process.env[env]) values[flag] = /** @type {string} */ (process.env[env]);
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2);
		if (flag === '--help' || flag === '-h') {
			process.stdout.write(
				`Usage: node scripts/simulator.js ${Object.keys(FLAGS)
					.map((f) => `[${f} V]`)
					.join(' ')}\n`,
			);
			process.exit(0);
		}
		if (!(flag in FLAGS)) throw new Error(`Unknown option ${flag}`);
		const value = inline ?? argv[++i];
		if (value === undefined) throw new Error(`Missing value for ${flag}`);
		values[flag] = value;
	}
	/** @param {string} flag @param {number} fallback */
	const num = (flag, fallback) => {
		if (values[flag] === undefined) return fallback;
		const n = Number(values[flag]);
		if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} must be a non-negative number`);
		return n;
	};
	return {
		host: values['--host'] || '127.0.0.1',
		port: num('--port', 8787),
		uploadPort: num('--upload-port', 8788),
		apiKeys: [values['--api-key'] || 'sim-key'],
		taskDurationMs: num('--task-duration-ms', 20000),
		hmacKey: values['--hmac-key'] || undefined,
		timeScale: num('--time-scale', 1) || 1,
		credits: num('--credits', 10000),
		videoSizeBytes: num('--video-size-bytes', DEFAULTS.videoSizeBytes),
	};
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	const sim = await createSimulator(options);
	process.stdout.write(
		[
			'KIE simulator running',
			`  API base URL:    ${sim.baseUrl}`,
			`  Upload base URL: ${sim.uploadBaseUrl}`,
			`  API key:         ${options.apiKeys[0]}`,
			`  Task duration:   ${options.taskDurationMs} ms (time scale ${options.timeScale})`,
			`  Callbacks:       ${options.hmacKey ? 'signed with the given HMAC key' : 'unsigned'}`,
			`  Control API:     ${sim.baseUrl}/__sim/state`,
			'Put "[fail]" in a prompt to get a failed task. Ctrl-C to stop.',
			'',
		].join('\n'),
	);
	let closing = false;
	const stop = async () => {
		if (closing) return;
		closing = true;
		await sim.close();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((err) => {
	process.stderr.write(`kie simulator: ${err.message}\n`);
	process.exit(1);
});
