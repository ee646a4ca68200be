import { z } from 'zod';

// Schemas for every response and callback shape in docs/kie-api.md. They are lenient on purpose:
// KIE's own pages disagree (docs/kie-api.md marks each conflict), so fields are optional, numbers
// may be strings, and unknown keys pass through. Only uses of z that exist in zod v3 and v4.

const looseString = z.string().nullable().optional();
const numberish = z.union([z.number(), z.string()]).nullable().optional();

export const envelopeSchema = z
	.object({
		code: z.union([z.number(), z.string()]),
		msg: z.string().nullable().optional(),
		// One revision of the Market API's recordInfo page says `message` (docs/kie-api.md §11).
		message: z.string().nullable().optional(),
		data: z.unknown().optional(),
		success: z.boolean().optional(),
	})
	.passthrough();

export const createdTaskSchema = z.object({ taskId: z.string().min(1) }).passthrough();

export const runwayRecordSchema = z
	.object({
		taskId: z.string(),
		parentTaskId: looseString,
		generateParam: z.record(z.string(), z.unknown()).nullable().optional(),
		state: z.string(),
		generateTime: looseString,
		videoInfo: z
			.object({
				videoId: looseString,
				taskId: looseString,
				videoUrl: looseString,
				imageUrl: looseString,
			})
			.passthrough()
			.nullable()
			.optional(),
		failCode: numberish,
		failMsg: looseString,
		expireFlag: numberish,
	})
	.passthrough();

export const alephRecordSchema = z
	.object({
		taskId: z.string(),
		paramJson: looseString,
		response: z
			.object({ taskId: looseString, resultVideoUrl: looseString, resultImageUrl: looseString })
			.passthrough()
			.nullable()
			.optional(),
		completeTime: looseString,
		createTime: looseString,
		successFlag: numberish,
		errorCode: numberish,
		errorMessage: looseString,
	})
	.passthrough();

/** Luma's and Veo's records share these: a successFlag, epoch or text times, an error pair. */
const flaggedRecordFields = {
	taskId: z.string(),
	paramJson: looseString,
	completeTime: numberish,
	createTime: numberish,
	successFlag: numberish,
	errorCode: numberish,
	errorMessage: looseString,
};

export const lumaRecordSchema = z
	.object({
		...flaggedRecordFields,
		response: z
			.object({
				taskId: looseString,
				originUrls: z.array(z.string()).nullable().optional(),
				resultUrls: z.array(z.string()).nullable().optional(),
			})
			.passthrough()
			.nullable()
			.optional(),
	})
	.passthrough();

/**
 * Veo 3.1's record (`GET /api/v1/veo/record-info`, docs/kie-api.md §11 "Veo 3.1"): successFlag 0
 * generating, 1 success, 2/3 failed; `response.resultUrls` an array (some revisions of KIE's page show
 * it as a JSON string, so both are read).
 */
export const veoRecordSchema = z
	.object({
		...flaggedRecordFields,
		response: z
			.object({
				taskId: looseString,
				resultUrls: z
					.union([z.array(z.string()), z.string()])
					.nullable()
					.optional(),
				originUrls: z
					.union([z.array(z.string()), z.string()])
					.nullable()
					.optional(),
				resolution: looseString,
			})
			.passthrough()
			.nullable()
			.optional(),
	})
	.passthrough();

/**
 * A Market API record (`GET /api/v1/jobs/recordInfo`, docs/kie-api.md §11): `param` and
 * `resultJson` are JSON strings, times are epoch milliseconds, `failCode` may be "" or a number.
 */
export const marketRecordSchema = z
	.object({
		taskId: z.string(),
		model: looseString,
		state: looseString,
		param: looseString,
		resultJson: looseString,
		failCode: numberish,
		failMsg: looseString,
		costTime: numberish,
		completeTime: numberish,
		createTime: numberish,
		updateTime: numberish,
		creditsConsumed: numberish,
		expireFlag: numberish,
	})
	.passthrough();

/** What a Market record's `resultJson` holds once parsed; anything else is ignored. */
export const marketResultSchema = z
	.object({
		resultUrls: z.array(z.unknown()).nullable().optional(),
		firstFrameUrl: looseString,
	})
	.passthrough();

export const uploadResultSchema = z
	.object({
		downloadUrl: looseString,
		fileUrl: looseString,
		url: looseString,
		fileName: looseString,
		filePath: looseString,
		fileSize: numberish,
		mimeType: looseString,
		uploadedAt: looseString,
		expiresAt: looseString,
	})
	.passthrough();

/**
 * Every callback shape KIE documents (docs/kie-api.md §6): Runway and extend put a snake_case
 * `task_id` in data; Aleph puts `taskId` at the top level with `data.result_video_url` (or the
 * Runway shape, per its OpenAPI block); Luma puts camelCase `data.taskId` with `resultUrls`.
 * Failure data may be full but empty, only a task id, null, or `{ taskId, promptJson }`. The Market
 * API's callback puts its whole record in data: `data.taskId`, `model`, `state`, `resultJson`.
 */
export const callbackSchema = z
	.object({
		code: z.union([z.number(), z.string()]),
		msg: looseString,
		taskId: looseString,
		task_id: looseString,
		data: z
			.object({
				task_id: looseString,
				taskId: looseString,
				video_id: looseString,
				video_url: looseString,
				image_url: looseString,
				result_video_url: looseString,
				result_image_url: looseString,
				resultUrls: z.array(z.string()).nullable().optional(),
				promptJson: looseString,
				// The Market API's callback carries its record (docs/kie-api.md §11 "Callback").
				model: looseString,
				state: looseString,
				resultJson: looseString,
				failMsg: looseString,
				// Veo 3.1's callback: `data.info.resultUrls` beside `data.taskId`.
				info: z
					.object({ resultUrls: z.array(z.string()).nullable().optional() })
					.passthrough()
					.nullable()
					.optional(),
			})
			.passthrough()
			.nullable()
			.optional(),
	})
	.passthrough();

export type RunwayRecord = z.infer<typeof runwayRecordSchema>;
export type AlephRecord = z.infer<typeof alephRecordSchema>;
export type LumaRecord = z.infer<typeof lumaRecordSchema>;
export type VeoRecord = z.infer<typeof veoRecordSchema>;
export type MarketRecord = z.infer<typeof marketRecordSchema>;
export type KieCallback = z.infer<typeof callbackSchema>;
