import { app } from "@azure/functions";
import { healthHandler } from "./health.handler.js";

app.http("health", { route: "health", methods: ["GET"], authLevel: "anonymous", handler: healthHandler });
