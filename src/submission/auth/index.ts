export { Authenticator, type SenderRule } from "./authenticator.js";
export { type AuthBackend, BackendUnavailableError, type VerifiedLogin } from "./backend.js";
export { type AuthConfig, authConfigSchema } from "./config.js";
export { createAuthenticator } from "./create.js";
export { CredentialCache } from "./credential-cache.js";
export { HashPool } from "./hash-pool.js";
export { parsePasswdFile } from "./passwd-file.js";
export { importedHashProblem } from "./password-schemes.js";
