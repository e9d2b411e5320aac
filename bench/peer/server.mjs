// PostGraphile v5 served by its Node adaptor (grafserv) with the preset in
// graphile.config.mjs, in WORKERS processes (node:cluster) sharing one port:
// Node runs JavaScript on one core per process, so WORKERS=2 lets PostGraphile
// use both cores of the machine as commtrack's two tokio workers do. The 16
// database connections are divided between the workers.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_peer PORT=18282 WORKERS=1 \
//     node_modules/.bin/node server.mjs
import cluster from "node:cluster";
import { createServer } from "node:http";

const workers = Math.max(1, Number(process.env.WORKERS ?? 1));

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork({ PG_POOL_MAX: String(Math.ceil(16 / workers)) });
  cluster.on("exit", (worker, code) => {
    console.error(`worker ${worker.process.pid} exited with ${code}`);
    process.exit(1);
  });
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      for (const worker of Object.values(cluster.workers)) worker.kill();
      process.exit(0);
    });
  }
} else {
  const { postgraphile } = await import("postgraphile");
  const { grafserv } = await import("postgraphile/grafserv/node");
  const { default: preset } = await import("./graphile.config.mjs");
  const pgl = postgraphile(preset);
  const serv = pgl.createServ(grafserv);
  const server = createServer();
  serv.addTo(server).catch((err) => {
    console.error(err);
    process.exit(1);
  });
  const { host, port } = preset.grafserv;
  server.listen(port, host);
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      server.close();
      pgl.release().finally(() => process.exit(0));
    });
  }
}
