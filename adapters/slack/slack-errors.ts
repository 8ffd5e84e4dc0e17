/**
 * The Slack adapter's coded errors: classes of the one hierarchy in commands/errors.ts (codes
 * `aml_chatops_slack_*`), re-exported here for the adapter's modules. `asSlackCodedError` is `asCodedError`:
 * anything unknown becomes an `UnknownError`.
 */
export {
  SlackAuthenticityError,
  SlackDeliveryError,
  SlackMultipleAckError,
  SlackRequestBodyError,
  asCodedError as asSlackCodedError,
} from "../../commands/errors.js";
