/**
 * The NetFlow v9 and IPFIX templates one decoder holds, per exporter and observation domain,
 * within bounds: without them a source sending small templates in ever new domains grows the
 * decoding thread until it runs out of memory (a compiled template costs about 1.7 KB, and some
 * 20 bytes more a field). A template past the bound of its template, domain or exporter is
 * refused and counted against its exporter (templatesRefused), and its data sets count as
 * noTemplate; refreshing a template already held is never refused.
 *
 * Past the bounds in total, a new template makes room by evicting the least recently used
 * template of another exporter (used: a data set read with it, or a refresh of it), counted
 * against that exporter (templatesEvicted): so a flood of templates that no data ever uses
 * cannot lock out an exporter first seen during or after it. A template used by data in the
 * last TEMPLATE_PROTECTED_MS is never evicted, nor is one of the offering exporter: such ones
 * met first in the list are moved aside as if used, and past PASSED_OVER of them in one offer the
 * template is refused instead. Withdrawing a template frees its place, and a domain left
 * without templates is forgotten with its sampling rate and init time, which the exporter's
 * next options records bring back.
 */
import { DomainState, type FieldSpec, Template, type TemplateOwner } from "./templates.js";

export const TEMPLATE_BOUNDS = {
  /** Fields in one template: real ones have tens; a datagram has room for 16,000. */
  fieldsPerTemplate: 256,
  /** Templates (flow and options) in one observation domain or v9 source id. */
  templatesPerDomain: 256,
  /** Observation domains or source ids per exporter (address:port). */
  domainsPerExporter: 64,
  /**
   * Templates across every exporter; with `fields`, about 75 MB at the worst (measured: 53 MB
   * for 32,768 templates of one field, 26 MB for 4,096 of 256).
   */
  templates: 32_768,
  /** Fields of those templates. */
  fields: 1_048_576,
} as const;
export type TemplateBounds = { readonly [K in keyof typeof TEMPLATE_BOUNDS]: number };

/** Templates used by a data set this recently (ms) are never evicted. */
export const TEMPLATE_PROTECTED_MS = 10 * 60_000;
/** Templates one offer may pass over (protected, or its own exporter's) before it is refused. */
const PASSED_OVER = 16;

/** What became of a template record. */
export const TemplateOffer = { Stored: 0, Refused: 1, Malformed: 2 } as const;
export type TemplateOffer = (typeof TemplateOffer)[keyof typeof TemplateOffer];

/** An exporter's domains by id: what the table works on. */
export type Domains = Map<number, DomainState>;

export class TemplateTable {
  /** Templates held across every exporter, and their fields. */
  private templates = 0;
  private fields = 0;
  /** Ends of the list of held templates, from least to most recently used. */
  private oldest: Template | null = null;
  private newest: Template | null = null;

  /** `now` is the clock of the protection from eviction (ms). */
  constructor(
    private readonly bounds: TemplateBounds = TEMPLATE_BOUNDS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Stores template `id` of `owner`'s domain `domainId`, or replaces the one of that id;
   * Malformed when it describes no bytes (a template it would replace stays).
   */
  store(
    owner: TemplateOwner,
    domainId: number,
    id: number,
    options: boolean,
    fields: readonly FieldSpec[],
  ): TemplateOffer {
    const domains = owner.domains;
    const domain = domains.get(domainId);
    const old = domain?.templates.get(id);
    // Exporters refresh their templates every few packets, nearly always unchanged.
    if (old?.describes(options, fields)) {
      this.touch(old);
      return TemplateOffer.Stored;
    }
    const bounds = this.bounds;
    const full =
      old === undefined &&
      (domain === undefined
        ? domains.size >= bounds.domainsPerExporter
        : domain.templates.size >= bounds.templatesPerDomain);
    if (full || fields.length > bounds.fieldsPerTemplate) return TemplateOffer.Refused;
    // Compiled before making room, so that a malformed template evicts nothing.
    const template = new Template(id, options, fields);
    if (template.minLength === 0) return TemplateOffer.Malformed;
    const addedTemplates = old === undefined ? 1 : 0;
    const addedFields = fields.length - (old === undefined ? 0 : old.fieldCount);
    if (!this.makeRoom(owner, addedTemplates, addedFields)) return TemplateOffer.Refused;
    if (old !== undefined) this.unlink(old);
    template.owner = owner;
    template.domainId = domainId;
    this.link(template);
    // Making room evicts no template of this exporter: `domain` is still held.
    if (domain === undefined) {
      const created = new DomainState();
      created.templates.set(id, template);
      domains.set(domainId, created);
    } else {
      domain.templates.set(id, template);
    }
    this.templates += addedTemplates;
    this.fields += addedFields;
    return TemplateOffer.Stored;
  }

  /** Marks `template` as used by a data set: O(1), once a set. */
  use(template: Template): void {
    template.dataUsedMs = this.now();
    this.touch(template);
  }

  /** Forgets template `id` of domain `domainId` (IPFIX withdrawal); nothing when it has none. */
  withdraw(domains: Domains, domainId: number, id: number): void {
    const template = domains.get(domainId)?.templates.get(id);
    if (template !== undefined) this.forget(template);
  }

  /** Forgets every template, or every options template, of a domain (IPFIX "withdraw all"). */
  withdrawAll(domains: Domains, domainId: number, options: boolean): void {
    const domain = domains.get(domainId);
    if (domain === undefined) return;
    for (const template of domain.templates.values()) {
      if (template.options === options) this.forget(template);
    }
  }

  /**
   * Evicts least recently used templates until `templates` and `fields` more fit in total;
   * false when they cannot (what it evicted stays evicted).
   */
  private makeRoom(owner: TemplateOwner, templates: number, fields: number): boolean {
    const bounds = this.bounds;
    let now = Number.NaN;
    let passed = 0;
    while (this.templates + templates > bounds.templates || this.fields + fields > bounds.fields) {
      const victim = this.oldest;
      if (victim === null) return false;
      if (Number.isNaN(now)) now = this.now();
      if (victim.owner === owner || now - victim.dataUsedMs < TEMPLATE_PROTECTED_MS) {
        if (++passed > PASSED_OVER) return false;
        this.touch(victim);
        continue;
      }
      (victim.owner as TemplateOwner).stats.templatesEvicted++;
      this.forget(victim);
    }
    return true;
  }

  private forget(template: Template): void {
    const domains = (template.owner as TemplateOwner).domains;
    const domain = domains.get(template.domainId) as DomainState;
    domain.templates.delete(template.id);
    this.unlink(template);
    this.templates--;
    this.fields -= template.fieldCount;
    if (domain.templates.size === 0) domains.delete(template.domainId);
  }

  /** Moves `template` to the most recently used end. */
  private touch(template: Template): void {
    if (this.newest === template) return;
    this.unlink(template);
    this.link(template);
  }

  private link(template: Template): void {
    template.older = this.newest;
    template.newer = null;
    if (this.newest === null) this.oldest = template;
    else this.newest.newer = template;
    this.newest = template;
  }

  private unlink(template: Template): void {
    const { older, newer } = template;
    if (older === null) this.oldest = newer;
    else older.newer = newer;
    if (newer === null) this.newest = older;
    else newer.older = older;
    template.older = null;
    template.newer = null;
  }
}
