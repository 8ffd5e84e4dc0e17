import type { AnyVerb } from "../verb-spec.js";
import { alertsVerb } from "./alerts.verb.js";
import { approveVerb, modelButtonVerbs, nextStepButtonVerbs, rejectVerb } from "./apply.verb.js";
import { approvalsVerb, policyVerb } from "./approvals.verb.js";
import { auditVerb } from "./audit.verb.js";
import { curlVerb } from "./curl.verb.js";
import { deleteVerb } from "./delete.verb.js";
import { deployVerb, modelsVerb } from "./deploy.verb.js";
import { digestVerb } from "./digest.verb.js";
import { doctorVerb } from "./doctor.verb.js";
import { endpointVerb } from "./endpoint.verb.js";
import { endpointsVerb } from "./endpoints.verb.js";
import { freezeVerb } from "./freeze.verb.js";
import { freezesVerb } from "./freezes.verb.js";
import { invokeVerb } from "./invoke.verb.js";
import { keysVerb } from "./keys.verb.js";
import { metricsVerb } from "./metrics.verb.js";
import { mirrorVerb } from "./mirror.verb.js";
import { promoteVerb, promotionButtonVerbs, promotionsVerb, promotionVerb } from "./promote.verb.js";
import { revertVerb } from "./revert.verb.js";
import { sampleVerb } from "./sample.verb.js";
import { scaleVerb } from "./scale.verb.js";
import { showVerb } from "./show.verb.js";
import { trafficVerb } from "./traffic.verb.js";
import { unfreezeVerb } from "./unfreeze.verb.js";
import { useVerb } from "./use.verb.js";

/** Every verb, in the order help lists them. */
export function allVerbs(): AnyVerb[] {
  // Revert looks verbs up by name (the change kind of what it undoes), so it is built with the list it is in.
  const revert = revertVerb((name) => verbs.find((v) => v.name === name));
  const verbs: AnyVerb[] = [endpointsVerb, showVerb, trafficVerb, mirrorVerb, scaleVerb, revert, modelsVerb, deployVerb, promoteVerb, promotionVerb, promotionsVerb, deleteVerb, endpointVerb, keysVerb, approvalsVerb, approveVerb, rejectVerb, policyVerb, freezeVerb, unfreezeVerb, freezesVerb, metricsVerb, digestVerb, invokeVerb, curlVerb, sampleVerb, useVerb, alertsVerb, auditVerb, doctorVerb, ...nextStepButtonVerbs, ...promotionButtonVerbs, ...modelButtonVerbs];
  return verbs;
}
