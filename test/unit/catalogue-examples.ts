// Inputs each curated model's KIE page documents as valid (mostly the page's own example), and inputs
// that break one field or rule: the cases of catalogue.test.ts, kept apart from its checks.

export type Input = Record<string, unknown>;

export interface Refusal {
	/** What the case breaks, for the test title. */
	breaks: string;
	input: Input;
	/** The field (or rule field) the problem message must start with. */
	field: string;
}

export interface Examples {
	valid: readonly Input[];
	refusals: readonly Refusal[];
}

const IMAGE = 'https://file.aiquickdraw.com/custom-page/akr/section-images/example1.png';
const IMAGE_2 = 'https://file.aiquickdraw.com/custom-page/akr/section-images/example2.png';
const VIDEO = 'https://static.aiquickdraw.com/tools/example/1765957777782_cNJpvhRx.mp4';
const AUDIO = 'https://your-domain.com/assets/driving-audio.mp3';
const text = (length: number) => 'x'.repeat(length);

/** `base` with `changes` applied; a change to undefined removes the key. */
function edit(base: Input, changes: Input): Input {
	const out: Input = { ...base, ...changes };
	for (const [key, value] of Object.entries(changes)) if (value === undefined) delete out[key];
	return out;
}

const veoText: Input = {
	prompt: 'A dog playing in a park',
	model: 'veo3_fast',
	aspect_ratio: '16:9',
	resolution: '720p',
	seeds: 12345,
	enableTranslation: true,
	watermark: 'MyBrand',
};
const veoFrames = {
	...veoText,
	imageUrls: ['http://example.com/image1.jpg', 'http://example.com/image2.jpg'],
};
const veoReference = { ...veoText, imageUrls: ['http://example.com/image1.jpg'] };

const klingText: Input = {
	prompt: 'A host turns around',
	sound: false,
	aspect_ratio: '1:1',
	duration: '5',
};
const klingImage: Input = {
	prompt: 'The band plays',
	image_urls: [IMAGE],
	sound: false,
	duration: '5',
};
const elements = [
	{ name: 'element_dog', description: 'dog', element_input_urls: [IMAGE, IMAGE_2] },
	{ name: 'element_cat', description: 'cat', element_input_urls: [IMAGE, IMAGE_2] },
];
const shots = [
	{ prompt: 'a happy dog in running@element_cat', duration: 3 },
	{ prompt: 'a happy dog play with a cat@element_dog', duration: 3 },
];
// The page's single-shot example and its multi-shot usage example.
const kling3Single: Input = {
	prompt: 'In a bright rehearsal room, sunlight streams through the window@element_dog',
	image_urls: [IMAGE],
	sound: true,
	duration: '5',
	aspect_ratio: '16:9',
	mode: 'pro',
	multi_shots: false,
	multi_prompt: shots,
	kling_elements: elements,
};
// The newest revision's own example: a video element with audio and a capture window, mode 4K shown in its enum.
const kling3VideoElement: Input = {
	...kling3Single,
	mode: '4K',
	multi_prompt: [
		{ prompt: 'a happy dog in running @element_cat', duration: 3 },
		{ prompt: 'a happy dog play with a cat @element_dog', duration: 2 },
	],
	kling_elements: [
		{ ...elements[0], element_input_audio_urls: [AUDIO] },
		{
			name: 'element_cat',
			description: 'cat',
			element_input_urls: ['https://your-cdn.com/element_image.mp4'],
			element_input_audio_urls: [AUDIO],
			start_time: 0,
			end_time: 8000,
		},
	],
};
const kling3Multi: Input = {
	multi_shots: true,
	image_urls: [IMAGE],
	sound: true,
	duration: '5',
	aspect_ratio: '16:9',
	mode: 'pro',
	multi_prompt: shots,
	kling_elements: elements,
};

