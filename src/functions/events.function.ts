import { app } from "@azure/functions";
import { eventsHandler } from "./events.handler.js";

// authLevel anonymous: with "function" the host would take `?code=` as a function key; the bridge checks the
// delivery secret against AML_EVENTS_SECRET instead, in constant time. OPTIONS is the CloudEvents handshake.
app.http("events", { route: "events", methods: ["POST", "OPTIONS"], authLevel: "anonymous", handler: eventsHandler });
