import * as z from "zod";

/**
 * Name shapes Azure ML accepts, checked before a name is used in a request path so a typo gets a clear
 * message instead of an opaque 404 (and nothing odd ever reaches a URL).
 */
export const ENDPOINT_NAME = /^[A-Za-z][A-Za-z0-9-]{1,30}[A-Za-z0-9]$/;
export const DEPLOYMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

export const endpointName = z
  .string()
  .regex(ENDPOINT_NAME, "Endpoint names are 3–32 letters, digits or hyphens, starting with a letter.");

export const deploymentName = z
  .string()
  .regex(DEPLOYMENT_NAME, "Deployment names are 1–32 letters, digits, hyphens or underscores.");
