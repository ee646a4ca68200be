/**
 * KIE's video models as data: one entry is one model the node can offer. Every field and rule comes
 * from KIE's own docs page for that model (docs/market-models.md names the page and the revision
 * followed, and what was unclear). Nothing here talks to KIE; the Market client reads this list.
 *
 * Entries with `api: 'market'` are created with `POST /api/v1/jobs/createTask`
 * `{ model: id, callBackUrl?, input: { ...fields } }` and read with `GET /api/v1/jobs/recordInfo`.
 * Veo 3.1 has no Market model id in KIE's docs: its entries (`api: 'veoLegacy'`) go to
 * `POST /api/v1/veo/generate` with the fields at the top level of the body (camelCase and snake_case
 * mixed, as KIE spells them), plus `fixed`, and are read with Veo's own record endpoint (`successFlag`).
 */

/**
 * `audioUrl(s)` and `json` go beyond the first draft of this type: Wan 2.7 and Seedance 2 take audio
 * URLs, and Kling 3.0 takes arrays of objects (shots, elements) that no flat field describes.
 */
export type MarketFieldType =
	| 'prompt'
	| 'string'
	| 'number'
	| 'integer'
	| 'boolean'
	| 'options'
	| 'imageUrl'
	| 'imageUrls'
	| 'videoUrl'
	| 'videoUrls'
	| 'audioUrl'
	| 'audioUrls'
	| 'json';

/** The media inputs: one URL, or a list of URLs (the node also takes binaries for both). */
export const SINGLE_MEDIA_TYPES: readonly MarketFieldType[] = ['imageUrl', 'videoUrl', 'audioUrl'];
export const MEDIA_LIST_TYPES: readonly MarketFieldType[] = ['imageUrls', 'videoUrls', 'audioUrls'];

export interface MarketField {
	/** KIE's key exactly as sent, e.g. 'aspect_ratio' (inside `input`, or top level for Veo). */
	name: string;
	/** n8n label, e.g. 'Aspect Ratio'. */
	displayName: string;
	/** What it does, one line, for the n8n field. */
	description: string;
	type: MarketFieldType;
	required: boolean;
	default?: string | number | boolean;
	/** Allowed values exactly as KIE wants them sent ("5" vs 5). */
	options?: ReadonlyArray<string | number>;
	min?: number;
	max?: number;
	minLength?: number;
	maxLength?: number;
	minItems?: number;
	maxItems?: number;
	/** Per file, as the page states it (checked for binary inputs, whose size the node knows). */
	maxFileMb?: number;
	/**
	 * The n8n parameter's name, when the camelCase of `name` is taken in the same family by a field
	 * of another n8n type (parameter names are part of saved workflows: never rename one).
	 */
	param?: string;
}

/** A cross-field rule from the page; `check` is true when the input is valid. */
export interface MarketRule {
	field: string;
	rule: string;
	check(input: Record<string, unknown>): boolean;
}

/** How an entry is created and read: the Market API, or Veo's own legacy endpoints. */
export type MarketApi = 'market' | 'veoLegacy';

export interface MarketModel {
	/** KIE model id, e.g. 'kling-2.6/text-to-video'. For Veo (no Market id) a catalogue key. */
	id: string;
	api: MarketApi;
	family: 'veo' | 'kling' | 'hailuo' | 'seedance' | 'wan' | 'grok' | 'runway';
	/** e.g. 'Kling 2.6: Text to Video'. */
	label: string;
	task:
		| 'textToVideo'
		| 'imageToVideo'
		| 'videoToVideo'
		| 'extend'
		| 'referenceToVideo'
		| 'framesToVideo';
	/** The docs.kie.ai page. */
	docsUrl: string;
	fields: readonly MarketField[];
	/** Values always sent with this entry, not offered to the user (Veo's generationType). */
	fixed?: Readonly<Record<string, string>>;
	rules?: readonly MarketRule[];
	/** As KIE lists them, when the page says. */
	credits?: string;
	/** What the page left unclear or contradicted, and the reading chosen. */
	unclear?: readonly string[];
}

export const MARKET_FAMILIES: Record<MarketModel['family'], string> = {
	veo: 'Google Veo 3.1',
	kling: 'Kling',
	hailuo: 'Hailuo (MiniMax)',
	seedance: 'Seedance (ByteDance)',
	wan: 'Wan (Alibaba)',
	grok: 'Grok Imagine',
	runway: 'Runway',
};
