import { z } from "zod";

/** The `campaigns:` section of porteiro.yaml: who notices come from and how fast they go. */
export const campaignsConfigSchema = z
  .strictObject({
    /** The notices' From: and envelope sender; bounces come back here. */
    from: z.email().optional(),
    /** Notices queued per minute; 0 queues them as fast as porteiro can. */
    per_minute: z.number().int().min(0).default(60),
    /** Days after a notice before a subscriber still on port 25 gets a reminder (0: as soon as seen). */
    reminder_days: z.number().int().min(0).default(7),
    /** The language of a subscriber whose own is unknown or has no templates. */
    default_language: z.enum(["pt-BR", "es", "en"]).default("pt-BR"),
  })
  .prefault({});

export type CampaignsConfig = z.infer<typeof campaignsConfigSchema>;
