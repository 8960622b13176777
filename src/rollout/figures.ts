/**
 * The coordinator's figures kept up to date (tables of migration 029): each organisation's latest
 * report per region, its changes of the national curve and the day each of its commitments was
 * met. A change of an organisation's reports, size or commitments marks it stale (triggers);
 * bringing the figures up to date works out the stale organisations' part again, in SQL, and
 * leaves the others' alone, so a new report costs its organisation's history, not the programme's.
 * These are the figures of readers who see everything; others' are worked out from their reports.
 */
import type { Store } from "../store/index.js";

/** Organisations whose reports or size changed: all their figures are worked out again. */
const STALE = "(SELECT org_id FROM rollout_figures_stale WHERE reports = 1)";
/** Those and the ones whose commitments alone changed: their commitments are worked out again. */
const ANY_STALE = "(SELECT org_id FROM rollout_figures_stale)";

/** Per report: its change of its organisation and region's figures since the pair's previous report. */
const PAIR_CHANGES = `
  SELECT org_id, region_id, as_of AS day,
         COALESCE(adoption_pct, 0) - COALESCE(LAG(adoption_pct) OVER pair, 0) AS adoption,
         (adoption_pct IS NOT NULL) - COALESCE(LAG(adoption_pct IS NOT NULL) OVER pair, 0) AS known,
         (LAG(id) OVER pair IS NULL) AS new_region,
         COALESCE(listed_ips, 0) - COALESCE(LAG(listed_ips) OVER pair, 0) AS listed_ips,
         COALESCE(complaints, 0) - COALESCE(LAG(complaints) OVER pair, 0) AS complaints
  FROM rollout_reports WHERE org_id IN ${STALE}
  WINDOW pair AS (PARTITION BY org_id, region_id ORDER BY as_of, id)`;

/** Per organisation and report day: the sums of its pairs' changes that day. */
const ORG_DAYS = `
  SELECT org_id, day, SUM(adoption) AS adoption, SUM(known) AS known, SUM(new_region) AS new_regions,
         SUM(listed_ips) AS listed_ips, SUM(complaints) AS complaints
  FROM (${PAIR_CHANGES}) GROUP BY org_id, day`;

/**
 * An organisation's size is shared among the regions it has reported in: its adoption and weight
 * after each day, then their changes from the day before. Shares of one subscriber for an
 * unknown size (the reader applies the mean size).
 */
const ORG_CURVE = `
  INSERT INTO rollout_org_curve (org_id, day, sized, weighed, weight, listed_ips, complaints, first_day)
  SELECT org_id, day, sized, weighed - COALESCE(LAG(weighed) OVER org, 0), weight - COALESCE(LAG(weight) OVER org, 0),
         listed_ips, complaints, first_day
  FROM (SELECT d.org_id, d.day, d.listed_ips, d.complaints, ROW_NUMBER() OVER org = 1 AS first_day,
               COALESCE(o.subscribers > 0, 0) AS sized,
               (CASE WHEN o.subscribers > 0 THEN o.subscribers ELSE 1 END * 1.0)
                 * SUM(d.adoption) OVER org / SUM(d.new_regions) OVER org AS weighed,
               (CASE WHEN o.subscribers > 0 THEN o.subscribers ELSE 1 END * 1.0)
                 * SUM(d.known) OVER org / SUM(d.new_regions) OVER org AS weight
        FROM (${ORG_DAYS}) d JOIN rollout_orgs o ON o.id = d.org_id
        WINDOW org AS (PARTITION BY d.org_id ORDER BY d.day))
  WINDOW org AS (PARTITION BY org_id ORDER BY day)`;

/** Adds the stale organisations' changes to the national days, times `sign` (-1 takes them out). */
const CURVE_DAYS = `
  INSERT INTO rollout_curve (day, sized_weighed, sized_weight, unsized_weighed, unsized_weight, listed_ips,
                             complaints, organisations)
  SELECT day, @sign * TOTAL(weighed * sized), @sign * TOTAL(weight * sized),
         @sign * TOTAL(weighed * (1 - sized)), @sign * TOTAL(weight * (1 - sized)),
         @sign * SUM(listed_ips), @sign * SUM(complaints), @sign * SUM(first_day)
  FROM rollout_org_curve WHERE org_id IN ${STALE} GROUP BY day
  ON CONFLICT (day) DO UPDATE SET
    sized_weighed = sized_weighed + excluded.sized_weighed, sized_weight = sized_weight + excluded.sized_weight,
    unsized_weighed = unsized_weighed + excluded.unsized_weighed,
    unsized_weight = unsized_weight + excluded.unsized_weight,
    listed_ips = listed_ips + excluded.listed_ips, complaints = complaints + excluded.complaints,
    organisations = organisations + excluded.organisations`;

