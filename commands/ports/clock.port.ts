/** Time as the core sees it; injected so tests and renderers never read the real clock. */
export interface Clock {
  now(): Date;
}
