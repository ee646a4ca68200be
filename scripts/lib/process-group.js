// @ts-check
'use strict';
/**
 * The one place that ends detached children and their whole process group (n8n and its task runner,
 * Redis, PostgreSQL): nothing a test run starts may outlive it.
 *
 * Plain CommonJS with node built-ins only.
 */

/** @typedef {import('node:child_process').ChildProcess} ChildProcess */

/** @type {Set<ChildProcess>} */
const running = new Set();
process.on('exit', () => {
	for (const child of running) killGroup(child);
});

/**
 * SIGKILL to a detached child's process group (its pid is the group id); no-op when it is gone.
 * @param {ChildProcess} child
 */
function killGroup(child) {
	try {
		if (child.pid) process.kill(-child.pid, 'SIGKILL');
	} catch {
		/* gone */
	}
}

/**
 * Kill a detached child's whole process group if this process exits while the child still runs.
 * @param {ChildProcess} child
 */
function killGroupOnExit(child) {
	running.add(child);
	child.on('exit', () => running.delete(child));
}

/**
 * A promise that resolves once the child has exited (at once when it already has).
 * @param {ChildProcess} child @returns {Promise<void>}
 */
function exitOf(child) {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null) resolve();
		child.on('exit', () => resolve());
	});
}

/**
 * Stops a detached child: `signal` to `pid` (default: the child) while it runs, SIGKILL to its group
 * after `timeoutMs` if it has not exited by then, and once it has, SIGKILL to whatever is left of the
 * group.
 * @param {ChildProcess} child @param {Promise<void>} exited the child's exitOf()
 * @param {{ signal: NodeJS.Signals, pid?: number, timeoutMs: number }} o
 */
async function stopGroup(child, exited, { signal, pid = child.pid, timeoutMs }) {
	if (child.exitCode === null && child.signalCode === null && pid) {
		try {
			process.kill(pid, signal);
		} catch {
			/* gone */
		}
		const timer = setTimeout(() => killGroup(child), timeoutMs);
		await exited;
		clearTimeout(timer);
	}
	killGroup(child);
}

module.exports = { killGroupOnExit, killGroup, exitOf, stopGroup };
