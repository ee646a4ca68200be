// What KIE documents as fixed: its hosts, its limits and the value lists it accepts. Every
// description or hint that quotes one of these numbers builds its text from the constant here.

/** KIE's main API (docs/kie-api.md §0). */
export const DEFAULT_API_BASE_URL = 'https://api.kie.ai';
/** KIE's file upload API lives on its own host, without /v1 in its paths (docs/kie-api.md §8). */
export const DEFAULT_UPLOAD_BASE_URL = 'https://kieai.redpandaai.co';

/** KIE accepts 20 new generation requests per 10 s per account and rejects the excess (429). */
export const KIE_CREATE_LIMIT = { max: 20, windowMs: 10_000 };

/** Generated media are kept 14 days (docs/kie-api.md §0). */
export const RESULT_RETENTION_DAYS = 14;
/** Market API results: a page says they "typically expire after 24 hours"; no more is promised (§11). */
export const MARKET_RESULT_RETENTION_HOURS = 24;
/** Uploaded files are deleted after 3 days (docs/kie-api.md §8). */
export const UPLOAD_RETENTION_DAYS = 3;
/** KIE gives a URL upload 30 s and takes about 100 MB at most (docs/kie-api.md §8). */
export const URL_UPLOAD_SECONDS = 30;
export const URL_UPLOAD_MAX_MB = 100;
/** A link from KIE's download-url endpoint works for 20 minutes (docs/kie-api.md §7b). */
export const DOWNLOAD_LINK_MINUTES = 20;
/** KIE's recommended status polling interval. */
export const RECOMMENDED_POLL_SECONDS = 30;

const MB = 1024 * 1024;

/** "10 MB" for 10 * 1024 * 1024, as the hints quote the limits. */
export function megabytes(bytes: number): string {
	return `${bytes / MB} MB`;
}

// Runway Gen4 generate and extend (docs/kie-api.md §1, §3).
export const RUNWAY_PROMPT_MAX = 1800;
export const RUNWAY_ASPECT_RATIOS = ['16:9', '4:3', '1:1', '3:4', '9:16'] as const;
export const RUNWAY_QUALITIES = ['720p', '1080p'] as const;
export const RUNWAY_DURATIONS = [5, 10] as const;
export const RUNWAY_IMAGE_MAX_BYTES = 10 * MB;

// Runway Aleph (docs/kie-api.md §4).
export const ALEPH_ASPECT_RATIOS = ['16:9', '9:16', '4:3', '3:4', '1:1', '21:9'] as const;
/** The input video may be at most 10 MB; only its first 5 s are processed. */
export const ALEPH_VIDEO_MAX_BYTES = 10 * MB;
export const ALEPH_VIDEO_SECONDS_USED = 5;
/** KIE recommends 1-20 characters for Aleph's watermark: a recommendation, not a limit it states. */
export const ALEPH_WATERMARK_RECOMMENDED_MAX = 20;

// Luma Modify (docs/kie-api.md §5): MP4, MOV or AVI, at most 500 MB and 10 seconds.
export const LUMA_VIDEO_MAX_BYTES = 500 * MB;
export const LUMA_VIDEO_MAX_SECONDS = 10;
