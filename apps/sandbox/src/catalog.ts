import type { components } from './generated/schema.js';
import { rateToMicros } from './money.js';
import { createRandom, pick, type Random, randomInt } from './random.js';

export type Service = components['schemas']['Service'];

/** A service as the sandbox knows it: what the API lists, plus what the server keeps to itself. */
export interface CatalogEntry {
  /** Exactly what /ServicesList sends for this service. */
  service: Service;
  /** Price per unit in micro-dollars. Kept even when `service.rate` is hidden, since the server still charges. */
  rateMicros: number;
  /** The order's `mode` in /OrderStatus, e.g. "Workshop_Follower". */
  mode: string;
}

interface Kind {
  /** Words after the platform in the name: "Instagram Followers ...". */
  noun: string;
  mode: string;
  /** Base price per unit in USD, before qualifiers. */
  rate: [low: number, high: number];
  mins: readonly number[];
  maxes: readonly number[];
  /** What the link must point to, for the description. */
  link: string;
}

interface Platform {
  category: string;
  /** How often the platform appears, relative to the others (real panels are mostly Instagram and TikTok). */
  weight: number;
  kinds: readonly Kind[];
}

const SMALL_MAX = [100, 500, 1000, 5000] as const;
const MID_MAX = [1000, 5000, 10000, 20000, 50000] as const;
const BIG_MAX = [10000, 50000, 100000] as const;

function kind(noun: string, mode: string, rate: [number, number], size: 'few' | 'some' | 'many', link: string): Kind {
  if (size === 'few') return { noun, mode, rate, mins: [1, 10], maxes: SMALL_MAX, link };
  if (size === 'some') return { noun, mode, rate, mins: [10, 50, 100], maxes: MID_MAX, link };
  return { noun, mode, rate, mins: [50, 100], maxes: BIG_MAX, link };
}

const STEAM_ITEMS = 'SharedFiles/Screenshots/Guides/Workshop';

