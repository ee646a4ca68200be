// @ts-check
'use strict';
/**
 * A real n8n (pinned in test/n8n-host) for the e2e tests and `npm start`.
 *
 * n8n 2.x needs Node >= 24; the project carries Node 24 as the `node` devDependency, and every n8n
 * process started here runs on that binary. n8n itself (about 2.8 GB) is installed once into a cache
 * outside the repo, keyed by the hash of test/n8n-host's lock file.
 *
 * Plain CommonJS with node built-ins only: the bcrypt, sqlite3 and flatted modules used here are
 * loaded from the n8n install, never from the project.
 *
 *   common.js      paths, default log, owner account     node-bin.js   the Node 24 binary and headers
 *   install.js     the cached n8n install                package.js    the package under test
 *   server.js      starting and stopping n8n             cli.js        n8n's CLI (imports, publish)
 *   rest.js        REST session, webhooks, cred. test    executions.js executions (REST or sqlite)
 *   preinstall.js  installs n8n versions ahead, one after another (npm test's version matrix)
 *   ../process-group.js   ending a child's process group (shared with queue-cluster.js)
 */
const { REPO_ROOT, OWNER_EMAIL, OWNER_PASSWORD } = require('./common');
const { findNodeBin } = require('./node-bin');
const { run, ensureN8nInstalled, cacheRoot, n8nVersion } = require('./install');
const { installPackageInto } = require('./package');
const { startN8n, freePort, bcryptHash } = require('./server');
const { n8nCli, importCredentials, importWorkflows } = require('./cli');
const { FRESH_CONNECTION, loginOwner, restCall, callWebhook, testCredential } = require('./rest');
const { getExecutions, sqliteQuery, waitForExecution } = require('./executions');
const { killGroupOnExit } = require('../process-group');

module.exports = {
	run,
	ensureN8nInstalled,
	n8nVersion,
	killGroupOnExit,
	installPackageInto,
	startN8n,
	n8nCli,
	importCredentials,
	importWorkflows,
	loginOwner,
	restCall,
	callWebhook,
	FRESH_CONNECTION,
	testCredential,
	getExecutions,
	waitForExecution,
	sqliteQuery,
	freePort,
	bcryptHash,
	findNodeBin,
	cacheRoot,
	OWNER_EMAIL,
	OWNER_PASSWORD,
	REPO_ROOT,
};
