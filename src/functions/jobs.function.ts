import { app } from "@azure/functions";
import { jobsHandler } from "./jobs.handler.js";

// `%AML_JOB_QUEUE%` is resolved from app settings by the host; the connection is AzureWebJobsStorage
// (a connection string, or identity-based `AzureWebJobsStorage__queueServiceUri` with the managed identity).
app.storageQueue("jobs", { queueName: "%AML_JOB_QUEUE%", connection: "AzureWebJobsStorage", handler: jobsHandler });