const PLATFORMS: readonly Platform[] = [
  {
    category: 'Steam',
    weight: 5,
    kinds: [
      kind(`Like ${STEAM_ITEMS}`, 'Workshop_Like', [0.01, 0.05], 'few', 'the Steam item page'),
      kind(`Favorite ${STEAM_ITEMS}`, 'Workshop_Favorite', [0.01, 0.06], 'few', 'the Steam item page'),
      kind('Workshop Followers', 'Workshop_Follower', [0.02, 0.08], 'few', 'the Steam profile'),
      kind('Workshop Subscribers', 'Workshop_Subscriber', [0.01, 0.05], 'some', 'the Workshop item'),
      kind('Group Members', 'Group_Member', [0.02, 0.1], 'few', 'the Steam group'),
      kind('Profile Comments', 'Profile_Comment', [0.1, 0.5], 'few', 'the Steam profile'),
    ],
  },
  {
    category: 'Instagram',
    weight: 20,
    kinds: [
      kind('Followers', 'Instagram_Follower', [0.0012, 0.012], 'some', 'the public profile'),
      kind('Likes', 'Instagram_Like', [0.0008, 0.006], 'some', 'the public post'),
      kind('Reels Views', 'Instagram_View', [0.0008, 0.002], 'many', 'the Reel'),
      kind('Story Views', 'Instagram_Story_View', [0.0008, 0.003], 'many', 'the public profile'),
      kind('Comments', 'Instagram_Comment', [0.05, 0.4], 'few', 'the public post'),
      kind('Saves', 'Instagram_Save', [0.0008, 0.004], 'some', 'the public post'),
      kind('Shares', 'Instagram_Share', [0.001, 0.005], 'some', 'the public post'),
    ],
  },
  {
    category: 'TikTok',
    weight: 18,
    kinds: [
      kind('Followers', 'TikTok_Follower', [0.002, 0.015], 'some', 'the public profile'),
      kind('Likes', 'TikTok_Like', [0.0008, 0.005], 'some', 'the video'),
      kind('Views', 'TikTok_View', [0.0008, 0.0015], 'many', 'the video'),
      kind('Shares', 'TikTok_Share', [0.001, 0.004], 'some', 'the video'),
      kind('Saves', 'TikTok_Save', [0.001, 0.004], 'some', 'the video'),
      kind('Live Stream Views [15 Minutes]', 'TikTok_Live_View', [0.01, 0.06], 'few', 'the live stream'),
    ],
  },
  {
    category: 'YouTube',
    weight: 14,
    kinds: [
      kind('Subscribers', 'YouTube_Subscriber', [0.01, 0.06], 'some', 'the channel'),
      kind('Views', 'YouTube_View', [0.001, 0.006], 'many', 'the video'),
      kind('Likes', 'YouTube_Like', [0.002, 0.012], 'some', 'the video'),
      kind('Watch Time [Hours]', 'YouTube_Watch_Time', [0.05, 0.5], 'few', 'a video longer than 60 minutes'),
      kind('Comments', 'YouTube_Comment', [0.05, 0.35], 'few', 'the video'),
      kind('Shorts Views', 'YouTube_Shorts_View', [0.0008, 0.003], 'many', 'the Short'),
    ],
  },
  {
    category: 'Telegram',
    weight: 10,
    kinds: [
      kind('Channel Members', 'Telegram_Member', [0.002, 0.02], 'some', 'the public channel (t.me/...)'),
      kind('Post Views', 'Telegram_View', [0.0008, 0.002], 'many', 'the post (t.me/channel/123)'),
      kind('Reactions', 'Telegram_Reaction', [0.001, 0.006], 'some', 'the post'),
      kind('Bot Starts', 'Telegram_Bot_Start', [0.005, 0.03], 'some', 'the bot (t.me/...bot)'),
    ],
  },
  {
    category: 'Twitter/X',
    weight: 8,
    kinds: [
      kind('Followers', 'Twitter_Follower', [0.005, 0.04], 'some', 'the profile'),
      kind('Likes', 'Twitter_Like', [0.002, 0.02], 'some', 'the post'),
      kind('Retweets', 'Twitter_Retweet', [0.003, 0.025], 'some', 'the post'),
      kind('Views', 'Twitter_View', [0.0008, 0.002], 'many', 'the post'),
      kind('Poll Votes', 'Twitter_Poll_Vote', [0.005, 0.03], 'some', 'the post with the poll'),
    ],
  },
  {
    category: 'Facebook',
    weight: 8,
    kinds: [
      kind('Page Likes', 'Facebook_Page_Like', [0.004, 0.03], 'some', 'the page'),
      kind('Page Followers', 'Facebook_Follower', [0.003, 0.025], 'some', 'the page'),
      kind('Post Likes', 'Facebook_Post_Like', [0.002, 0.015], 'some', 'the post'),
      kind('Video Views', 'Facebook_Video_View', [0.0008, 0.004], 'many', 'the video'),
      kind('Group Members', 'Facebook_Group_Member', [0.01, 0.05], 'some', 'the public group'),
    ],
  },
  {
    category: 'Spotify',
    weight: 5,
    kinds: [
      kind('Plays', 'Spotify_Play', [0.0009, 0.004], 'many', 'the track'),
      kind('Followers', 'Spotify_Follower', [0.001, 0.006], 'some', 'the artist or playlist'),
      kind('Monthly Listeners', 'Spotify_Listener', [0.002, 0.012], 'some', 'the artist'),
      kind('Saves', 'Spotify_Save', [0.001, 0.005], 'some', 'the track'),
    ],
  },
  {
    category: 'Twitch',
    weight: 4,
    kinds: [
      kind('Followers', 'Twitch_Follower', [0.002, 0.012], 'some', 'the channel'),
      kind('Live Viewers [1 Hour]', 'Twitch_Viewer', [0.02, 0.2], 'few', 'the channel'),
      kind('Clip Views', 'Twitch_Clip_View', [0.001, 0.004], 'many', 'the clip'),
    ],
  },
  {
    category: 'Discord',
    weight: 4,
    kinds: [
      kind('Server Members', 'Discord_Member', [0.01, 0.08], 'some', 'the permanent invite link'),
      kind('Online Members', 'Discord_Online_Member', [0.02, 0.12], 'few', 'the permanent invite link'),
      kind('Message Reactions', 'Discord_Reaction', [0.01, 0.05], 'few', 'the message link'),
    ],
  },
  {
    category: 'Reddit',
    weight: 3,
    kinds: [
      kind('Post Upvotes', 'Reddit_Upvote', [0.01, 0.08], 'few', 'the post'),
      kind('Community Members', 'Reddit_Member', [0.01, 0.06], 'some', 'the subreddit'),
    ],
  },
  {
    category: 'SoundCloud',
    weight: 3,
    kinds: [
      kind('Plays', 'SoundCloud_Play', [0.0008, 0.002], 'many', 'the track'),
      kind('Likes', 'SoundCloud_Like', [0.002, 0.01], 'some', 'the track'),
      kind('Followers', 'SoundCloud_Follower', [0.002, 0.012], 'some', 'the profile'),
    ],
  },
  {
    category: 'LinkedIn',
    weight: 2,
    kinds: [
      kind('Followers', 'LinkedIn_Follower', [0.02, 0.1], 'few', 'the profile or company page'),
      kind('Post Likes', 'LinkedIn_Like', [0.02, 0.1], 'few', 'the post'),
    ],
  },
  {
    category: 'Threads',
    weight: 2,
    kinds: [
      kind('Followers', 'Threads_Follower', [0.004, 0.02], 'some', 'the profile'),
      kind('Likes', 'Threads_Like', [0.002, 0.012], 'some', 'the post'),
    ],
  },
  {
    category: 'Kick',
    weight: 2,
    kinds: [
      kind('Followers', 'Kick_Follower', [0.003, 0.015], 'some', 'the channel'),
      kind('Live Viewers [30 Minutes]', 'Kick_Viewer', [0.02, 0.15], 'few', 'the channel'),
    ],
  },
  {
    category: 'Website Traffic',
    weight: 2,
    kinds: [
      kind('Visitors from Google', 'Traffic_Google', [0.0008, 0.003], 'many', 'the website'),
      kind('Visitors from Social Networks', 'Traffic_Social', [0.0008, 0.003], 'many', 'the website'),
    ],
  },
];

