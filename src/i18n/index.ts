export { fromAcceptLanguage } from "./accept-language.js";
export { Catalogues, overrideFile, SHIPPED_CATALOGUES } from "./catalogues.js";
export {
  isLanguage,
  LANGUAGE_NAMES,
  LANGUAGES,
  type Language,
  languageOf,
  REFERENCE_LANGUAGE,
} from "./languages.js";
export { type Catalogue, type MessageId, Messages, type Plain } from "./messages.js";
export { placeholdersOf } from "./placeholders.js";