const hailuoProImage: Input = {
	prompt: 'Cinematic wide shot: a starship drifts above the rings of Saturn',
	image_url: IMAGE,
	end_image_url: '',
	prompt_optimizer: true,
};
const hailuoStandardImage: Input = {
	prompt: 'Epic aerial shot: a lone samurai stands atop a mountain peak',
	image_url: IMAGE,
	end_image_url: IMAGE_2,
	duration: '10',
	resolution: '768P',
	prompt_optimizer: true,
};
const hailuo23: Input = {
	prompt: 'Two armored knights clash at sunset',
	image_url: IMAGE,
	duration: '6',
	resolution: '768P',
};

const seedance15: Input = {
	prompt: 'A serene beach at sunset with waves gently crashing on the shore',
	input_urls: [IMAGE],
	aspect_ratio: '1:1',
	resolution: '720p',
	duration: 8,
	fixed_lens: false,
	generate_audio: false,
	nsfw_checker: false,
};
const seedance2Frames: Input = {
	prompt: 'A serene beach at sunset with waves gently crashing on the shore',
	first_frame_url: IMAGE,
	last_frame_url: IMAGE_2,
	generate_audio: false,
	resolution: '720p',
	aspect_ratio: '16:9',
	duration: 15,
	web_search: false,
};
const seedance2References: Input = {
	prompt: 'A serene beach at sunset with waves gently crashing on the shore',
	reference_image_urls: [IMAGE],
	reference_video_urls: [VIDEO],
	reference_audio_urls: [AUDIO],
	aspect_ratio: '16:9',
	duration: 15,
};

const wan26Text: Input = {
	prompt: 'A hand slices a knitted burger',
	duration: '5',
	resolution: '1080p',
};
const wan26Image: Input = {
	prompt: 'A fox singing a Christmas song in the rain',
	image_urls: [IMAGE],
	duration: '5',
	resolution: '1080p',
	nsfw_checker: false,
};
const wan26Video: Input = {
	prompt: 'The person drinks milk tea while dancing',
	video_urls: [VIDEO],
	duration: '5',
	resolution: '1080p',
};
const wan27Common: Input = {
	negative_prompt: 'blurry, flicker, low quality, distorted',
	resolution: '1080p',
	duration: 5,
	prompt_extend: true,
	watermark: false,
	seed: 123456,
};
const wan27Text: Input = {
	prompt: 'A futuristic city street at night',
	audio_url: 'https://your-domain.com/audio/custom-track.mp3',
	ratio: '16:9',
	...wan27Common,
};
const wan27Cat = { prompt: 'A white cat stands on a windowsill', ...wan27Common };
const wan27FirstLast: Input = { ...wan27Cat, first_frame_url: IMAGE, last_frame_url: IMAGE_2 };
const wan27First: Input = { ...wan27Cat, first_frame_url: IMAGE, driving_audio_url: AUDIO };
const wan27Clip: Input = { ...wan27Cat, first_clip_url: VIDEO };

const grokText: Input = {
	prompt: 'A couple of doors open one by one',
	aspect_ratio: '2:3',
	mode: 'normal',
	duration: '6',
	resolution: '480p',
};
const grokImage: Input = {
	image_urls: [IMAGE],
	prompt: 'POV hand hands the girl a cup of coffee',
	mode: 'normal',
	duration: '6',
	resolution: '480p',
};
const grokTask: Input = { task_id: 'task_grok_12345678', index: 0, mode: 'spicy' };

