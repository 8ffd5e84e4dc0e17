import { app } from "@azure/functions";
import { alertsHandler } from "./alerts.handler.js";

// authLevel anonymous: with "function" the host would take `?code=` as a function key; the secret is checked by
// the bridge against AML_ALERTS_SECRET instead, in constant time.
app.http("alerts", { route: "alerts", methods: ["POST"], authLevel: "anonymous", handler: alertsHandler });
