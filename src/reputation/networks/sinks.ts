import { Layer } from "./layer.js";

/** What the table loaders fill: one layer per attribute and the names of the ASes. */
export class NetworkLayers {
  readonly asn = new Layer();
  readonly country = new Layer();
  readonly asNames = new Map<number, string>();

  /** The first name a table gives an AS is kept: the tables repeat it on every range. */
  nameAs(asn: number, name: string): void {
    if (name !== "" && !this.asNames.has(asn)) this.asNames.set(asn, name);
  }
}