export const EXAMPLES: Record<string, Examples> = {
	'veo3.1/text-to-video': {
		valid: [veoText, { prompt: 'A dog playing in a park' }],
		refusals: [
			{ breaks: 'no prompt', input: edit(veoText, { prompt: undefined }), field: 'prompt' },
			{ breaks: 'seed below 10000', input: edit(veoText, { seeds: 123 }), field: 'seeds' },
			{ breaks: 'unknown tier', input: edit(veoText, { model: 'veo4' }), field: 'model' },
		],
	},
	'veo3.1/frames-to-video': {
		valid: [veoFrames, edit(veoFrames, { imageUrls: [IMAGE] })],
		refusals: [
			{
				breaks: 'three frames',
				input: edit(veoFrames, { imageUrls: [IMAGE, IMAGE, IMAGE] }),
				field: 'imageUrls',
			},
			{ breaks: 'no frames', input: edit(veoFrames, { imageUrls: [] }), field: 'imageUrls' },
		],
	},
	'veo3.1/reference-to-video': {
		valid: [veoReference, edit(veoReference, { model: 'veo3_lite', aspect_ratio: '9:16' })],
		refusals: [
			{ breaks: 'Quality tier', input: edit(veoReference, { model: 'veo3' }), field: 'model' },
			{
				breaks: 'Auto aspect ratio',
				input: edit(veoReference, { aspect_ratio: 'Auto' }),
				field: 'aspect_ratio',
			},
			{
				breaks: 'four references',
				input: edit(veoReference, { imageUrls: [IMAGE, IMAGE, IMAGE, IMAGE] }),
				field: 'imageUrls',
			},
		],
	},
	'kling-2.6/text-to-video': {
		valid: [klingText],
		refusals: [
			{
				breaks: 'duration as a number',
				input: edit(klingText, { duration: 5 }),
				field: 'duration',
			},
			{
				breaks: 'unlisted aspect ratio',
				input: edit(klingText, { aspect_ratio: '4:3' }),
				field: 'aspect_ratio',
			},
			{
				breaks: 'prompt over 1000',
				input: edit(klingText, { prompt: text(1001) }),
				field: 'prompt',
			},
			{ breaks: 'no sound', input: edit(klingText, { sound: undefined }), field: 'sound' },
		],
	},
	'kling-2.6/image-to-video': {
		valid: [klingImage],
		refusals: [
			{
				breaks: 'two images',
				input: edit(klingImage, { image_urls: [IMAGE, IMAGE_2] }),
				field: 'image_urls',
			},
			{
				breaks: 'no image',
				input: edit(klingImage, { image_urls: undefined }),
				field: 'image_urls',
			},
		],
	},
	'kling-3.0/video': {
		valid: [
			kling3Single,
			kling3Multi,
			kling3VideoElement,
			{
				prompt: 'a dog',
				sound: false,
				duration: '3',
				aspect_ratio: '1:1',
				mode: 'std',
				multi_shots: false,
			},
		],
		refusals: [
			{
				breaks: 'single shot without prompt',
				input: edit(kling3Single, { prompt: '' }),
				field: 'prompt',
			},
			{
				breaks: 'multi-shot without shots',
				input: edit(kling3Multi, { multi_prompt: [] }),
				field: 'multi_prompt',
			},
			{
				breaks: 'a 13-second shot',
				input: edit(kling3Multi, { multi_prompt: [{ prompt: 'a', duration: 13 }] }),
				field: 'multi_prompt',
			},
			{
				breaks: 'six shots',
				input: edit(kling3Multi, { multi_prompt: Array(6).fill({ prompt: 'a', duration: 1 }) }),
				field: 'multi_prompt',
			},
			{
				breaks: 'multi-shot with a last frame',
				input: edit(kling3Multi, { image_urls: [IMAGE, IMAGE_2] }),
				field: 'image_urls',
			},
			{
				breaks: 'neither aspect ratio nor frames',
				input: edit(kling3Single, {
					aspect_ratio: undefined,
					image_urls: undefined,
					kling_elements: undefined,
				}),
				field: 'aspect_ratio',
			},
			{
				breaks: 'elements without frames',
				input: edit(kling3Single, { image_urls: undefined }),
				field: 'image_urls',
			},
			{
				breaks: 'an element with five images',
				input: edit(kling3Single, {
					kling_elements: [
						{ name: 'e', description: 'd', element_input_urls: Array(5).fill(IMAGE) },
					],
				}),
				field: 'kling_elements',
			},
			{
				breaks: 'an element without a description',
				input: edit(kling3Single, {
					kling_elements: [{ name: 'e', element_input_urls: [IMAGE, IMAGE_2] }],
				}),
				field: 'kling_elements',
			},
			{
				breaks: 'a 9-second video capture window',
				input: edit(kling3Single, {
					kling_elements: [
						{
							name: 'e',
							description: 'd',
							element_input_urls: [VIDEO],
							start_time: 0,
							end_time: 9000,
						},
					],
				}),
				field: 'kling_elements',
			},
			{ breaks: 'mode 8K', input: edit(kling3Single, { mode: '8K' }), field: 'mode' },
			{ breaks: 'duration 16', input: edit(kling3Single, { duration: '16' }), field: 'duration' },
		],
	},
	'hailuo/02-text-to-video-pro': {
		valid: [{ prompt: 'A boy flies over a Jurassic valley', prompt_optimizer: true }],
		refusals: [
			{ breaks: 'no prompt', input: { prompt_optimizer: true }, field: 'prompt' },
			{
				breaks: 'optimizer as text',
				input: { prompt: 'a', prompt_optimizer: 'yes' },
				field: 'prompt_optimizer',
			},
		],
	},
	'hailuo/02-image-to-video-pro': {
		valid: [hailuoProImage],
		refusals: [
			{
				breaks: 'no image',
				input: edit(hailuoProImage, { image_url: undefined }),
				field: 'image_url',
			},
			{
				breaks: 'prompt over 1500',
				input: edit(hailuoProImage, { prompt: text(1501) }),
				field: 'prompt',
			},
		],
	},
	'hailuo/02-image-to-video-standard': {
		valid: [hailuoStandardImage],
		refusals: [
			{
				breaks: '1080P, not offered',
				input: edit(hailuoStandardImage, { resolution: '1080P' }),
				field: 'resolution',
			},
			{
				breaks: 'duration as a number',
				input: edit(hailuoStandardImage, { duration: 10 }),
				field: 'duration',
			},
		],
	},
	'hailuo/2-3-image-to-video-standard': {
		valid: [hailuo23, edit(hailuo23, { resolution: '1080P' }), edit(hailuo23, { duration: '10' })],
		refusals: [
			{
				breaks: '10 s at 1080P',
				input: edit(hailuo23, { duration: '10', resolution: '1080P' }),
				field: 'duration',
			},
			{
				breaks: 'prompt over 5000',
				input: edit(hailuo23, { prompt: text(5001) }),
				field: 'prompt',
			},
		],
	},
	'bytedance/seedance-1.5-pro': {
		valid: [seedance15, { prompt: 'A beach', aspect_ratio: '21:9' }],
		refusals: [
			{ breaks: 'prompt under 3', input: edit(seedance15, { prompt: 'ab' }), field: 'prompt' },
			{ breaks: 'duration as text', input: edit(seedance15, { duration: '8' }), field: 'duration' },
			{
				breaks: 'three images',
				input: edit(seedance15, { input_urls: [IMAGE, IMAGE, IMAGE] }),
				field: 'input_urls',
			},
			{
				breaks: 'no aspect ratio',
				input: edit(seedance15, { aspect_ratio: undefined }),
				field: 'aspect_ratio',
			},
		],
	},
	'bytedance/seedance-2': {
		valid: [
			seedance2Frames,
			seedance2References,
			edit(seedance2Frames, { duration: -1, resolution: '4k' }),
		],
		refusals: [
			{
				breaks: "frames with references (the page's own example)",
				input: { ...seedance2Frames, ...seedance2References },
				field: 'first_frame_url',
			},
			{ breaks: 'duration 3', input: edit(seedance2Frames, { duration: 3 }), field: 'duration' },
			{
				breaks: 'four reference videos',
				input: edit(seedance2References, { reference_video_urls: [VIDEO, VIDEO, VIDEO, VIDEO] }),
				field: 'reference_video_urls',
			},
		],
	},
	'wan/2-6-text-to-video': {
		valid: [wan26Text],
		refusals: [
			{ breaks: 'empty prompt', input: edit(wan26Text, { prompt: '' }), field: 'prompt' },
			{
				breaks: 'prompt over 5000',
				input: edit(wan26Text, { prompt: text(5001) }),
				field: 'prompt',
			},
		],
	},
	'wan/2-6-image-to-video': {
		valid: [wan26Image],
		refusals: [
			{ breaks: 'duration 20', input: edit(wan26Image, { duration: '20' }), field: 'duration' },
			{ breaks: 'one-character prompt', input: edit(wan26Image, { prompt: 'a' }), field: 'prompt' },
			{
				breaks: 'no image',
				input: edit(wan26Image, { image_urls: undefined }),
				field: 'image_urls',
			},
		],
	},
	'wan/2-6-video-to-video': {
		valid: [wan26Video],
		refusals: [
			{
				breaks: 'four videos',
				input: edit(wan26Video, { video_urls: [VIDEO, VIDEO, VIDEO, VIDEO] }),
				field: 'video_urls',
			},
		],
	},
	'wan/2-7-text-to-video': {
		valid: [wan27Text, { prompt: 'a' }],
		refusals: [
			{ breaks: 'duration 16', input: edit(wan27Text, { duration: 16 }), field: 'duration' },
			{ breaks: 'unlisted ratio', input: edit(wan27Text, { ratio: '21:9' }), field: 'ratio' },
			{
				breaks: 'negative prompt over 500',
				input: edit(wan27Text, { negative_prompt: text(501) }),
				field: 'negative_prompt',
			},
			{ breaks: 'duration as text', input: edit(wan27Text, { duration: '5' }), field: 'duration' },
		],
	},
	'wan/2-7-image-to-video': {
		valid: [wan27FirstLast, wan27First, wan27Clip],
		refusals: [
			{ breaks: 'neither frame nor clip', input: wan27Cat, field: 'first_frame_url' },
			{
				breaks: 'a last frame without a first',
				input: edit(wan27Clip, { last_frame_url: IMAGE_2 }),
				field: 'last_frame_url',
			},
			{ breaks: 'negative seed', input: edit(wan27First, { seed: -1 }), field: 'seed' },
		],
	},
	'grok-imagine/text-to-video': {
		valid: [grokText, edit(grokText, { duration: '30', aspect_ratio: '16:9', resolution: '720p' })],
		refusals: [
			{ breaks: 'duration as a number', input: edit(grokText, { duration: 6 }), field: 'duration' },
			{ breaks: 'duration 31', input: edit(grokText, { duration: '31' }), field: 'duration' },
			{
				breaks: 'unlisted aspect ratio',
				input: edit(grokText, { aspect_ratio: '4:3' }),
				field: 'aspect_ratio',
			},
			{ breaks: 'no mode', input: edit(grokText, { mode: undefined }), field: 'mode' },
		],
	},
	'grok-imagine/image-to-video': {
		valid: [grokImage, grokTask],
		refusals: [
			{
				breaks: "image and task ID (the page's `example`)",
				input: { ...grokImage, task_id: 'task_grok_12345678' },
				field: 'image_urls',
			},
			{
				breaks: 'neither image nor task ID',
				input: { prompt: 'a', mode: 'normal' },
				field: 'image_urls',
			},
			{
				breaks: 'spicy with an external image',
				input: edit(grokImage, { mode: 'spicy' }),
				field: 'mode',
			},
			{ breaks: 'index 6', input: edit(grokTask, { index: 6 }), field: 'index' },
			{
				breaks: 'duration 30, not offered here',
				input: edit(grokImage, { duration: '30' }),
				field: 'duration',
			},
		],
	},
};
