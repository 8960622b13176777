import type { MessageId } from "../i18n/index.js";
import type { WebContext } from "./context.js";
import { type Html, html } from "./html.js";
import type { PageText } from "./page-text.js";

/** What every guide tells the subscriber to type. */
export interface SubmissionSettings {
  readonly host: string;
  readonly port: number;
  readonly tlsPort: number;
}

export interface Guide {
  readonly slug: string;
  readonly title: MessageId;
  /** Each step's message; `{fields}` and `{ifPortFails}` in them take the settings. */
  readonly steps: readonly MessageId[];
}

export function submissionSettings(context: WebContext): SubmissionSettings {
  return {
    host: context.submissionHost,
    port: context.config.submission_port,
    tlsPort: context.config.submission_tls_port,
  };
}

// Ports go in as text: as numbers the message would group their digits (2.587).
const serverFields = (text: PageText, s: SubmissionSettings) =>
  html`<dl class="settings">
<dt>${text.t("guide.field.server")}</dt><dd><code>${s.host}</code></dd>
<dt>${text.t("guide.field.port")}</dt><dd><code>${s.port}</code></dd>
<dt>${text.t("guide.field.security")}</dt><dd>STARTTLS</dd>
<dt>${text.t("guide.field.userName")}</dt><dd>${text.t("guide.field.userNameValue")}</dd>
<dt>${text.t("guide.field.password")}</dt><dd>${text.t("guide.field.passwordValue")}</dd>
</dl>`;

/** A guide's steps in the visitor's language, with the settings filled in. */
export function guideSteps(text: PageText, guide: Guide, s: SubmissionSettings): Html[] {
  const values = {
    fields: serverFields(text, s),
    ifPortFails: text.t("guide.ifPortFails", { port: String(s.tlsPort) }),
  };
  return guide.steps.map((step) => text.t(step, values));
}

/**
 * Step-by-step guides for moving a mail program from port 25 to the submission port, for people
 * who have never opened their mail settings. Menu names are the programs' own, in each language.
 */
export const GUIDES: readonly Guide[] = [
  {
    slug: "thunderbird",
    title: "guide.thunderbird.title",
    steps: [
      "guide.thunderbird.1",
      "guide.thunderbird.2",
      "guide.thunderbird.3",
      "guide.thunderbird.4",
      "guide.thunderbird.5",
    ],
  },
  {
    slug: "outlook",
    title: "guide.outlook.title",
    steps: ["guide.outlook.1", "guide.outlook.2", "guide.outlook.3", "guide.outlook.4", "guide.outlook.5"],
  },
  {
    slug: "apple-mail",
    title: "guide.appleMail.title",
    steps: [
      "guide.appleMail.1",
      "guide.appleMail.2",
      "guide.appleMail.3",
      "guide.appleMail.4",
      "guide.appleMail.5",
    ],
  },
  {
    slug: "android",
    title: "guide.android.title",
    steps: ["guide.android.1", "guide.android.2", "guide.android.3", "guide.android.4"],
  },
  {
    slug: "ios",
    title: "guide.ios.title",
    steps: ["guide.ios.1", "guide.ios.2", "guide.ios.3", "guide.ios.4"],
  },
];
