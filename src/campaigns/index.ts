export { type Bounce, importBounces, parseDsn } from "./bounces.js";
export { composeNotice, type NoticeEnvelope } from "./compose.js";
export { type CampaignsConfig, campaignsConfigSchema } from "./config.js";
export {
  campaignFollowUp,
  campaignFunnel,
  dueReminders,
  type FollowUpRow,
  type FunnelRow,
  firstNoticeAt,
  NO_TRAFFIC,
  openNotices,
  type SeenOn25,
  type SubmissionDay,
  settleNotices,
  type Traffic,
} from "./follow-up.js";
export {
  type ApartEntry,
  type CampaignPlan,
  type CampaignTarget,
  campaignName,
  type ExceptedSender,
  type PlanInput,
  planCampaign,
} from "./plan.js";
export { reminderPlan } from "./reminders.js";
export {
  type NoticeSettings,
  recordMembers,
  type SendOptions,
  type SendResult,
  sendCampaign,
} from "./send.js";
export { affectedSenders, campaignTraffic, trafficSince } from "./senders.js";
export {
  NOTICE_KINDS,
  NOTICE_LANGUAGES,
  type NoticeKind,
  type NoticeLanguage,
  NoticeTemplates,
  noticeLanguage,
  type RenderedNotice,
} from "./templates.js";
