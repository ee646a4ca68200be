import type { z } from 'zod';

import { alephRecordSchema, lumaRecordSchema, runwayRecordSchema } from './schemas';
import { alephTask, lumaTask, runwayTask } from './status';
import type { KieModel, KieTask } from './tasks';

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
};

/** Every model id, in the list's order. */
export const MODEL_IDS = Object.keys(MODELS) as KieModel[];
