// PostGraphile v5 on the commtrack database, for the peer benchmark.
//
// The amber preset (PostGraphile's defaults) with the connection-filter and
// pg-aggregates plugins, over the `public` schema that commtrack's migrations
// create and the `peer` schema of views.sql (the two views that give
// pg-aggregates a district per observation and a line count to sum).
// Production settings: no GraphiQL, no watch mode, no explain, no query
// batching, and a pool of 16 connections like commtrack's on PostgreSQL.
//
//   DATABASE_URL=postgres://... PORT=18282 node_modules/.bin/node server.mjs
// or with the stock CLI:
//   DATABASE_URL=postgres://... PORT=18282 node_modules/.bin/node \
//     node_modules/.bin/postgraphile -C graphile.config.mjs
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";
import { PgAggregatesPreset } from "@graphile/pg-aggregates";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset, PgAggregatesPreset],
  // By default PostGraphile filters and orders only by indexed columns; the
  // queries filter on `archived_at IS NULL` (commtrack lists only current
  // contracts), which has no index, as it is in commtrack's own queries.
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public", "peer"],
      poolConfig: { max: Number(process.env.PG_POOL_MAX ?? 16) },
    }),
  ],
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.PORT ?? 18282),
    graphiql: false,
    watch: false,
    maxRequestLength: 100000,
  },
  grafast: { explain: false },
};

export default preset;
