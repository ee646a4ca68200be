import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { MARKET_FAMILIES, MARKET_MODELS, type MarketModel } from '../../kie/catalogue';
import { getFields } from '../descriptions/common';
import { completionFields } from '../descriptions/completion';
import { modelParameters } from './fields';
import * as generate from './generate.operation';
import * as get from './get.operation';

export { generate, get };

/** The families of KIE's video catalogue the node offers, each a resource (Runway has its own). */
export const CATALOGUE_FAMILIES = ['veo', 'kling', 'hailuo', 'seedance', 'wan', 'grok'] as const;
export type CatalogueFamily = (typeof CATALOGUE_FAMILIES)[number];

function modelsOf(family: CatalogueFamily): MarketModel[] {
	return MARKET_MODELS.filter((model) => model.family === family);
}

/** A family's resource: Generate (a model picker, then that model's fields) and Get. */
function familyDescription(family: CatalogueFamily): INodeProperties[] {
	const models = modelsOf(family);
	const label = MARKET_FAMILIES[family];
	const generateShow = { resource: [family], operation: ['generate'] };
	const firstModel = models[0].id;
	const modelPicker: INodeProperties = {
		displayName: 'Model',
		name: 'videoModel',
		type: 'options',
		noDataExpression: true,
		options: models.map((model) => ({
			name: model.label,
			value: model.id,
			description: model.credits ? `${model.docsUrl} (${model.credits})` : model.docsUrl,
		})),
		default: firstModel,
		description: `Which ${label} model and task; each has the fields of its KIE page`,
		displayOptions: { show: generateShow },
	};
	return [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [family] } },
			options: [
				{
					name: 'Generate',
					value: 'generate',
					description: `Create a video with ${label}`,
					action: `Generate a video with ${label}`,
				},
				{
					name: 'Get',
					value: 'get',
					description: `Get the status and result of a ${label} task`,
					action: `Get a ${label} task`,
				},
			],
			default: 'generate',
		},
		modelPicker,
		...models.flatMap((model) =>
			modelParameters(model, { ...generateShow, videoModel: [model.id] }),
		),
		...updateDisplayOptions({ show: generateShow }, completionFields),
		...updateDisplayOptions({ show: { resource: [family], operation: ['get'] } }, getFields),
	];
}

export const description: INodeProperties[] = CATALOGUE_FAMILIES.flatMap(familyDescription);

/** The resource list entries, one per family. */
export const resourceOptions = CATALOGUE_FAMILIES.map((family) => ({
	name: MARKET_FAMILIES[family],
	value: family,
	description: [
		...new Set(modelsOf(family).map((model) => model.label.replace(/^[^:]*:\s*/, ''))),
	].join(', '),
}));
