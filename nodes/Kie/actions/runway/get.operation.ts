import { updateDisplayOptions } from 'n8n-workflow';

import { getExecute } from '../../helpers/getTask';
import { getFields } from '../descriptions/common';

export const description = updateDisplayOptions(
	{ show: { resource: ['runway'], operation: ['get'] } },
	getFields,
);

// Generated and extended videos share one record endpoint.
export const execute = getExecute('runway');
