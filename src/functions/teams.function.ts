import { app } from "@azure/functions";
import { teamsMessagesHandler } from "./teams-messages.handler.js";

app.http("teamsMessages", { route: "teams/messages", methods: ["POST"], authLevel: "anonymous", handler: teamsMessagesHandler });
