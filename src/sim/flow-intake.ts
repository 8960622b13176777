/**
 * Where the generated export packets go, always through the real decoder: to the running
 * collector over loopback UDP (paced so its receive buffer never overflows), or, without one,
 * to a FlowDecoder and HourlyAggregator here whose aggregates are written with writeAggregates.
 * Either way a day counts as done only once its flows are in the store, and a day left half
 * written by an interrupted run is removed before it is sent again (aggregates add up on write).
 */
import { createSocket, type Socket } from "node:dgram";
import { setTimeout as sleep } from "node:timers/promises";
import type { Endpoint, Logger } from "../core/index.js";
import { FlowDecoder, type FlowStore, HourlyAggregator } from "../flows/index.js";
import type { DemoState } from "./demo-state.js";

/** A day of flows handed over, with what the store must hold for it. */
export interface SentDay {
  readonly step: string;
  readonly fromSec: number;
  readonly untilSec: number;
  readonly flows: number;
}

export interface FlowIntake {
  /** Hands a day's packets over; the day is marked done now or at the next settle(). */
  deliver(packets: readonly Buffer[], day: SentDay): Promise<void>;
  /** Waits until the days delivered are stored, then marks them done. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** Flows stored for a window of hours (epoch seconds, half-open). */
export function storedFlows(flows: FlowStore, fromSec: number, untilSec: number): Promise<number> {
  return flows.flowCount({ sinceMs: fromSec * 1000, untilMs: untilSec * 1000 });
}

/** Removes a half-written day's aggregates. */
export function forgetFlows(flows: FlowStore, fromSec: number, untilSec: number): Promise<void> {
  return flows.delete({ sinceMs: fromSec * 1000, untilMs: untilSec * 1000 });
}

const EXPORTER = "porteiro-demo";

export function localIntake(flows: FlowStore, state: DemoState): FlowIntake {
  const aggregator = new HourlyAggregator();
  const decoder = new FlowDecoder(aggregator);
  return {
    deliver: async (packets, day) => {
      for (const packet of packets) decoder.decode(packet, EXPORTER);
      // Written without a batch id: a day cut short is deleted before it is sent again.
      await flows.write(aggregator.drain());
      state.markDone(day.step);
    },
    settle: async () => {},
    close: async () => {},
  };
}

/** Datagrams sent before yielding to the event loop, so the collector in this process reads them. */
const BURST = 16;
/** How long the stored total may stay short of what was sent before the shortfall is accepted. */
const SETTLE_PATIENCE_MS = 20_000;
/** The same when the collector is flushed on demand: a datagram not stored by then was lost. */
const FLUSHED_PATIENCE_MS = 3_000;

export async function udpIntake(
  flows: FlowStore,
  state: DemoState,
  collector: Endpoint,
  logger: Logger,
  flush?: () => Promise<unknown>,
): Promise<FlowIntake> {
  const socket: Socket = createSocket(collector.host.includes(":") ? "udp6" : "udp4");
  await new Promise<void>((resolve) => socket.connect(collector.port, collector.host, resolve));
  let pending: SentDay[] = [];
  let inFlight = 0;
  let sendError: Error | undefined;
  const sent = (error: Error | null) => {
    inFlight--;
    if (error) sendError = error;
  };
  const drained = async () => {
    while (inFlight > 0) await new Promise((resolve) => setImmediate(resolve));
    if (sendError) throw sendError;
  };
  const patience = flush ? FLUSHED_PATIENCE_MS : SETTLE_PATIENCE_MS;
  return {
    deliver: async (packets, day) => {
      for (let i = 0; i < packets.length; i++) {
        inFlight++;
        socket.send(packets[i] as Buffer, sent);
        if (i % BURST === BURST - 1) await new Promise((resolve) => setImmediate(resolve));
      }
      await drained();
      pending.push(day);
    },
    settle: async () => {
      await drained();
      const expected = pending.reduce((n, d) => n + d.flows, 0);
      const fromSec = Math.min(...pending.map((d) => d.fromSec));
      const untilSec = Math.max(...pending.map((d) => d.untilSec));
      let stored = 0;
      let lastChange = Date.now();
      while (pending.length > 0) {
        const now = await storedFlows(flows, fromSec, untilSec);
        if (now !== stored) lastChange = Date.now();
        stored = now;
        if (stored >= expected || Date.now() - lastChange > patience) break;
        // Rather than wait for the collector's periodic flush, ask for one.
        if (flush) await Promise.all([flush(), sleep(100)]);
        else await sleep(500);
      }
      if (stored < expected) {
        logger.warn({ expected, stored }, "the collector stored fewer demo flows than were sent (UDP loss)");
      }
      for (const day of pending) state.markDone(day.step);
      pending = [];
    },
    close: async () => {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
