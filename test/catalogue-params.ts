import type { IDataObject } from 'n8n-workflow';

import {
	ADDITIONAL_FIELDS,
	isMediaList,
	isSingleMedia,
	mediaPrefix,
	paramName,
	shownDirectly,
} from '../nodes/Kie/actions/catalogue/fields';
import { MARKET_MODELS, type MarketModel } from '../nodes/Kie/kie/catalogue';

// The KIE node's parameters that make a given KIE input for a catalogue model: what a user fills in
// the model's form (media as URLs), so engine and e2e tests can drive every model from the
// catalogue's example inputs (test/unit/catalogue-examples.ts).

export function catalogueModel(id: string): MarketModel {
	const model = MARKET_MODELS.find((entry) => entry.id === id);
	if (!model) throw new Error(`no catalogue entry ${id}`);
	return model;
}

/** The node parameters (resource, operation, model, fields) for `input` of catalogue model `id`. */
export function catalogueParameters(id: string, input: Record<string, unknown>): IDataObject {
	const model = catalogueModel(id);
	const parameters: IDataObject = {
		resource: model.family,
		operation: 'generate',
		videoModel: model.id,
	};
	const additional: IDataObject = {};
	for (const field of model.fields) {
		const value = input[field.name];
		if (isSingleMedia(field)) {
			const prefix = mediaPrefix(field);
			parameters[`${prefix}Source`] = value === undefined || value === '' ? 'none' : 'url';
			if (value !== undefined && value !== '') parameters[`${prefix}Url`] = value as string;
			continue;
		}
		if (isMediaList(field)) {
			const name = paramName(field);
			const list = Array.isArray(value) ? (value as string[]) : [];
			parameters[`${name}Source`] = list.length > 0 ? 'url' : field.required ? 'url' : 'none';
			if (list.length > 0 || field.required) parameters[name] = list.join(', ');
			continue;
		}
		if (value === undefined) continue;
		const given =
			field.type === 'json' && typeof value !== 'string' ? JSON.stringify(value) : value;
		if (shownDirectly(field)) parameters[paramName(field)] = given as IDataObject[string];
		else additional[paramName(field)] = given as IDataObject[string];
	}
	if (Object.keys(additional).length > 0) parameters[ADDITIONAL_FIELDS] = additional;
	return parameters;
}
