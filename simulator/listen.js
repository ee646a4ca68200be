// @ts-check
'use strict';

// Starting and stopping the simulator's two HTTP listeners (a restart stops and starts them again).

const net = require('net');

/** @typedef {import('http').Server} Server */

/** @param {Server} server @param {string} host @param {number} port @returns {Promise<string>} */
function listenOn(server, host, port) {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			const addr = /** @type {import('net').AddressInfo} */ (server.address());
			const h = addr.address.includes(':') ? `[${addr.address}]` : addr.address;
			resolve(`http://${h}:${addr.port}`);
		});
	});
}

/**
 * Stops taking connections. Connections already taken are answered (responses say "Connection:
 * close"): also one whose request has not been read yet, which http's own close() would drop. Idle
 * keep-alive connections are closed; after `drainMs` every connection is.
 * @param {Server} server @param {Map<import('net').Socket, { served: boolean, active: number }>} sockets @param {number} drainMs
 */
function stopListening(server, sockets, drainMs) {
	return new Promise((resolve) => {
		const closeIdle = () => {
			for (const [socket, state] of sockets)
				if (state.served && state.active === 0) socket.destroy();
		};
		const idleTimer = setInterval(closeIdle, 20);
		const force = setTimeout(() => {
			for (const socket of sockets.keys()) socket.destroy();
		}, drainMs);
		net.Server.prototype.close.call(server, () => {
			clearInterval(idleTimer);
			clearTimeout(force);
			resolve(undefined);
		});
		closeIdle();
	});
}

module.exports = { listenOn, stopListening };
