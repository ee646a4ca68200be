// @ts-check
'use strict';

const { isHttpUrl } = require('../http-util');

/**
 * What the model modules need from the simulator to describe a task.
 * @typedef {object} ModelContext
 * @property {(task: import('../tasks').Task) => import('../tasks').Phase} phase
 * @property {(task: import('../tasks').Task) => { videoUrl: string, imageUrl: string }} resultUrls
 * @property {(task: import('../tasks').Task) => boolean} expired older than the 14-day retention
 * @property {(task: import('../tasks').Task) => boolean} endedBeforeGenerating ended (failed) while still
 *   submitted or queued, before its generation started
 * @property {'doc' | 'openapi'} alephCallbackShape
 * @property {() => number} now simulated epoch ms
 */

/**
 * Optional-field checks shared by the models; each returns an error message naming the field, or null.
 * @param {Record<string, any>} body @param {string} field
 */
function optionalString(body, field) {
	const v = body[field];
	return v === undefined || v === null || typeof v === 'string'
		? null
		: `${field} must be a string`;
}

/** @param {Record<string, any>} body @param {string} field */
function optionalUrl(body, field) {
	const v = body[field];
	if (v === undefined || v === null || v === '') return null;
	return isHttpUrl(v) ? null : `${field} must be a valid http(s) URL`;
}

/** @param {Record<string, any>} body @param {string} field */
function requiredString(body, field) {
	const v = body[field];
	if (v === undefined || v === null || (typeof v === 'string' && v.trim() === ''))
		return `${field} is required`;
	return typeof v === 'string' ? null : `${field} must be a string`;
}

/** @param {Record<string, any>} body @param {string} field */
function requiredUrl(body, field) {
	return (
		requiredString(body, field) ||
		(isHttpUrl(body[field]) ? null : `${field} must be a valid http(s) URL`)
	);
}

/** @param {Record<string, any>} body @param {string} field @param {string[]} allowed */
function optionalEnum(body, field, allowed) {
	const v = body[field];
	if (v === undefined || v === null || v === '') return null;
	return allowed.includes(v)
		? null
		: `${field} must be one of ${allowed.join(', ')} (got ${JSON.stringify(v)})`;
}

/** First non-null message of a list of checks. @param {(string | null)[]} checks */
const firstError = (checks) => checks.find((c) => c !== null) ?? null;

module.exports = {
	optionalString,
	optionalUrl,
	requiredString,
	requiredUrl,
	optionalEnum,
	firstError,
};
