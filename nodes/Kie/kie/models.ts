import type { z } from 'zod';

import {
	alephRecordSchema,
	lumaRecordSchema,
	marketRecordSchema,
	runwayRecordSchema,
	veoRecordSchema,
	type MarketRecord,
} from './schemas';
import { alephTask, lumaTask, marketTask, runwayTask, veoTask } from './status';
import { text, type KieModel, type KieTask, type TaskModel } from './tasks';

/**
 * The one list of KIE models: where tasks are created and read, how KIE's record turns into the
 * task object, and what users see them called.
 */
export interface ModelAdapter<TRecord = unknown> {
	model: KieModel;
	/** The model's name in option lists (the KIE Trigger's Models). */
	label: string;
	/** What a task of its status endpoint is called in messages (Extend tasks are Runway tasks). */
	taskKind: string;
	createPath: string;
	statusPath: string;
	recordSchema: z.ZodType<TRecord>;
	toTask(record: TRecord): KieTask;
}

// Each adapter parses its own record type; `toTask` is a method, so the list can hold them as unknown.
export const MODELS: { [M in KieModel]: ModelAdapter<unknown> } = {
	runway: {
		model: 'runway',
		label: 'Runway Gen4',
		taskKind: 'Runway',
		createPath: '/api/v1/runway/generate',
		statusPath: '/api/v1/runway/record-detail',
		recordSchema: runwayRecordSchema,
		toTask: runwayTask('runway'),
	},
	'runway-extend': {
		model: 'runway-extend',
		label: 'Runway Extend',
		taskKind: 'Runway',
		createPath: '/api/v1/runway/extend',
		// Extended tasks are read through the same record endpoint as generated ones.
		statusPath: '/api/v1/runway/record-detail',
		recordSchema: runwayRecordSchema,
		toTask: runwayTask('runway-extend'),
	},
	aleph: {
		model: 'aleph',
		label: 'Runway Aleph',
		taskKind: 'Runway Aleph',
		createPath: '/api/v1/aleph/generate',
		// record-info, not the seed document's record-detail (docs/kie-api.md §4b).
		statusPath: '/api/v1/aleph/record-info',
		recordSchema: alephRecordSchema,
		toTask: alephTask,
	},
	luma: {
		model: 'luma',
		label: 'Luma Modify',
		taskKind: 'Luma Modify',
		createPath: '/api/v1/modify/generate',
		statusPath: '/api/v1/modify/record-info',
		recordSchema: lumaRecordSchema,
		toTask: lumaTask,
	},
	// Veo 3.1 has no Market model id for generation: KIE documents it on its own endpoints
	// (docs/kie-api.md §11 "Veo 3.1").
	veo: {
		model: 'veo',
		label: 'Google Veo 3.1',
		taskKind: 'Veo 3.1',
		createPath: '/api/v1/veo/generate',
		statusPath: '/api/v1/veo/record-info',
		recordSchema: veoRecordSchema,
		toTask: veoTask,
	},
};

/** Every model id, in the list's order. */
export const MODEL_IDS = Object.keys(MODELS) as KieModel[];

/** How to read a task that an output names: its own model, or 'market' for a Market model's id. */
export function taskModelOf(model: string): TaskModel {
	return (MODEL_IDS as string[]).includes(model) ? (model as KieModel) : 'market';
}

// ---------------------------------------------------------------------------------------------
// KIE's Market API (docs/kie-api.md §11): one create and one status endpoint for every model, the
// model named by its Market id, its fields snake_case inside `input`.
// ---------------------------------------------------------------------------------------------

export const MARKET_CREATE_PATH = '/api/v1/jobs/createTask';
export const MARKET_STATUS_PATH = '/api/v1/jobs/recordInfo';

/** How Market records are parsed (the same for every model). */
export const MARKET_RECORD_SCHEMA = marketRecordSchema;

/** A model of the node as KIE's Market API knows it. */
export interface MarketAdapter {
	model: KieModel;
	/** KIE's Market model id, sent as the create body's `model`. */
	marketId: string;
}

/** The node's models that KIE also serves on the Market API; Luma Modify is not among them. */
export const MARKET_ADAPTERS: Partial<Record<KieModel, MarketAdapter>> = {
	runway: { model: 'runway', marketId: 'runway' },
	'runway-extend': { model: 'runway-extend', marketId: 'runway/extend-ai-video' },
	aleph: { model: 'aleph', marketId: 'runway/gen4-aleph' },
};

/** The node's model for a Market model id; 'market' for the models it has no operation for. */
export function modelOfMarketId(marketId: unknown): TaskModel {
	const id = text(marketId);
	const adapter = Object.values(MARKET_ADAPTERS).find((entry) => entry?.marketId === id);
	return adapter?.model ?? 'market';
}

/** A Market record as a task; the record's own model id wins over the one asked for. */
export function marketRecordToTask(expected: TaskModel, record: MarketRecord): KieTask {
	const named = modelOfMarketId(record.model);
	return marketTask(named === 'market' && text(record.model) === null ? expected : named, record);
}
