export { type Actor, ANYONE, actorOf, LOCAL_ADMIN, requireWrite, runsInstallation } from "./access.js";
export {
  createCommitment,
  deleteCommitment,
  getCommitment,
  listCommitments,
  pageCommitments,
  updateCommitment,
} from "./commitments.js";
export { computedOnce, dataVersion } from "./computed.js";
export {
  commitmentCounts,
  nationalCurve,
  type RegionFigures,
  regionFigures,
  silentEntries,
} from "./coordinator.js";
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
  pageDocuments,
  updateDocument,
} from "./documents.js";
export { RolloutError } from "./errors.js";
export { IMPORT_HEADERS, type ImportCount, type ImportKind, type ImportReach, importCsv } from "./import.js";
export * from "./model.js";
export {
  BASELINE_DAYS,
  deleteNoise,
  getNoise,
  listNoise,
  type NoiseDay,
  pageNoise,
  type RegionNoise,
  recordHelpFormNoise,
  recordNoise,
  updateNoise,
  WATCH_DAYS,
} from "./noise.js";
export { createOrg, deleteOrg, getOrg, listOrgs, orgNames, pageOrgs, updateOrg } from "./orgs.js";
export {
  DEFAULT_PAGE_SIZE,
  EVERYTHING,
  type FilterName,
  MAX_PAGE_SIZE,
  type Page,
  type PageRequest,
  pageRequest,
} from "./paging.js";
export { createPerson, deletePerson, getPerson, listPeople, pagePeople, updatePerson } from "./people.js";
export {
  type CommitmentStatus,
  commitmentStatus,
  type NationalPoint,
  nationalSeries,
  type Silence,
  silentReporters,
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
  pageCalendar,
  pageRegions,
  setCalendarEntry,
} from "./regions.js";
export {
  enterReport,
  getReport,
  listReports,
  pageReports,
  publishReport,
  standingReports,
} from "./reports.js";
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
  type CoordinatorView,
  coordinatorView,
  type OrganisationPages,
  type OrganisationView,
  organisationView,
  type ProgrammeOrganisation,
  type ProgrammePage,
  type ProgrammeView,
  programmePage,
  programmeView,
  SILENT_SHOWN,
  type TimelineEntry,
} from "./views.js";
