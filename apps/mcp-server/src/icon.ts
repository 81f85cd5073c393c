// The product's icon (the sandbox's assets/cappi.svg) as a data: URI: clients show it next to the server's name.
// Inline, so that no client has to fetch anything from the network to show it.
import type { Icon } from '@modelcontextprotocol/sdk/types.js';

const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64" fill="none"><rect x="2" y="2" width="60" height="60" rx="14" fill="#6D28D9"/><path d="M41 21.5A14 14 0 1 0 41 42.5" stroke="#FFFFFF" stroke-width="6" stroke-linecap="round"/><path d="M36 32h14M43 25l7 7-7 7" stroke="#FDE68A" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"/></svg>';

export const SERVER_ICONS: Icon[] = [
  {
    src: `data:image/svg+xml;base64,${Buffer.from(SVG).toString('base64')}`,
    mimeType: 'image/svg+xml',
    sizes: ['any'],
  },
];
