import { readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, extname } from "node:path";
import { type Command, Option } from "commander";
import { type Day, UserError } from "../core/index.js";
import {
  createDocument,
  DOCUMENT_KINDS,
  deleteDocument,
  documentFile,
  getDocument,
  LOCAL_ADMIN,
  listDocuments,
  MAX_DOCUMENT_BYTES,
  type ProgrammeDocument,
  updateDocument,
} from "../rollout/index.js";
import { choiceOption, dayOption } from "./options.js";
import { type OutputFormat, printable } from "./output.js";
import {
  changeOf,
  example,
  formatOption,
  printList,
  recordId,
  visibility,
  visibilityOptions,
} from "./rollout-common.js";
import { type StoreOptions, storeOptions, withExistingStore, withStore } from "./store-options.js";

/** Media types of the files a programme's documents come as; another needs --type. */
const MEDIA_TYPES: Readonly<Record<string, string>> = {
  ".pdf": "application/pdf",
  ".html": "text/html",
  ".htm": "text/html",
  ".txt": "text/plain",
  ".odt": "application/vnd.oasis.opendocument.text",
  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
};

/** A file as the API takes it: its name, media type and base64 content. */
function fileInput(path: string, type: string | undefined) {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    throw new UserError(
      `${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  if (size > MAX_DOCUMENT_BYTES)
    throw new UserError(`${path}: larger than 5 MB, the most a document's file takes`);
  const mediaType = type ?? MEDIA_TYPES[extname(path).toLowerCase()];
  if (!mediaType) throw new UserError(`${path}: give its media type with --type (e.g. application/pdf)`);
  return { name: basename(path), type: mediaType, content_base64: readFileSync(path).toString("base64") };
}

const describe = (d: ProgrammeDocument) =>
  `document ${d.id}: ${d.kind} "${printable(d.title)}" of ${d.date}${d.org_id ? ` by ${d.org_id}` : ""}${
    d.file_name ? `, file ${printable(d.file_name)}` : ""
  }${d.public ? "" : " (private)"}`;

interface AddOptions extends StoreOptions {
  kind: string;
  title: string;
  date: Day;
  org?: string;
  link?: string;
  file?: string;
  type?: string;
  private?: boolean;
}

interface ChangeOptions extends StoreOptions {
  kind?: string;
  title?: string;
  date?: Day;
  org?: string | false;
  link?: string | false;
  public?: boolean;
  private?: boolean;
}

const kindOption = (help: string) =>
  new Option("--kind <kind>", `${help}: ${DOCUMENT_KINDS.join(", ")}`).argParser(
    choiceOption(DOCUMENT_KINDS),
  );

function registerAdd(document: Command): void {
  example(
    storeOptions(document.command("add")).description(
      "add a document of the programme: a link to it, its file (at most 5 MB), or both",
    ),
    'porteiro rollout document add --kind resolution --title "Resolution 1/2026" --date 2026-06-01 --file resolution.pdf --data coordinator',
  )
    .addOption(kindOption("what it is").makeOptionMandatory())
    .requiredOption("--title <title>", "its title")
    .requiredOption("--date <date>", "the day it was issued or signed", dayOption)
    .option("--org <id>", "the organisation that issued it (none: the whole programme's)")
    .option("--link <url>", "where it is published (http or https)")
    .option("--file <path>", "its file, stored in the data folder under its name")
    .option("--type <media-type>", "the file's media type (default from .pdf, .html, .txt, .odt, .docx)")
    .option("--private", "leave it off the public transparency page")
    .action((options: AddOptions) => {
      if (!options.link && !options.file) throw new UserError("give --link URL, --file PATH or both");
      const file = options.file ? fileInput(options.file, options.type) : undefined;
      const added = withStore(options, (store) =>
        createDocument(store, LOCAL_ADMIN, {
          kind: options.kind,
          title: options.title,
          date: options.date,
          org_id: options.org,
          link: options.link,
          file,
          public: !options.private,
        }),
      );
      process.stdout.write(`added ${describe(added)}\n`);
    });
}

function registerGet(document: Command): void {
  example(
    storeOptions(document.command("get")).description("write a document's stored file"),
    "porteiro rollout document get 1 --out resolution-copy.pdf --data coordinator",
  )
    .argument("<n>", "the document (porteiro rollout document list)", recordId)
    .option("--out <file>", "where to write it, - for standard output (default: its name, here)")
    .action((id: number, options: StoreOptions & { out?: string }) => {
      const file = withExistingStore(options, (store) => {
        const doc = getDocument(store, id);
        const stored = documentFile(store, LOCAL_ADMIN, id);
        if (!stored)
          throw new UserError(
            `document ${id} has no stored file${doc.link ? `; it links to ${printable(doc.link)}` : ""}`,
          );
        return stored;
      });
      if (options.out === "-") {
        process.stdout.write(file.content);
        return;
      }
      const out = options.out ?? file.name;
      try {
        writeFileSync(out, file.content, { flag: "wx" });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new UserError(
          code === "EEXIST" ? `${out} exists; give --out FILE` : `${out}: cannot write (${code})`,
        );
      }
      process.stdout.write(`wrote ${out} (${file.content.length} bytes, ${file.type})\n`);
    });
}

export function registerDocumentCommands(rollout: Command): void {
  const document = example(
    rollout.command("document"),
    "porteiro rollout document list --data coordinator",
  ).description("the programme's documents: resolutions, technical notes, agreements");
  registerAdd(document);
  example(
    storeOptions(document.command("list")).description("list the documents, by date"),
    "porteiro rollout document list --format json --data coordinator",
  )
    .addOption(formatOption())
    .action((options: StoreOptions & { format: OutputFormat }) => {
      const rows = withExistingStore(options, (store) => listDocuments(store, LOCAL_ADMIN));
      printList(
        rows,
        options.format,
        [
          { head: "id", key: "id" },
          { head: "date", key: "date" },
          { head: "kind", key: "kind" },
          { head: "org", key: "org_id" },
          { head: "public", key: "public", text: (d) => (d.public ? "yes" : "no") },
          { head: "file", key: "file_name" },
          { head: "link", key: "link" },
          { head: "title", key: "title" },
        ],
        "no documents",
      );
    });
  const set = storeOptions(document.command("set"))
    .description("change a document's kind, title, date, issuer, link or visibility (not its file)")
    .argument("<n>", "the document (porteiro rollout document list)", recordId)
    .addOption(kindOption("a new kind"))
    .option("--title <title>", "a new title")
    .option("--date <date>", "a new date", dayOption)
    .option("--org <id>", "a new issuer")
    .option("--no-org", "make it the whole programme's")
    .option("--link <url>", "a new link")
    .option("--no-link", "drop its link");
  example(
    visibilityOptions(set, "document"),
    "porteiro rollout document set 1 --link https://example.org/resolution-1-2026 --data coordinator",
  ).action((id: number, options: ChangeOptions) => {
    const change = changeOf(
      {
        kind: options.kind,
        title: options.title,
        date: options.date,
        org_id: options.org === false ? null : options.org,
        link: options.link === false ? null : options.link,
        public: visibility(options),
      },
      "--kind, --title, --date, --org, --no-org, --link, --no-link, --public or --private",
    );
    const changed = withStore(options, (store) => updateDocument(store, LOCAL_ADMIN, id, change));
    process.stdout.write(`changed ${describe(changed)}\n`);
  });
  example(
    storeOptions(document.command("remove")).description(
      "remove a document; commitments it recorded stay, under no document",
    ),
    "porteiro rollout document remove 1 --data coordinator",
  )
    .argument("<n>", "the document (porteiro rollout document list)", recordId)
    .action((id: number, options: StoreOptions) => {
      withStore(options, (store) => deleteDocument(store, LOCAL_ADMIN, id));
      process.stdout.write(`removed document ${id}\n`);
    });
  registerGet(document);
}
