// Preloaded into the API process by the benches (node --require): answers IPC messages with the
// event-loop delay histogram and the RSS, so a bench can read the server's lag while it loads it.
// Never loaded in production; it only reads, and only when asked.
const { monitorEventLoopDelay } = require('node:perf_hooks');

if (typeof process.send === 'function') {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  let maxRss = process.memoryUsage.rss();
  // What the RSS was made of at its highest sample: V8's heap, or memory outside it.
  let atMax = process.memoryUsage();
  const sampler = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > maxRss) {
      maxRss = rss;
      atMax = process.memoryUsage();
    }
  }, 100);
  sampler.unref();
  process.on('message', (message) => {
    if (message === 'probe:reset') {
      histogram.reset();
      maxRss = process.memoryUsage.rss();
      atMax = process.memoryUsage();
      process.send({ probe: 'reset' });
    } else if (message === 'probe:read') {
      const ms = (ns) => ns / 1e6;
      process.send({
        probe: 'read',
        lagP50Ms: ms(histogram.percentile(50)),
        lagP99Ms: ms(histogram.percentile(99)),
        lagMaxMs: ms(histogram.max),
        rssBytes: process.memoryUsage.rss(),
        maxRssBytes: Math.max(maxRss, process.memoryUsage.rss()),
        heapTotalBytesAtMaxRss: atMax.heapTotal,
        heapUsedBytesAtMaxRss: atMax.heapUsed,
        externalBytesAtMaxRss: atMax.external,
      });
    } else if (message === 'probe:cpu') {
      // CPU time this process has used since it started (user + system), in ms.
      const { user, system } = process.cpuUsage();
      process.send({ probe: 'cpu', cpuMs: (user + system) / 1000 });
    }
  });
  // The IPC channel must not keep a stopping server alive.
  process.channel?.unref();
}
