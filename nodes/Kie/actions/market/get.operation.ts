import { updateDisplayOptions } from 'n8n-workflow';

import { getExecute } from '../../helpers/getTask';
import { getFields } from '../descriptions/common';

export const description = updateDisplayOptions(
	{ show: { resource: ['market'], operation: ['get'] } },
	getFields,
);

export const execute = getExecute('market');
