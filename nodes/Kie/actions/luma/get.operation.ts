import { updateDisplayOptions } from 'n8n-workflow';

import { getExecute, getFields } from '../shared/get';

export const description = updateDisplayOptions(
	{ show: { resource: ['luma'], operation: ['get'] } },
	getFields,
);

export const execute = getExecute('luma');
