import { app } from "@azure/functions";
import { slackEventsHandler } from "./slack-events.handler.js";

app.http("slackEvents", { route: "slack/events", methods: ["POST"], authLevel: "anonymous", handler: slackEventsHandler });
