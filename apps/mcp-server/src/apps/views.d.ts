// The views' HTML, each with its script bundled in: made by scripts/bundle.mjs (esbuild) when the server is built.
declare module 'cappi:views' {
  /** The order card: a quote with Confirm / Cancel, then the order's tracker (views/order.html + views/order.ts). */
  export const orderView: string;
}