const LATEST = `
  INSERT INTO rollout_latest_reports (org_id, region_id, report_id, as_of)
  SELECT org_id, region_id, id, as_of
  FROM (SELECT org_id, region_id, id, as_of,
               ROW_NUMBER() OVER (PARTITION BY org_id, region_id ORDER BY as_of DESC, id DESC) AS n
        FROM rollout_reports WHERE org_id IN ${STALE})
  WHERE n = 1`;

/**
 * The first day each commitment of a stale organisation stood met (as commitmentStatus reads a
 * standing: the latest report of each region after each report day). A region's standing is its
 * last report of a day, read only for organisations with a commitment in one region or of
 * another kind; an adoption over all regions is the mean of their latest known ones, which is the
 * organisation's kept adoption over its weight, whatever its size and regions.
 */
const COMMITMENTS_MET = `
  INSERT INTO rollout_commitments_met (commitment_id, met_on)
  WITH day_ends AS (
         SELECT org_id, region_id, as_of, phase, adoption_pct, submission_offered
         FROM (SELECT *, LEAD(as_of) OVER (PARTITION BY org_id, region_id ORDER BY as_of, id) AS next_day
               FROM rollout_reports
               WHERE org_id IN (SELECT org_id FROM rollout_commitments
                                WHERE (kind <> 'adoption_pct' OR region_id IS NOT NULL) AND org_id IN ${ANY_STALE}))
         WHERE next_day IS NULL OR next_day <> as_of),
       org_means AS (
         SELECT org_id, day, SUM(weighed) OVER org AS total, SUM(weight) OVER org AS known
         FROM rollout_org_curve WHERE org_id IN ${ANY_STALE} WINDOW org AS (PARTITION BY org_id ORDER BY day))
  SELECT c.id, MIN(r.as_of) FROM rollout_commitments c
  JOIN day_ends r ON r.org_id = c.org_id AND (c.region_id IS NULL OR r.region_id = c.region_id)
  WHERE (c.kind = 'port25_blocked_region' AND r.phase = 'enforce')
     OR (c.kind = 'submission_offered' AND r.submission_offered = 1)
     OR (c.kind = 'adoption_pct' AND c.region_id IS NOT NULL AND ROUND(r.adoption_pct, 1) >= c.target)
  GROUP BY c.id
  UNION ALL
  SELECT c.id, MIN(m.day) FROM rollout_commitments c JOIN org_means m ON m.org_id = c.org_id
  WHERE c.kind = 'adoption_pct' AND c.region_id IS NULL AND m.known > 1e-9 AND ROUND(m.total / m.known, 1) >= c.target
  GROUP BY c.id`;

/** Works out the stale organisations' figures again; nothing to do when none is stale. */
export function refreshFigures(store: Store): void {
  if (store.prepare("SELECT 1 FROM rollout_figures_stale LIMIT 1").get() === undefined) return;
  store.transaction(() => {
    store.prepare(CURVE_DAYS).run({ sign: -1 });
    store.prepare(`DELETE FROM rollout_org_curve WHERE org_id IN ${STALE}`).run();
    store.prepare(ORG_CURVE).run();
    store.prepare(CURVE_DAYS).run({ sign: 1 });
    store.prepare(`DELETE FROM rollout_latest_reports WHERE org_id IN ${STALE}`).run();
    store.prepare(LATEST).run();
    store
      .prepare(
        `DELETE FROM rollout_commitments_met
         WHERE commitment_id IN (SELECT id FROM rollout_commitments WHERE org_id IN ${ANY_STALE})`,
      )
      .run();
    store.prepare(COMMITMENTS_MET).run();
    store.prepare("DELETE FROM rollout_figures_stale").run();
  })();
}
