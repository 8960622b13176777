export { type Actor, ANYONE, actorOf, LOCAL_ADMIN, requireWrite, runsInstallation } from "./access.js";
export {
  createCommitment,
  deleteCommitment,
  getCommitment,
  listCommitments,
  updateCommitment,
} from "./commitments.js";
export {
  type DemoRegion,
  type RolloutDemo,
  type RolloutDemoOptions,
  seedRolloutDemo,
  slugOf,
} from "./demo.js";
export {
  createDocument,
  deleteDocument,
  documentFile,
  getDocument,
  listDocuments,
  updateDocument,
} from "./documents.js";
export { RolloutError } from "./errors.js";
export * from "./model.js";
export {
  BASELINE_DAYS,
  deleteNoise,
  getNoise,
  listNoise,
  type NoiseDay,
  type RegionNoise,
  recordHelpFormNoise,
  recordNoise,
  updateNoise,
  WATCH_DAYS,
} from "./noise.js";
export { createOrg, deleteOrg, getOrg, listOrgs, updateOrg } from "./orgs.js";
export { createPerson, deletePerson, getPerson, listPeople, updatePerson } from "./people.js";
export {
  type CommitmentStatus,
  commitmentStatus,
  type NationalPoint,
  nationalSeries,
  type Silence,
} from "./progress.js";
export {
  type Accepted,
  CLOCK_WINDOW_MS,
  isSignedPush,
  receivePush,
  type SignedBody,
  type SignedPush,
} from "./push-receive.js";
export { computeMeasures, signPush } from "./push-report.js";
export { reportsUrl, sendPush } from "./push-send.js";
export {
  createRegion,
  deleteCalendarEntry,
  deleteRegion,
  listCalendar,
  listRegions,
  setCalendarEntry,
} from "./regions.js";
export { enterReport, getReport, listReports, publishReport } from "./reports.js";
export { MAX_DOCUMENT_BYTES, type MeasuresInput } from "./schemas.js";
export { changeSettings, type ProgrammeSettings, readSettings, readSettingsAs } from "./settings.js";
export {
  canonicalJson,
  generateSigningKeys,
  keyFingerprint,
  normalizePublicKey,
  readPrivateKey,
  signBody,
  verifyBody,
} from "./signing.js";
export { type PublicRecord, publicDocumentFile, publicRecord } from "./transparency.js";
export {
  type OrganisationView,
  organisationView,
  type ProgrammeView,
  programmeView,
  type TimelineEntry,
} from "./views.js";
