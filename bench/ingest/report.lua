-- The RESULT line post-event.lua and post-batch.lua print when wrk is done (BenchIngest reads it): requests, duration,
-- latency percentiles, errors, and the answers counted by status in each thread's `statuses` table.
function report(threads, summary, latency)
    local counts = {}
    for _, thread in ipairs(threads) do
        local s = thread:get("statuses")
        for status, n in pairs(s) do
            counts[status] = (counts[status] or 0) + n
        end
    end
    local parts = {}
    for status, n in pairs(counts) do
        table.insert(parts, status .. "=" .. n)
    end
    table.sort(parts)
    io.write(string.format(
        "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d p999_us=%d max_us=%d errors=%d statuses=%s\n",
        summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
        latency:percentile(99.9), latency.max,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
            + summary.errors.timeout,
        table.concat(parts, ",")))
end
