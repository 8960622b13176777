import type { FastifyReply, FastifyRequest } from "fastify";
import type { NavEntry, WebContext } from "../context.js";
import type { Html } from "../html.js";
import { consolePage, HTML_TYPE } from "../layout.js";

/**
 * A console page: the shell around a static skeleton that `/static/<module>` fills from the API,
 * with uPlot loaded before it (as the global `uPlot`).
 */
export function consoleView(
  context: WebContext,
  nav: NavEntry,
  body: Html,
  module: string,
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> {
  context.nav.push(nav);
  return async (request, reply) =>
    reply.type(HTML_TYPE).send(
      consolePage(context, request, {
        title: nav.title,
        body,
        scripts: ["/static/uplot.js"],
        styles: ["/static/uplot.css", "/static/console-pages.css"],
        modules: [`/static/${module}`],
      }),
    );
}
