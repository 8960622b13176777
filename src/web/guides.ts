import type { WebContext } from "./context.js";
import { type Html, html } from "./html.js";

/** What every guide tells the subscriber to type. */
export interface SubmissionSettings {
  readonly host: string;
  readonly port: number;
  readonly tlsPort: number;
}

export interface Guide {
  readonly slug: string;
  readonly title: string;
  readonly steps: (settings: SubmissionSettings) => Html[];
}

export function submissionSettings(context: WebContext): SubmissionSettings {
  return {
    host: context.submissionHost,
    port: context.config.submission_port,
    tlsPort: context.config.submission_tls_port,
  };
}

const serverFields = (s: SubmissionSettings) =>
  html`<dl class="settings">
<dt>Server</dt><dd><code>${s.host}</code></dd>
<dt>Port</dt><dd><code>${s.port}</code></dd>
<dt>Security</dt><dd>STARTTLS</dd>
<dt>User name</dt><dd>your full e-mail address</dd>
<dt>Password</dt><dd>your e-mail password</dd>
</dl>`;

const ifPortFails = (s: SubmissionSettings) =>
  html`If sending still fails, try port <code>${s.tlsPort}</code> with security <strong>SSL/TLS</strong> instead.`;

/**
 * Step-by-step guides for moving a mail program from port 25 to the submission port, for people
 * who have never opened their mail settings. Menu names are the programs' own.
 */
export const GUIDES: readonly Guide[] = [
  {
    slug: "thunderbird",
    title: "Thunderbird",
    steps: (s) => [
      html`Open Thunderbird. Click the menu button (three lines, top right) and choose <strong>Account Settings</strong>.`,
      html`In the list on the left, scroll down and click <strong>Outgoing Server (SMTP)</strong>.`,
      html`Click your server in the list, then click <strong>Edit…</strong>.`,
      html`Fill in: ${serverFields(s)} Set <strong>Authentication method</strong> to <strong>Normal password</strong>.`,
      html`Click <strong>OK</strong>, then send yourself a test message. ${ifPortFails(s)}`,
    ],
  },
  {
    slug: "outlook",
    title: "Outlook for Windows",
    steps: (s) => [
      html`Open Outlook. Click <strong>File</strong>, then <strong>Account Settings</strong>, then <strong>Account Settings…</strong> again.`,
      html`Click your e-mail account once, then click <strong>Change…</strong> (or <strong>Repair</strong> in newer versions, then <strong>Advanced options</strong> and <strong>Let me repair my account manually</strong>).`,
      html`Open <strong>Outgoing mail</strong> (in older versions: <strong>More Settings…</strong>, tab <strong>Advanced</strong>).`,
      html`Fill in: ${serverFields(s)} Tick <strong>My outgoing (SMTP) server requires authentication</strong> and choose <strong>Use same settings as my incoming mail server</strong>.`,
      html`Click <strong>OK</strong> or <strong>Next</strong>, then <strong>Done</strong>, and send yourself a test message. ${ifPortFails(s)}`,
    ],
  },
  {
    slug: "apple-mail",
    title: "Apple Mail on a Mac",
    steps: (s) => [
      html`Open Mail. In the menu bar click <strong>Mail</strong>, then <strong>Settings…</strong> (or <strong>Preferences…</strong>), then <strong>Accounts</strong>.`,
      html`Click your account on the left, then the <strong>Server Settings</strong> tab.`,
      html`Under <strong>Outgoing Mail Server (SMTP)</strong>, untick <strong>Automatically manage connection settings</strong>.`,
      html`Fill in: ${serverFields(s)} Make sure <strong>Use TLS/SSL</strong> is ticked and <strong>Authentication</strong> is <strong>Password</strong>.`,
      html`Click <strong>Save</strong> and send yourself a test message. ${ifPortFails(s)}`,
    ],
  },
  {
    slug: "android",
    title: "Android phones and tablets",
    steps: (s) => [
      html`Open your mail app. In Gmail: tap your picture (top right), then <strong>Manage accounts on this device</strong>; in Samsung Email: tap the menu (three lines), then the gear.`,
      html`Tap your e-mail account, then <strong>Server settings</strong> (in Gmail: <strong>Outgoing settings</strong>).`,
      html`Fill in: ${serverFields(s)}`,
      html`Tap <strong>Done</strong> or <strong>Save</strong>; the app checks the settings. Then send yourself a test message. ${ifPortFails(s)}`,
    ],
  },
  {
    slug: "ios",
    title: "iPhone and iPad",
    steps: (s) => [
      html`Open <strong>Settings</strong>, then <strong>Apps</strong> (on older versions skip this), then <strong>Mail</strong>, then <strong>Mail Accounts</strong> (or <strong>Accounts</strong>).`,
      html`Tap your account, then tap the account again (your address), then <strong>SMTP</strong> under <strong>Outgoing Mail Server</strong>.`,
      html`Tap the primary server and fill in: ${serverFields(s)} Turn <strong>Use SSL</strong> on; <strong>Authentication</strong>: <strong>Password</strong>.`,
      html`Tap <strong>Done</strong>, go back, and send yourself a test message. ${ifPortFails(s)}`,
    ],
  },
];
