import type { IHookFunctions } from 'n8n-workflow';

/**
 * Neither node registers anything at KIE: the KIE Trigger's webhook is n8n's own, and the KIE
 * node's resume webhook is never registered at activation. n8n still asks for these methods.
 */
export const nothingToRegister = {
	default: {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async create(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			return true;
		},
	},
};