/** Words added after the noun, as panels do to tell near-identical services apart; each changes the price. */
const QUALIFIERS: readonly { text: string; priceFactor: number }[] = [
  { text: 'Real', priceFactor: 1.8 },
  { text: 'HQ', priceFactor: 1.4 },
  { text: 'Instant', priceFactor: 1.2 },
  { text: 'No Refill', priceFactor: 0.8 },
  { text: '30 Days Refill', priceFactor: 1.3 },
  { text: 'Lifetime Refill', priceFactor: 1.6 },
  { text: 'Non Drop', priceFactor: 1.5 },
  { text: 'Fast', priceFactor: 1.1 },
  { text: 'Slow & Steady', priceFactor: 0.9 },
  { text: 'USA', priceFactor: 2 },
  { text: 'Worldwide', priceFactor: 1 },
  { text: 'Brazil', priceFactor: 1.2 },
  { text: 'Arab', priceFactor: 1.3 },
  { text: 'Cheapest', priceFactor: 0.6 },
];

const DESCRIPTIONS: readonly ((link: string) => string)[] = [
  (link) => `Link: ${link}. Start: 0-1 hours. Speed: up to 5K per day.`,
  (link) => `Send the link to ${link}; it must be public. Start: 0-6 hours.`,
  (link) => `Link: ${link}. Do not place a second order for the same link until the first is completed.`,
  (link) => `Gradual delivery to ${link}. Drops may happen; refill within the guarantee period.`,
];

/** The vendor's own two example services (https://cappiservices.com/api/Reseller), kept verbatim so its examples work here. */
const VENDOR_EXAMPLES: readonly CatalogEntry[] = [
  {
    service: {
      service: 199825,
      category: 'Steam',
      name: `Steam Like ${STEAM_ITEMS} [Max: 100]`,
      rate: 0.012,
      min: 1,
      max: 100,
      desc: null,
    },
    rateMicros: 12_000,
    mode: 'Workshop_Like',
  },
  {
    service: {
      service: 199826,
      category: 'Steam',
      name: `Steam Favorite ${STEAM_ITEMS} [Max: 100]`,
      rate: 0.015,
      min: 1,
      max: 100,
      desc: 'description of the service or how to use it',
    },
    rateMicros: 15_000,
    mode: 'Workshop_Favorite',
  },
];

/** Share of services listed without a rate (the contract allows it; the server still charges). */
const HIDDEN_RATE_SHARE = 0.03;
const NULL_DESC_SHARE = 0.35;
/** Every service must cost at least one cent at its minimum quantity, as on a real panel. */
const MIN_ORDER_MICROS = 10_000;
/** Rates stay within what such panels charge per unit: 0.0008 to 0.5 USD. */
const MIN_RATE_MICROS = 800;
const MAX_RATE_MICROS = 500_000;

export const MIN_CATALOG_SIZE = VENDOR_EXAMPLES.length;

function formatMax(max: number): string {
  return max >= 1000 && max % 1000 === 0 ? `${max / 1000}K` : String(max);
}

