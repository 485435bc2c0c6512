-- wrk script: POST /v1/events/batch with BENCH_BATCH_SIZE (default 100) events of 1 KiB each and a bearer token (env
-- HERALD_TOKEN). Counts answers by status, and the events the 207 answers report accepted under the pseudo-status
-- 1202, then prints the same RESULT line as post-event.lua.
local token = os.getenv("HERALD_TOKEN")
local size = tonumber(os.getenv("BENCH_BATCH_SIZE") or "100")

local prefix = '{"type":"bench.event","data":{"pad":"'
local suffix = '"}}'
local event = prefix .. string.rep("x", 1024 - #prefix - #suffix) .. suffix
local events = {}
for i = 1, size do
    events[i] = event
end

wrk.method = "POST"
wrk.body = '{"events":[' .. table.concat(events, ",") .. ']}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    statuses = {}
end

function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
    if status == 207 then
        local accepted = tonumber(body:match('"accepted":(%d+)') or "0")
        statuses[1202] = (statuses[1202] or 0) + accepted
    end
end

function done(summary, latency, requests)
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
