/**
 * Where the flows live: `sqlite` (the data folder's porteiro.db, the default) or
 * `clickhouse://[USER[:PASSWORD]@]HOST:PORT/DATABASE` (ClickHouse's HTTP port).
 */
import { UserError } from "../../core/index.js";

export type FlowStoreUrl =
  | { readonly engine: "sqlite" }
  | {
      readonly engine: "clickhouse";
      /** http://HOST:PORT, without credentials. */
      readonly endpoint: string;
      readonly database: string;
      readonly username: string;
      readonly password: string;
      /** The URL with its password masked: what messages and logs show. */
      readonly display: string;
    };

const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export function parseFlowStoreUrl(text: string | undefined): FlowStoreUrl {
  if (text === undefined || text === "" || text === "sqlite") return { engine: "sqlite" };
  const refuse = (reason: string): never => {
    throw new UserError(`flows store ${JSON.stringify(text.replace(/:[^:@/]*@/, ":***@"))}: ${reason}`);
  };
  if (!text.startsWith("clickhouse://")) {
    refuse("expected sqlite or clickhouse://[USER[:PASSWORD]@]HOST:PORT/DATABASE");
  }
  let url: URL;
  try {
    url = new URL(`http://${text.slice("clickhouse://".length)}`);
  } catch {
    return refuse("not a URL");
  }
  if (url.port === "") refuse("no port (ClickHouse's HTTP port, usually 8123)");
  if (url.search !== "" || url.hash !== "") refuse("no query or fragment allowed");
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!DATABASE_NAME.test(database)) refuse("the path must name a database (letters, digits, _)");
  const username = decodeURIComponent(url.username) || "default";
  const password = decodeURIComponent(url.password);
  const endpoint = `http://${url.host}`;
  const credentials = url.username === "" ? "" : `${url.username}${password === "" ? "" : ":***"}@`;
  return {
    engine: "clickhouse",
    endpoint,
    database,
    username,
    password,
    display: `clickhouse://${credentials}${url.host}/${database}`,
  };
}
