// @ts-check
'use strict';

// Every number and message the simulator takes from KIE's documentation (see docs/kie-api.md).
// Kept in one place so a change in KIE's docs is a one-line change here.

const DAY_MS = 24 * 60 * 60 * 1000;

module.exports = {
	DAY_MS,
	/** Generated media is kept 14 days (§0, §2 expireFlag). */
	MEDIA_RETENTION_MS: 14 * DAY_MS,
	/** Market results: a mirror of the recordInfo page says URLs "typically expire after 24 hours" (§11). */
	MARKET_RESULT_RETENTION_MS: DAY_MS,
	/** Uploaded temp files are kept 3 days (§8; some pages say 24 h, we follow the endpoint pages). */
	UPLOAD_RETENTION_MS: 3 * DAY_MS,
	/** download-url links are valid 20 minutes (§7b: presigned with X-Amz-Expires=1200). */
	DOWNLOAD_URL_TTL_S: 1200,
	/** Callback delivery: 15 s timeout, and KIE gives up after 3 consecutive failed retries (§6). */
	CALLBACK_TIMEOUT_MS: 15000,
	CALLBACK_MAX_ATTEMPTS: 4,
	/** URL upload download timeout (§8). */
	URL_UPLOAD_TIMEOUT_MS: 30000,

	/** Credits per task (§9). Luma Modify is not in KIE's pricing data: 60 is our documented assumption. */
	PRICES: {
		runway: { '5:720p': 12, '10:720p': 30, '5:1080p': 30 },
		aleph: 110,
		luma: 60,
		/** Market models other than Runway/Aleph and Veo: KIE's pages give no credits (assumptions). */
		market: 40,
		veo: { veo3: 250, veo3_fast: 60, veo3_lite: 30 },
	},

	RUNWAY_ASPECT_RATIOS: ['16:9', '4:3', '1:1', '3:4', '9:16'],
	ALEPH_ASPECT_RATIOS: ['16:9', '9:16', '4:3', '3:4', '1:1', '21:9'],
	RUNWAY_PROMPT_MAX: 1800,

	/** Markers a person can put in a prompt to try failure paths without the control API. */
	FAIL_MARKER: '[fail]',
	CALLBACK_FAILED_MARKER: '[callback-failed]',

	MSG: {
		success: 'success',
		noAuth: 'You do not have access permissions',
		uploadNoAuth: 'Authentication failed: Invalid API Key',
		recordNull: 'recordInfo is null',
		insufficient: 'Insufficient Credits',
		rateLimited: 'Rate limit exceeded: too many new generation requests, please try again later',
		badParams: 'The request parameters are incorrect, please check the parameters.',
		moderation: 'Your prompt was caught by our AI moderator.',
		alephModeration: 'Your prompt was caught by our AI moderator. Please adjust it and try again!',
		runwayCallbackSuccess: 'All generated successfully.',
		lumaCallbackSuccess: 'Modify record generated successfully.',
		lumaCallbackFailure: 'Modify record generation failed.',
		uploadSuccess: 'File uploaded successfully',
		/** The callbacks page's revision with Veo 3.1 messages (the older one says "Veo3 video…"). */
		veoCallbackSuccess: 'Veo3.1 video generated successfully.',
		generationFailed: 'Generation failed, please try again later',
		taskNotFound: 'Task not found',
		/** The simulator's readings of an unsupported and a discontinued Market model (§11). */
		modelUnsupported: (/** @type {string} */ id) => `The model ${id} is not supported`,
		modelDiscontinued: (/** @type {string} */ id) => `The model ${id} is discontinued`,
	},

	/** Body messages for injected faults, KIE wording where KIE has one (§0 code table). */
	FAULT_MESSAGES: {
		401: 'You do not have access permissions',
		402: 'Insufficient Credits',
		408: 'Upstream is currently experiencing service issues. No result has been returned for over 10 minutes.',
		422: 'The request parameters are incorrect, please check the parameters.',
		429: 'Rate limit exceeded: too many new generation requests, please try again later',
		451: 'Unauthorized - Failed to fetch the image. Kindly verify any access limits set by you or your service provider.',
		455: 'Service Unavailable: the system is under maintenance, please try again later',
		500: 'Server Error',
		501: 'Generation Failed',
		505: 'Feature Disabled',
	},
};
