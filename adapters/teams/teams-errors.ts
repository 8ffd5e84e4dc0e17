/**
 * The Teams adapter's coded errors: classes of the one hierarchy in commands/errors.ts (codes
 * `aml_chatops_teams_*`), re-exported here for the adapter's modules.
 */
export { TeamsAuthenticationError, TeamsRequestBodyError } from "../../commands/errors.js";
