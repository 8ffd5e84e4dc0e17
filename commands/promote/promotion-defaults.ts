/**
 * The config's defaults for `aml promote` (`policy.promotions`): steps and gates in the command's own grammar, so a
 * plan reads the same in the config file, on a card and in a command. Validated at start-up by parsing them.
 */
export interface PromotionDefaults {
  readonly workspace: string;
  /** Only these endpoints; the whole workspace when absent (a rule naming the endpoint wins). */
  readonly endpoints?: readonly string[];
  /** `mirror 10% 15m, 10% 15m, 50% 30m, 100%` */
  readonly steps?: string;
  /** `p99 <= 1.2x, 5xx <= 1%` */
  readonly gates?: string;
  /** Fewest candidate requests in a step's window for a verdict (default 20). */
  readonly minRequests?: number;
  /** How long an inconclusive step may wait in all, as a multiple of its hold, before it pauses (default 1). */
  readonly maxExtensions?: number;
  /** `--retire`: minutes the old deployments soak at 0 % before they go (default 30). */
  readonly soakMinutes?: number;
}
