export { type Bounce, importBounces, parseDsn } from "./bounces.js";
export { composeNotice, type NoticeEnvelope } from "./compose.js";
export { type CampaignsConfig, campaignsConfigSchema } from "./config.js";
export {
  campaignFunnel,
  type FunnelRow,
  firstNoticeAt,
  openNotices,
  type SeenOn25,
  settleNotices,
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
export {
  type NoticeSettings,
  recordMembers,
  type SendOptions,
  type SendResult,
  sendCampaign,
} from "./send.js";
export {
  NOTICE_KINDS,
  NOTICE_LANGUAGES,
  type NoticeKind,
  type NoticeLanguage,
  NoticeTemplates,
  noticeLanguage,
  type RenderedNotice,
} from "./templates.js";