function pickPlatform(random: Random): Platform {
  const total = PLATFORMS.reduce((sum, platform) => sum + platform.weight, 0);
  let roll = random() * total;
  for (const platform of PLATFORMS) {
    roll -= platform.weight;
    if (roll < 0) return platform;
  }
  return PLATFORMS[PLATFORMS.length - 1] as Platform;
}

function generateEntry(random: Random, id: number): CatalogEntry {
  const platform = pickPlatform(random);
  const { noun, mode, rate, mins, maxes, link } = pick(random, platform.kinds);
  const qualifiers = new Set<(typeof QUALIFIERS)[number]>();
  const qualifierCount = randomInt(random, 0, 2);
  while (qualifiers.size < qualifierCount) qualifiers.add(pick(random, QUALIFIERS));

  const min = pick(random, mins);
  const max = pick(
    random,
    maxes.filter((candidate) => candidate > min),
  );
  // Log-uniform between the kind's bounds: cheap services are common, expensive ones rare.
  const [low, high] = rate;
  const base = low * (high / low) ** random();
  const factor = [...qualifiers].reduce((product, qualifier) => product * qualifier.priceFactor, 1);
  const priced = Math.min(Math.max(Math.round(base * factor * 1_000_000), MIN_RATE_MICROS), MAX_RATE_MICROS);
  const rateMicros = Math.max(priced, Math.ceil(MIN_ORDER_MICROS / min));

  const name = [`${platform.category} ${noun}`, ...[...qualifiers].map((qualifier) => qualifier.text)].join(' | ');
  const desc = random() < NULL_DESC_SHARE ? null : pick(random, DESCRIPTIONS)(link);
  const service: Service = {
    service: id,
    category: platform.category,
    name: `${name} [Max: ${formatMax(max)}]`,
    min,
    max,
    desc,
  };
  if (random() >= HIDDEN_RATE_SHARE) service.rate = rateMicros / 1_000_000;
  return { service, rateMicros, mode };
}

/**
 * The catalog for a seed: the vendor's two examples followed by generated services with increasing ids.
 * Same seed and size, same catalog.
 */
export function generateCatalog(seed: number, size: number): CatalogEntry[] {
  if (!Number.isInteger(size) || size < MIN_CATALOG_SIZE) {
    throw new RangeError(`services must be an integer of at least ${MIN_CATALOG_SIZE}, got ${size}`);
  }
  const random = createRandom(seed, 'catalog');
  const entries = VENDOR_EXAMPLES.map((entry) => ({ ...entry, service: { ...entry.service } }));
  let id = 199826;
  while (entries.length < size) {
    // Gaps between ids, as on a panel where services come and go.
    id += randomInt(random, 1, 4);
    entries.push(generateEntry(random, id));
  }
  return entries;
}

/** The `mode` (shown by /OrderStatus) of a service added with setCatalog: the sandbox cannot guess a real one. */
export const ADDED_SERVICE_MODE = 'Custom';

/**
 * The entries for a catalog given by the user (setCatalog), already checked against the contract's ServicesList.
 * Adds what the contract cannot say: ids unique and orderable (>= 1), min <= max, a rate for a new service (the
 * sandbox must charge something). A service already known keeps its `mode` and, when listed without a rate, the
 * price it is charged at. Each service is copied (only the contract's fields), so the caller's objects stay theirs.
 */
export function catalogFromServices(
  services: readonly Service[],
  known: ReadonlyMap<number, CatalogEntry>,
): CatalogEntry[] {
  const seen = new Set<number>();
  return services.map((given, index) => {
    const at = `setCatalog: services[${index}]`;
    const { service: id, category, name, rate, min, max, desc } = given;
    if (id < 1) throw new RangeError(`${at}.service must be 1 or more (got ${id})`);
    if (seen.has(id)) throw new RangeError(`${at} repeats service ${id}`);
    seen.add(id);
    if (min > max) throw new RangeError(`${at}: min ${min} is above max ${max}`);
    const previous = known.get(id);
    const rateMicros = rate === undefined ? previous?.rateMicros : rateToMicros(rate);
    if (rateMicros === undefined) throw new RangeError(`${at}: the new service ${id} needs a rate`);
    const service: Service = { service: id, category, name, min, max };
    if (desc !== undefined) service.desc = desc;
    if (rate !== undefined) service.rate = rate;
    return { service, rateMicros, mode: previous?.mode ?? ADDED_SERVICE_MODE };
  });
}
