// @ts-check
'use strict';

// /__sim/* on the API host (no auth): the JS API over HTTP, for the standalone simulator and for
// tests that run it in another process.

const { sendJson } = require('../http-util');

/** @typedef {import('../simulator').Simulator} Simulator */

/**
 * @param {Simulator} sim @param {string} method @param {string} path @param {any} body
 * @param {import('http').ServerResponse} res
 */
function handleControl(sim, method, path, body, res) {
	const input = body && typeof body === 'object' ? body : {};
	try {
		if (method === 'GET' && path === '/__sim/state') return sendJson(res, 200, sim.state());
		if (method === 'GET' && path === '/__sim/requests') return sendJson(res, 200, sim.requests);
		if (method === 'GET' && path === '/__sim/callbacks') return sendJson(res, 200, sim.callbacks);
		if (method === 'POST' && path === '/__sim/reset') {
			sim.reset();
			return sendJson(res, 200, { ok: true });
		}
		if (method === 'POST' && path === '/__sim/faults') {
			sim.injectFault(input);
			return sendJson(res, 200, { ok: true, faults: sim.faults.list() });
		}
		if (method === 'POST' && path === '/__sim/callbacks') {
			sim.setCallbackBehaviour(input);
			return sendJson(res, 200, { ok: true, behaviour: sim.callbackBehaviour });
		}
		if (method === 'POST' && path === '/__sim/time') {
			sim.advanceTime(Number(input.advanceMs) || 0);
			return sendJson(res, 200, { ok: true, now: sim.clock.now() });
		}
		if (method === 'POST' && path === '/__sim/restart') {
			const downMs = Math.max(0, Number(input.downMs) || 1000);
			// Answered first: the restart takes this listener down too.
			res.once('finish', () =>
				sim
					.restart({ downMs })
					.catch((err) => console.error(`simulator restart failed: ${err.message}`)),
			);
			return sendJson(res, 200, { ok: true, downMs });
		}
		if (method === 'POST' && path === '/__sim/retire') {
			sim.retire(input);
			return sendJson(res, 200, { ok: true, retired: sim.state().retired });
		}
		if (method === 'POST' && path === '/__sim/unretire') {
			sim.unretire(input);
			return sendJson(res, 200, { ok: true, retired: sim.state().retired });
		}
		if (method === 'POST' && path === '/__sim/market/models') {
			sim.addMarketModels(Array.isArray(input.ids) ? input.ids : []);
			return sendJson(res, 200, { ok: true, extraMarketModels: [...sim.extraMarketModels] });
		}
		if (method === 'POST' && path === '/__sim/config') {
			sim.configure(input);
			return sendJson(res, 200, { ok: true, credits: sim.credits });
		}
		const m = /^\/__sim\/tasks\/([^/]+)(?:\/(complete|fail))?$/.exec(path);
		if (m) {
			const id = decodeURIComponent(m[1]);
			if (!sim.getTask(id)) return sendJson(res, 404, { ok: false, error: `No task ${id}` });
			if (method === 'GET' && !m[2]) return sendJson(res, 200, sim.getTask(id));
			if (method === 'POST' && m[2] === 'complete')
				return sendJson(res, 200, { ok: sim.completeTask(id), task: sim.getTask(id) });
			if (method === 'POST' && m[2] === 'fail')
				return sendJson(res, 200, {
					ok: sim.failTask(
						id,
						input.msg,
						input.code === undefined ? undefined : Number(input.code),
					),
					task: sim.getTask(id),
				});
		}
		return sendJson(res, 404, { ok: false, error: 'Unknown control route' });
	} catch (err) {
		return sendJson(res, 400, { ok: false, error: /** @type {Error} */ (err).message });
	}
}

module.exports = { handleControl };
