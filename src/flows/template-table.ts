/**
 * The NetFlow v9 and IPFIX templates one decoder holds, per exporter and observation domain,
 * within bounds: without them a source sending small templates in ever new domains grows the
 * decoding thread until it runs out of memory (a compiled template costs about 1.7 KB, and some
 * 20 bytes more a field). A template past a bound is refused and counted against its
 * exporter (templatesRefused), and its data sets count as noTemplate; refreshing a template
 * already held is never refused. Withdrawing a template frees its place, and a domain left
 * without templates is forgotten with its sampling rate and init time, which the exporter's
 * next options records bring back.
 */
import { DomainState, type FieldSpec, Template } from "./templates.js";

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

/** What became of a template record. */
export const TemplateOffer = { Stored: 0, Refused: 1, Malformed: 2 } as const;
export type TemplateOffer = (typeof TemplateOffer)[keyof typeof TemplateOffer];

/** An exporter's domains by id: what the table works on. */
export type Domains = Map<number, DomainState>;

export class TemplateTable {
  /** Templates held across every exporter, and their fields. */
  private templates = 0;
  private fields = 0;

  /**
   * Stores template `id` of domain `domainId`, or replaces the one of that id; Malformed when it
   * describes no bytes (a template it would replace stays).
   */
  store(
    domains: Domains,
    domainId: number,
    id: number,
    options: boolean,
    fields: readonly FieldSpec[],
  ): TemplateOffer {
    const domain = domains.get(domainId);
    const old = domain?.templates.get(id);
    // Exporters refresh their templates every few packets, nearly always unchanged.
    if (old?.describes(options, fields)) return TemplateOffer.Stored;
    const bounds = TEMPLATE_BOUNDS;
    const addedTemplates = old === undefined ? 1 : 0;
    const addedFields = fields.length - (old === undefined ? 0 : old.fieldCount);
    const full =
      old === undefined &&
      (domain === undefined
        ? domains.size >= bounds.domainsPerExporter
        : domain.templates.size >= bounds.templatesPerDomain);
    if (
      full ||
      fields.length > bounds.fieldsPerTemplate ||
      this.templates + addedTemplates > bounds.templates ||
      this.fields + addedFields > bounds.fields
    ) {
      return TemplateOffer.Refused;
    }
    const template = new Template(id, options, fields);
    if (template.minLength === 0) return TemplateOffer.Malformed;
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

  /** Forgets template `id` of domain `domainId` (IPFIX withdrawal); nothing when it has none. */
  withdraw(domains: Domains, domainId: number, id: number): void {
    const template = domains.get(domainId)?.templates.get(id);
    if (template !== undefined) this.forget(domains, domainId, template);
  }

  /** Forgets every template, or every options template, of a domain (IPFIX "withdraw all"). */
  withdrawAll(domains: Domains, domainId: number, options: boolean): void {
    const domain = domains.get(domainId);
    if (domain === undefined) return;
    for (const template of domain.templates.values()) {
      if (template.options === options) this.forget(domains, domainId, template);
    }
  }

  private forget(domains: Domains, domainId: number, template: Template): void {
    const domain = domains.get(domainId) as DomainState;
    domain.templates.delete(template.id);
    this.templates--;
    this.fields -= template.fieldCount;
    if (domain.templates.size === 0) domains.delete(domainId);
  }
}
