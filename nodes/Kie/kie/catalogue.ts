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
	/** Per file, as the page states it (KIE checks it, we cannot without downloading). */
	maxFileMb?: number;
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

// ---- Small helpers for the rules: KIE treats an absent key, '' and [] alike (its examples send
// `end_image_url: ''` for "none"), so the rules do too.

function given(value: unknown): boolean {
	if (value === undefined || value === null || value === '') return false;
	return !Array.isArray(value) || value.length > 0;
}

function count(value: unknown): number {
	return Array.isArray(value) ? value.length : given(value) ? 1 : 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- Building fields. `field` keeps name and label apart from type on purpose: an object literal with
// displayName, name and type is what n8n's lint rules (and the community-package scanner, which
// ignores inline disables) take for a node parameter, and these are not node parameters.

type FieldExtras = Omit<Partial<MarketField>, 'name' | 'displayName' | 'type' | 'description'>;

function field(
	name: string,
	displayName: string,
	type: MarketFieldType,
	description: string,
	extras: FieldExtras = {},
): MarketField {
	const label = { name, displayName };
	return { ...label, type, description, required: false, ...extras };
}

function prompt(required: boolean, maxLength?: number, minLength?: number): MarketField {
	return field('prompt', 'Prompt', 'prompt', 'What the video should show', {
		required,
		...(minLength !== undefined ? { minLength } : {}),
		...(maxLength !== undefined ? { maxLength } : {}),
	});
}

function options(
	name: string,
	displayName: string,
	description: string,
	values: ReadonlyArray<string | number>,
	defaultValue: string | number,
	required = false,
): MarketField {
	return field(name, displayName, 'options', description, {
		required,
		options: values,
		default: defaultValue,
	});
}

function flag(
	name: string,
	displayName: string,
	description: string,
	defaultValue?: boolean,
	required = false,
): MarketField {
	return field(name, displayName, 'boolean', description, {
		required,
		...(defaultValue !== undefined ? { default: defaultValue } : {}),
	});
}

// ---- Fields many pages share, worded once.

const NSFW_CHECKER: MarketField = field(
	'nsfw_checker',
	'NSFW Checker',
	'boolean',
	"KIE's content filter; off returns the model's results unfiltered",
);

const NSFW_UNCLEAR =
	'nsfw_checker: the page says "Defaults to false. You can set it to false", which reads as if the default were true; sent only when the user sets it.';

/** '3' … '15' and the like: durations KIE lists one by one, as strings. */
function stringRange(from: number, to: number): string[] {
	return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
}

// ---- Veo 3.1 (legacy endpoint; KIE lists no Market model id for generation).

const VEO_DOCS = 'https://docs.kie.ai/veo3-api/generate-veo-3-video';

const VEO_COMMON: readonly MarketField[] = [
	prompt(true),
	options(
		'model',
		'Tier',
		'veo3 = Quality, veo3_fast = Fast, veo3_lite = Lite (cheapest)',
		['veo3', 'veo3_fast', 'veo3_lite'],
		'veo3_fast',
	),
	options(
		'aspect_ratio',
		'Aspect Ratio',
		'16:9, 9:16, or Auto (center-cropped to the closer of the two)',
		['16:9', '9:16', 'Auto'],
		'16:9',
	),
	options('resolution', 'Resolution', 'Output resolution', ['720p', '1080p', '4k'], '720p'),
	field('seeds', 'Seed', 'integer', 'Same seed, similar video; KIE picks one when empty', {
		min: 10000,
		max: 99999,
	}),
	flag(
		'enableTranslation',
		'Translate Prompt',
		'Translate the prompt to English before generating',
		true,
	),
	field('watermark', 'Watermark', 'string', 'Watermark text added to the video; none when empty'),
];

const VEO_UNCLEAR: readonly string[] = [
	'Not a Market model: KIE documents Veo 3.1 only as POST /api/v1/veo/generate (body at top level, tier in `model`), status via Get Veo3.1 Video Details with successFlag 0 generating, 1 success, 2 failed, 3 generation failed; the id here is a catalogue key, not a KIE id.',
	'Followed the revision whose `model` enum has veo3_lite and which adds `resolution` (720p/1080p/4k); older revisions have veo3 | veo3_fast only and no resolution.',
	'The intro says 4K "is requested via a separate 4K endpoint" while `resolution` lists 4k: offered as the enum says.',
	'enableFallback is deprecated on the page ("remove this parameter"): left out.',
];

const veo: MarketModel[] = [
	{
		id: 'veo3.1/text-to-video',
		api: 'veoLegacy',
		family: 'veo',
		label: 'Veo 3.1: Text to Video',
		task: 'textToVideo',
		docsUrl: VEO_DOCS,
		fields: VEO_COMMON,
		fixed: { generationType: 'TEXT_2_VIDEO' },
		unclear: VEO_UNCLEAR,
	},
	{
		id: 'veo3.1/frames-to-video',
		api: 'veoLegacy',
		family: 'veo',
		label: 'Veo 3.1: First and Last Frames to Video',
		task: 'framesToVideo',
		docsUrl: VEO_DOCS,
		fields: [
			...VEO_COMMON,
			field(
				'imageUrls',
				'Frames',
				'imageUrls',
				'One image to animate, or two: first frame and last frame',
				{ required: true, minItems: 1, maxItems: 2 },
			),
		],
		fixed: { generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO' },
		unclear: VEO_UNCLEAR,
	},
	{
		id: 'veo3.1/reference-to-video',
		api: 'veoLegacy',
		family: 'veo',
		label: 'Veo 3.1: Reference Images to Video',
		task: 'referenceToVideo',
		docsUrl: VEO_DOCS,
		fields: [
			...VEO_COMMON,
			field(
				'imageUrls',
				'Reference Images',
				'imageUrls',
				'One to three images the video is based on (material to video)',
				{ required: true, minItems: 1, maxItems: 3 },
			),
		],
		fixed: { generationType: 'REFERENCE_2_VIDEO' },
		rules: [
			{
				field: 'model',
				rule: 'Reference images work with the Fast tier (the Chinese page adds Lite), not Quality',
				check: (input) => input.model !== 'veo3',
			},
			{
				field: 'aspect_ratio',
				rule: 'Reference images support 16:9 and 9:16 only',
				check: (input) => input.aspect_ratio !== 'Auto',
			},
		],
		unclear: [
			...VEO_UNCLEAR,
			'Which tiers take REFERENCE_2_VIDEO: the English page says veo3_fast only, the Chinese old-model page says Fast and Lite; the rule refuses only veo3 (no stricter than either page).',
		],
	},
];

// ---- Kling.

const KLING_SOUND = flag('sound', 'Sound', 'Whether the video has sound', false, true);

const kling: MarketModel[] = [
	{
		id: 'kling-2.6/text-to-video',
		api: 'market',
		family: 'kling',
		label: 'Kling 2.6: Text to Video',
		task: 'textToVideo',
		docsUrl: 'https://docs.kie.ai/market/kling/text-to-video',
		fields: [
			prompt(true, 1000),
			KLING_SOUND,
			options(
				'aspect_ratio',
				'Aspect Ratio',
				'Video aspect ratio',
				['1:1', '16:9', '9:16'],
				'1:1',
				true,
			),
			options('duration', 'Duration', 'Seconds', ['5', '10'], '5', true),
		],
		unclear: [
			'`sound` is required but has no default on the page; its example sends false, used as the default.',
		],
	},
	{
		id: 'kling-2.6/image-to-video',
		api: 'market',
		family: 'kling',
		label: 'Kling 2.6: Image to Video',
		task: 'imageToVideo',
		docsUrl: 'https://docs.kie.ai/market/kling/image-to-video',
		fields: [
			prompt(true, 1000),
			field('image_urls', 'Image', 'imageUrls', 'The image to animate (JPEG or PNG, up to 10 MB)', {
				required: true,
				minItems: 1,
				maxItems: 1,
				maxFileMb: 10,
			}),
			KLING_SOUND,
			options('duration', 'Duration', 'Seconds', ['5', '10'], '5', true),
		],
		unclear: [
			'`sound` is required but has no default on the page; its example sends false, used as the default.',
			'Accepted image types: the newer revision (with code 433) lists JPEG and PNG, an older one adds WebP; the newer is quoted.',
		],
	},
	{
		id: 'kling-3.0/video',
		api: 'market',
		family: 'kling',
		label: 'Kling 3.0: Video (single or multi-shot)',
		task: 'textToVideo',
		docsUrl: 'https://docs.kie.ai/market/kling/kling-3.0',
		fields: [
			prompt(false),
			field(
				'image_urls',
				'First and Last Frames',
				'imageUrls',
				'Optional: one image = first frame, two = first and last frame',
				{ maxItems: 2 },
			),
			flag('sound', 'Sound', 'Sound effects (multi-shot turns them on by default)', false, true),
			options('duration', 'Duration', 'Total seconds', stringRange(3, 15), '5', true),
			options(
				'aspect_ratio',
				'Aspect Ratio',
				'Video aspect ratio; may be left out when frames are given',
				['16:9', '9:16', '1:1'],
				'16:9',
			),
			options(
				'mode',
				'Mode',
				'std = 720p, pro = 1080p, 4K = 2160p',
				['std', 'pro', '4K'],
				'pro',
				true,
			),
			flag('multi_shots', 'Multi-Shot', 'Describe the video as several shots', false, true),
			field(
				'multi_prompt',
				'Shots',
				'json',
				'Multi-shot only: [{ "prompt": "...", "duration": 3 }, ...], up to 5 shots',
				{ maxItems: 5 },
			),
			field(
				'kling_elements',
				'Elements',
				'json',
				'Referenced as @name: [{ "name", "description", "element_input_urls": 2-4 images or 1 video, … }]',
				{ maxItems: 3 },
			),
		],
		rules: [
			{
				field: 'prompt',
				rule: 'A prompt is needed in single-shot mode',
				check: (input) => input.multi_shots === true || given(input.prompt),
			},
			{
				field: 'multi_prompt',
				rule: 'Multi-shot needs 1 to 5 shots, each a prompt of up to 500 characters and 1 to 12 seconds',
				check: (input) => {
					if (input.multi_shots !== true) return true;
					const shots = input.multi_prompt;
					if (!Array.isArray(shots) || shots.length < 1 || shots.length > 5) return false;
					return shots.every(
						(shot) =>
							isRecord(shot) &&
							typeof shot.prompt === 'string' &&
							shot.prompt.length > 0 &&
							shot.prompt.length <= 500 &&
							Number.isInteger(shot.duration) &&
							(shot.duration as number) >= 1 &&
							(shot.duration as number) <= 12,
					);
				},
			},
			{
				field: 'image_urls',
				rule: 'Multi-shot takes a first frame only (one image)',
				check: (input) => input.multi_shots !== true || count(input.image_urls) <= 1,
			},
			{
				field: 'aspect_ratio',
				rule: 'The aspect ratio may be left out only when frames are given',
				check: (input) => given(input.aspect_ratio) || given(input.image_urls),
			},
			{
				field: 'image_urls',
				rule: 'Frames are required when elements are referenced',
				check: (input) => !given(input.kling_elements) || given(input.image_urls),
			},
			{
				field: 'kling_elements',
				rule: 'Each element needs a name, a description and 2-4 image URLs or 1 video URL; at most 1 audio URL',
				check: (input) =>
					!given(input.kling_elements) ||
					(Array.isArray(input.kling_elements) &&
						input.kling_elements.every(
							(element) =>
								isRecord(element) &&
								given(element.name) &&
								given(element.description) &&
								Array.isArray(element.element_input_urls) &&
								element.element_input_urls.length >= 1 &&
								element.element_input_urls.length <= 4 &&
								count(element.element_input_audio_urls) <= 1,
						)),
			},
			{
				field: 'kling_elements',
				rule: "A video element's end_time is after its start_time by 3000 to 8000 ms",
				check: (input) =>
					!Array.isArray(input.kling_elements) ||
					input.kling_elements.every((element) => {
						if (!isRecord(element) || element.end_time === undefined) return true;
						const span = Number(element.end_time) - Number(element.start_time ?? 0);
						return span >= 3000 && span <= 8000;
					}),
			},
		],
		unclear: [
			'The schema marks prompt, aspect_ratio and multi_prompt required, while the text says prompt is used only in single-shot mode, multi_prompt only in multi-shot mode, and aspect_ratio is optional with frames: the text is followed, as rules.',
			'The `model` description says "Generation mode. std … pro" (copied from `mode`); the id is kling-3.0/video as the enum and example say (the page title says kling-3.0).',
			'Elements: the text allows 2-4 images or 1 video (MP4/MOV, 3-8 s used) per element, plus at most 1 audio (5-30 s), while `element_input_urls` says "2-4 URLs required" and the example has a 1-video element: 1 to 4 URLs are accepted. Whether a URL is an image or a video, and the 37 characters each @element takes of a 500-character shot, are not checked.',
			'Shot durations are not checked against the total ("plan your shot durations to match", a best practice; an older revision\'s example has 3 + 3 s for a total of "5").',
			'Followed the newest of three English revisions: the one with mode 4K and video/audio elements (element_input_audio_urls, start_time, end_time); older ones have std/pro and image elements only.',
		],
	},
];

// ---- Hailuo.

const HAILUO_IMAGE_TYPES = '(JPEG, PNG or WebP, up to 10 MB)';

const hailuo: MarketModel[] = [
	{
		id: 'hailuo/02-text-to-video-pro',
		api: 'market',
		family: 'hailuo',
		label: 'Hailuo 02 Pro: Text to Video',
		task: 'textToVideo',
		docsUrl: 'https://docs.kie.ai/market/hailuo/02-text-to-video-pro',
		fields: [
			prompt(true),
			flag('prompt_optimizer', 'Prompt Optimizer', "Use the model's prompt optimizer"),
		],
		unclear: [
			'Only the request example of this page was readable in the stored copy (prompt, prompt_optimizer); no length limit or further field is listed from it.',
		],
	},
	{
		id: 'hailuo/02-image-to-video-pro',
		api: 'market',
		family: 'hailuo',
		label: 'Hailuo 02 Pro: Image to Video',
		task: 'imageToVideo',
		docsUrl: 'https://docs.kie.ai/market/hailuo/02-image-to-video-pro',
		fields: [
			prompt(true, 1500),
			field('image_url', 'Image', 'imageUrl', `The image to animate ${HAILUO_IMAGE_TYPES}`, {
				required: true,
				maxFileMb: 10,
			}),
			field(
				'end_image_url',
				'Last Frame',
				'imageUrl',
				`Optional image for the last frame ${HAILUO_IMAGE_TYPES}`,
				{ maxFileMb: 10 },
			),
			flag('prompt_optimizer', 'Prompt Optimizer', "Use the model's prompt optimizer"),
			NSFW_CHECKER,
		],
		unclear: [
			'The example sends end_image_url: "" for "no last frame": an empty value is read as absent.',
			'The pro page has no duration or resolution field (the standard page has both).',
			NSFW_UNCLEAR,
		],
	},
	{
		id: 'hailuo/02-image-to-video-standard',
		api: 'market',
		family: 'hailuo',
		label: 'Hailuo 02 Standard: Image to Video',
		task: 'imageToVideo',
		docsUrl: 'https://docs.kie.ai/market/hailuo/02-image-to-video-standard',
		fields: [
			prompt(true, 1500),
			field('image_url', 'Image', 'imageUrl', `The first frame ${HAILUO_IMAGE_TYPES}`, {
				required: true,
				maxFileMb: 10,
			}),
			field(
				'end_image_url',
				'Last Frame',
				'imageUrl',
				`Optional image for the last frame ${HAILUO_IMAGE_TYPES}`,
				{ maxFileMb: 10 },
			),
			options('duration', 'Duration', 'Seconds', ['6', '10'], '10'),
			options('resolution', 'Resolution', 'Output resolution', ['512P', '768P'], '768P'),
			flag('prompt_optimizer', 'Prompt Optimizer', "Use the model's prompt optimizer"),
			NSFW_CHECKER,
		],
		unclear: [
			'duration says "10 seconds videos are not supported for 1080p", but 1080P is not among this model\'s resolutions: no rule.',
			NSFW_UNCLEAR,
		],
	},
	{
		id: 'hailuo/2-3-image-to-video-standard',
		api: 'market',
		family: 'hailuo',
		label: 'Hailuo 2.3 Standard: Image to Video',
		task: 'imageToVideo',
		docsUrl: 'https://docs.kie.ai/market/hailuo/2-3-image-to-video-standard',
		fields: [
			prompt(true, 5000),
			field('image_url', 'Image', 'imageUrl', `The image to animate ${HAILUO_IMAGE_TYPES}`, {
				required: true,
				maxFileMb: 10,
			}),
			options('duration', 'Duration', 'Seconds', ['6', '10'], '6'),
			options('resolution', 'Resolution', 'Output resolution', ['768P', '1080P'], '768P'),
			{ ...NSFW_CHECKER, default: false },
		],
		rules: [
			{
				field: 'duration',
				rule: '10-second videos are not available at 1080P',
				check: (input) => !(input.duration === '10' && input.resolution === '1080P'),
			},
		],
		unclear: [
			'The schema was read from the Chinese revision (docs.kie.ai/cn/market/hailuo/2-3-image-to-video-standard); the English page\'s example (prompt, image_url, duration "6", resolution "768P") agrees.',
			NSFW_UNCLEAR,
		],
	},
];

// ---- Seedance.

const seedance: MarketModel[] = [
	{
		id: 'bytedance/seedance-1.5-pro',
		api: 'market',
		family: 'seedance',
		label: 'Seedance 1.5 Pro: Text or Images to Video',
		task: 'textToVideo',
		docsUrl: 'https://docs.kie.ai/market/bytedance/seedance-1.5-pro',
		fields: [
			prompt(true, 2500, 3),
			field(
				'input_urls',
				'Images',
				'imageUrls',
				'Zero to two images to animate (JPEG, PNG or WebP, up to 10 MB each)',
				{ maxItems: 2, maxFileMb: 10 },
			),
			options(
				'aspect_ratio',
				'Aspect Ratio',
				'Video aspect ratio',
				['1:1', '4:3', '3:4', '16:9', '9:16', '21:9'],
				'1:1',
				true,
			),
			options(
				'resolution',
				'Resolution',
				'480p fastest, 1080p best',
				['480p', '720p', '1080p'],
				'720p',
			),
			options('duration', 'Duration', 'Seconds', [4, 8, 12], 8),
			flag('fixed_lens', 'Fixed Lens', 'Lock the camera for static shots', false),
			flag('generate_audio', 'Generate Audio', 'Add audio (costs more)', false),
			NSFW_CHECKER,
		],
		unclear: [
			'duration is an integer here (4, 8 or 12), unlike the string durations of most other models.',
			'nsfw_checker: "Enabled by default in Playground"; for the API no default is given; sent only when set.',
		],
	},
	{
		id: 'bytedance/seedance-2',
		api: 'market',
		family: 'seedance',
		label: 'Seedance 2.0: Text, Frames or References to Video',
		task: 'textToVideo',
		docsUrl: 'https://docs.kie.ai/market/bytedance/seedance-2',
		fields: [
			prompt(true, 20000, 3),
			field(
				'first_frame_url',
				'First Frame',
				'imageUrl',
				'First frame image URL, or asset://<assetId>',
			),
			field(
				'last_frame_url',
				'Last Frame',
				'imageUrl',
				'Last frame image URL, or asset://<assetId>',
			),
			field(
				'reference_image_urls',
				'Reference Images',
				'imageUrls',
				'Up to 9 images (jpeg, png, webp, bmp, tiff, gif; under 30 MB each)',
				{ maxItems: 9, maxFileMb: 30 },
			),
			field(
				'reference_video_urls',
				'Reference Videos',
				'videoUrls',
				'Up to 3 videos (mp4, mov; 2-15 s each, 15 s in total; up to 50 MB each)',
				{ maxItems: 3, maxFileMb: 50 },
			),
			field(
				'reference_audio_urls',
				'Reference Audio',
				'audioUrls',
				'Up to 3 clips (wav, mp3; 2-15 s each, 15 s in total; up to 15 MB each)',
				{ maxItems: 3, maxFileMb: 15 },
			),
			flag('generate_audio', 'Generate Audio', 'Generate audio with the video', true),
			options(
				'resolution',
				'Resolution',
				'480p fastest … 4k',
				['480p', '720p', '1080p', '4k'],
				'720p',
			),
			options(
				'aspect_ratio',
				'Aspect Ratio',
				'Video aspect ratio; adaptive follows the input',
				['1:1', '4:3', '3:4', '16:9', '9:16', '21:9', 'adaptive'],
				'16:9',
				true,
			),
			options(
				'duration',
				'Duration',
				'Seconds, 4 to 15, or -1',
				[-1, ...Array.from({ length: 12 }, (_, i) => i + 4)],
				5,
			),
			flag('web_search', 'Web Search', 'Let the model search online'),
			NSFW_CHECKER,
		],
		rules: [
			{
				field: 'first_frame_url',
				rule: 'Frames (first, or first and last) and references (images, videos, audio) cannot be combined',
				check: (input) =>
					!(given(input.first_frame_url) || given(input.last_frame_url)) ||
					!(
						given(input.reference_image_urls) ||
						given(input.reference_video_urls) ||
						given(input.reference_audio_urls)
					),
			},
		],
		unclear: [
			'The page says first/last-frame and multimodal-reference scenarios are mutually exclusive, yet its example sends both: the rule follows the text (the example would be refused).',
			'prompt and aspect_ratio have no `required` list in the schema but their descriptions say "Required field": treated as required.',
			'duration: "4-15 seconds or -1" with no meaning given for -1 (other providers use it for "model decides").',
			'reference_image_urls: "the sum of the number of frames at the beginning and end must not exceed 9" is garbled; only the documented maxItems 9 is kept.',
			'An older revision (api-32356532) spells the key "reference_video_urls " with a trailing space; its own example and the newer revision say reference_video_urls, which is sent. That revision has no 4k and no -1 duration.',
			'return_last_frame is marked deprecated: left out. Followed the revision with 4k and nsfw_checker (newest of three English revisions by their schema ids).',
			NSFW_UNCLEAR,
		],
	},
];

// ---- Wan.

const WAN_27_COMMON: readonly MarketField[] = [
	field('negative_prompt', 'Negative Prompt', 'string', 'What to avoid', { maxLength: 500 }),
	options('resolution', 'Resolution', 'Output resolution', ['720p', '1080p'], '1080p'),
	field('duration', 'Duration', 'integer', 'Seconds, 2 to 15', { default: 5, min: 2, max: 15 }),
	flag('prompt_extend', 'Prompt Rewriting', 'Let KIE rewrite the prompt intelligently', true),
	flag('watermark', 'Watermark', 'Add an AI-generated watermark', false),
	field('seed', 'Seed', 'integer', 'Random seed', { min: 0, max: 2147483647 }),
	NSFW_CHECKER,
];

const wan: MarketModel[] = [
	{
		id: 'wan/2-6-text-to-video',
		api: 'market',
		family: 'wan',
		label: 'Wan 2.6: Text to Video',
		task: 'textToVideo',
		docsUrl: 'https://docs.kie.ai/market/wan/2-6-text-to-video',
		fields: [
			prompt(true, 5000, 1),
			field('duration', 'Duration', 'string', 'Seconds, as a string', { default: '5' }),
			field('resolution', 'Resolution', 'string', 'Output resolution', { default: '1080p' }),
		],
		unclear: [
			'Read from the Chinese revision (docs.kie.ai/cn/market/wan/2-6-text-to-video): its example (duration "5", resolution "1080p") and usage notes (prompt 1-5000 characters) only; the enums were not in the stored copy, so duration and resolution are free strings with the example as default.',
		],
	},
	{
		id: 'wan/2-6-image-to-video',
		api: 'market',
		family: 'wan',
		label: 'Wan 2.6: Image to Video',
		task: 'imageToVideo',
		docsUrl: 'https://docs.kie.ai/market/wan/2-6-image-to-video',
		fields: [
			prompt(true, 5000, 2),
			field(
				'image_urls',
				'Image',
				'imageUrls',
				'One image, at least 256x256 px (JPEG, PNG or WebP, up to 10 MB)',
				{ required: true, minItems: 1, maxItems: 1, maxFileMb: 10 },
			),
			options('duration', 'Duration', 'Seconds', ['5', '10', '15'], '5'),
			options('resolution', 'Resolution', 'Output resolution', ['720p', '1080p'], '1080p'),
			NSFW_CHECKER,
		],
		unclear: [
			'The prompt description says "minimum of 2 characters" while the schema has no minLength: the description is followed.',
			NSFW_UNCLEAR,
		],
	},
	{
		id: 'wan/2-6-video-to-video',
		api: 'market',
		family: 'wan',
		label: 'Wan 2.6: Video to Video',
		task: 'videoToVideo',
		docsUrl: 'https://docs.kie.ai/market/wan/2-6-video-to-video',
		fields: [
			prompt(true),
			field(
				'video_urls',
				'Videos',
				'videoUrls',
				'Up to 3 source videos (MP4, QuickTime, Matroska; up to 10 MB)',
				{ required: true, minItems: 1, maxItems: 3, maxFileMb: 10 },
			),
			field('duration', 'Duration', 'string', 'Seconds, as a string', { default: '5' }),
			field('resolution', 'Resolution', 'string', 'Output resolution', { default: '1080p' }),
		],
		unclear: [
			'Only the example and the upload notes of this page were in the stored copy: duration and resolution are free strings with the example ("5", "1080p") as default; no prompt limit is listed.',
		],
	},
	{
		id: 'wan/2-7-text-to-video',
		api: 'market',
		family: 'wan',
		label: 'Wan 2.7: Text to Video',
		task: 'textToVideo',
		docsUrl: 'https://docs.kie.ai/market/wan/2-7-text-to-video',
		fields: [
			prompt(true, 5000, 1),
			field('audio_url', 'Audio', 'audioUrl', 'Optional custom audio URL'),
			options(
				'ratio',
				'Aspect Ratio',
				'Video aspect ratio',
				['16:9', '9:16', '1:1', '4:3', '3:4'],
				'16:9',
			),
			...WAN_27_COMMON,
		],
		unclear: [
			'The aspect ratio key is `ratio` here, not `aspect_ratio` as on most pages: sent as `ratio`.',
			NSFW_UNCLEAR,
		],
	},
	{
		id: 'wan/2-7-image-to-video',
		api: 'market',
		family: 'wan',
		label: 'Wan 2.7: Image to Video (frames or continuation)',
		task: 'imageToVideo',
		docsUrl: 'https://docs.kie.ai/market/wan/2-7-image-to-video',
		fields: [
			prompt(true, 5000),
			field('first_frame_url', 'First Frame', 'imageUrl', 'First frame image URL'),
			field(
				'last_frame_url',
				'Last Frame',
				'imageUrl',
				'Last frame image URL (with a first frame)',
			),
			field('first_clip_url', 'First Clip', 'videoUrl', 'A video to continue (video continuation)'),
			field('driving_audio_url', 'Driving Audio', 'audioUrl', 'Optional driving audio URL'),
			...WAN_27_COMMON,
		],
		rules: [
			{
				field: 'first_frame_url',
				rule: 'Give a first frame (first-frame or first-and-last modes) or a first clip (continuation)',
				check: (input) => given(input.first_frame_url) || given(input.first_clip_url),
			},
			{
				field: 'last_frame_url',
				rule: 'A last frame goes with a first frame',
				check: (input) => !given(input.last_frame_url) || given(input.first_frame_url),
			},
		],
		unclear: [
			'The page lists three modes (first frame; first and last frame; continuation from first_clip_url) but does not say whether a clip may be combined with frames: not refused.',
			NSFW_UNCLEAR,
		],
	},
];

// ---- Grok Imagine.

const GROK_MODES = ['fun', 'normal', 'spicy'];

const grok: MarketModel[] = [
	{
		id: 'grok-imagine/text-to-video',
		api: 'market',
		family: 'grok',
		label: 'Grok Imagine: Text to Video',
		task: 'textToVideo',
		docsUrl: 'https://docs.kie.ai/market/grok-imagine/text-to-video',
		fields: [
			prompt(true, 5000),
			options(
				'aspect_ratio',
				'Aspect Ratio',
				'2:3 portrait, 3:2 landscape, 1:1, 16:9, 9:16',
				['2:3', '3:2', '1:1', '16:9', '9:16'],
				'2:3',
				true,
			),
			options(
				'mode',
				'Mode',
				'fun, normal or spicy (more intense motion)',
				GROK_MODES,
				'normal',
				true,
			),
			options('duration', 'Duration', 'Seconds, 6 to 30', stringRange(6, 30), '6'),
			options('resolution', 'Resolution', 'Output resolution', ['480p', '720p'], '480p', true),
			{ ...NSFW_CHECKER, default: false },
		],
		unclear: [
			'Read from the Chinese revision (docs.kie.ai/cn/market/grok-imagine/text-to-video). duration is typed "number (6-30, step 1)" but the example sends "6" (a string): the example is followed, as strings "6" … "30".',
			'aspect_ratio and mode list their values only in the description (no enum): those values are the options.',
			'That revision lists callBackUrl as required in the body: the Market client should send one (or check whether KIE refuses without).',
			NSFW_UNCLEAR,
		],
	},
	{
		id: 'grok-imagine/image-to-video',
		api: 'market',
		family: 'grok',
		label: 'Grok Imagine: Image to Video',
		task: 'imageToVideo',
		docsUrl: 'https://docs.kie.ai/market/grok-imagine/image-to-video',
		fields: [
			field(
				'image_urls',
				'Image',
				'imageUrls',
				'One external image (JPEG, PNG or WebP, up to 10 MB); not with a task ID',
				{ maxItems: 1, maxFileMb: 10 },
			),
			field(
				'task_id',
				'Grok Image Task ID',
				'string',
				'A grok-imagine/text-to-image task to animate; not with an image',
				{ maxLength: 100 },
			),
			field(
				'index',
				'Image Index',
				'integer',
				'Which of the task’s 6 images (0-5), with a task ID',
				{ default: 0, min: 0, max: 5 },
			),
			prompt(false, 5000),
			options(
				'mode',
				'Mode',
				'fun, normal or spicy (spicy not with external images)',
				GROK_MODES,
				'normal',
			),
			options('duration', 'Duration', 'Seconds', ['6', '10', '15'], '6'),
			options('resolution', 'Resolution', 'Output resolution', ['480p', '720p'], '480p'),
		],
		rules: [
			{
				field: 'image_urls',
				rule: 'Give one image or a Grok task ID, not both',
				check: (input) => given(input.image_urls) !== given(input.task_id),
			},
			{
				field: 'mode',
				rule: 'Spicy mode is not available with external images',
				check: (input) => !(input.mode === 'spicy' && given(input.image_urls)),
			},
		],
		unclear: [
			'No input field is marked required; the descriptions say to use image_urls or task_id and "Do not use with" the other, yet the page\'s `example` sends both (its `examples` entry sends only image_urls): the descriptions are followed.',
			'The prompt is optional on this page (required on text to video).',
		],
	},
];

/** Every curated model, grouped by family. Runway's Market ids are absent: see docs/market-models.md. */
export const MARKET_MODELS: readonly MarketModel[] = [
	...veo,
	...kling,
	...hailuo,
	...seedance,
	...wan,
	...grok,
];

// ---- The one check of an input against an entry: field types, options, ranges, then the rules.

function fieldProblem(field: MarketField, value: unknown): string | undefined {
	if (!given(value)) return field.required ? `${field.name} is required` : undefined;
	const isUrlList = ['imageUrls', 'videoUrls', 'audioUrls'].includes(field.type);
	const isText = ['prompt', 'string', 'imageUrl', 'videoUrl', 'audioUrl'].includes(field.type);
	if (isUrlList && !(Array.isArray(value) && value.every((v) => typeof v === 'string')))
		return `${field.name} must be a list of URLs`;
	if (isText && typeof value !== 'string') return `${field.name} must be text`;
	if (field.type === 'boolean' && typeof value !== 'boolean')
		return `${field.name} must be true or false`;
	if (field.type === 'number' && !(typeof value === 'number' && Number.isFinite(value)))
		return `${field.name} must be a number`;
	if (field.type === 'integer' && !Number.isInteger(value))
		return `${field.name} must be a whole number`;
	if (field.type === 'json' && field.maxItems !== undefined && !Array.isArray(value))
		return `${field.name} must be a list`;
	if (field.options && !field.options.includes(value as string | number))
		return `${field.name} must be one of ${field.options.join(', ')}`;
	if (typeof value === 'number') {
		if (field.min !== undefined && value < field.min)
			return `${field.name} must be at least ${field.min}`;
		if (field.max !== undefined && value > field.max)
			return `${field.name} must be at most ${field.max}`;
	}
	if (typeof value === 'string') {
		if (field.minLength !== undefined && value.length < field.minLength)
			return `${field.name} must have at least ${field.minLength} characters`;
		if (field.maxLength !== undefined && value.length > field.maxLength)
			return `${field.name} must have at most ${field.maxLength} characters`;
	}
	if (Array.isArray(value)) {
		if (field.minItems !== undefined && value.length < field.minItems)
			return `${field.name} needs at least ${field.minItems} item(s)`;
		if (field.maxItems !== undefined && value.length > field.maxItems)
			return `${field.name} takes at most ${field.maxItems} item(s)`;
	}
	return undefined;
}

/** What is wrong with `input` for `model`, as messages; empty when KIE's page would accept it. */
export function marketInputProblems(model: MarketModel, input: Record<string, unknown>): string[] {
	const problems: string[] = [];
	for (const field of model.fields) {
		const problem = fieldProblem(field, input[field.name]);
		if (problem) problems.push(problem);
	}
	for (const rule of model.rules ?? []) {
		if (!rule.check(input)) problems.push(`${rule.field}: ${rule.rule}`);
	}
	return problems;
}
