import { hostname } from "node:os";
import { z } from "zod";
import { endpointSchema } from "../core/index.js";

const count = z.number().int().positive();

/**
 * The `honeypot:` section of porteiro.yaml. Listeners default to unprivileged loopback ports;
 * `null` turns one off. Every bound has a default that keeps one sensor within a small VM.
 */
export const honeypotConfigSchema = z
  .strictObject({
    /** Names this sensor in every capture, so captures from many sensors can be merged. */
    name: z.string().min(1).optional(),
    /** The sensor's own country (ISO 3166-1 alpha-2): abuse from elsewhere counts as "abroad". */
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, "expected a two-letter country code")
      .transform((c) => c.toUpperCase())
      .optional(),
    /** Banner name of the open relay listener (proxied sessions use the requested host's name). */
    hostname: z.string().min(1).optional(),
    http: endpointSchema.nullable().prefault("127.0.0.1:8080"),
    socks: endpointSchema.nullable().prefault("127.0.0.1:1080"),
    smtp: endpointSchema.nullable().prefault("127.0.0.1:2525"),
    limits: z
      .strictObject({
        sessions: count.default(2000),
        sessions_per_source: count.default(50),
        message_bytes: count.default(1024 * 1024),
        session_bytes: count.default(10 * 1024 * 1024),
        recipients_per_message: count.default(100),
        session_seconds: count.default(600),
        idle_seconds: count.default(60),
        /** Stored message bodies; past it the oldest bodies are deleted (their metadata stays). */
        disk_quota_mb: count.default(1024),
      })
      .prefault({}),
  })
  .prefault({});

export type HoneypotConfig = z.output<typeof honeypotConfigSchema>;
export type HoneypotLimits = HoneypotConfig["limits"];

export function defaultHoneypotConfig(): HoneypotConfig {
  return honeypotConfigSchema.parse(undefined);
}

/** The sensor's name when the config gives none: the machine's host name. */
export function sensorName(config: HoneypotConfig): string {
  return config.name ?? hostname();
}
