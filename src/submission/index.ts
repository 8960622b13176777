export { parseMailbox, parseSenderPattern, senderMatches } from "./address.js";
export {
  type AuthConfig,
  Authenticator,
  BackendUnavailableError,
  createAuthenticator,
  importedHashProblem,
  parsePasswdFile,
} from "./auth/index.js";
export {
  type AttemptRefusal,
  AuthLockout,
  DEFAULT_MAX_IN_FLIGHT_PER_CLIENT,
  isRefusal,
  type LockoutPolicy,
  type LoginAttempt,
} from "./auth-lockout.js";
export {
  type CheckLane,
  CheckScheduler,
  type CheckSchedulerOptions,
  DEFAULT_CHECK_SCHEDULER,
} from "./check-scheduler.js";
export {
  defaultSubmissionConfig,
  type SubmissionConfig,
  submissionConfigSchema,
} from "./config.js";
export { type Delivery, type DeliveryOptions, startDelivery } from "./delivery.js";
export { deliveryHolder, type OwnedDelivery, startOwnedDelivery } from "./delivery-owner.js";
export {
  DELIVERY_OUTCOMES,
  type DeliveryOutcome,
  REJECTION_REASONS,
  type RejectionReason,
  SubmissionMetrics,
} from "./metrics.js";
export { type MetricsEndpoint, serveMetrics } from "./metrics-endpoint.js";
export { type QueueManager, type QueueThreadSettings, startQueueManager } from "./queue-manager.js";
export { type SubmissionOptions, type SubmissionService, startSubmission } from "./server.js";
export {
  type Envelope,
  type IndexEntry,
  type RecipientState,
  Spool,
  type SpooledMessage,
  type SpooledRecipient,
  type SpoolWriter,
  WHOLE_LIMIT,
} from "./spool.js";
export { type Certificate, loadCertificate } from "./tls.js";
export {
  type AccountHold,
  type ImportedAccount,
  maySendAs,
  type StoredCredentials,
  type SubmissionUser,
  UserStore,
} from "./users.js";
