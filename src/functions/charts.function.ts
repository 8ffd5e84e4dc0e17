import { app } from "@azure/functions";
import { chartsHandler } from "./charts.handler.js";

// authLevel anonymous: Teams clients load the picture without credentials; the unguessable id is the capability.
app.http("charts", { route: "charts/{id}", methods: ["GET"], authLevel: "anonymous", handler: chartsHandler });
