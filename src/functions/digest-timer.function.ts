import { app } from "@azure/functions";
import { digestTimerHandler } from "./digest-timer.handler.js";

// Every minute, on the minute (NCRONTAB: second minute hour day month weekday, UTC). Schedules are in each
// subscription's own time zone, so the timer itself never deals with DST. Not on start-up: a deployment or a
// scale-out would otherwise run it at an arbitrary second (harmless thanks to the claims, but pointless).
app.timer("digestTimer", { schedule: "0 * * * * *", runOnStartup: false, handler: digestTimerHandler });
