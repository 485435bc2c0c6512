-- wrk script: POST /v1/events with a 1 KiB JSON body and a bearer token (env HERALD_TOKEN). Counts answers by status
-- and prints one machine-readable RESULT line. With env BENCH_DELAY_MS > 0 each connection waits that long between
-- requests, which paces the run to roughly connections * 1000 / BENCH_DELAY_MS requests per second (wrk has no rate
-- control of its own; wrk2 is not in Debian).
local token = os.getenv("HERALD_TOKEN")
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")

-- {"type":"bench.event","data":{"pad":"xxx...x"}} padded to exactly 1024 bytes.
local prefix = '{"type":"bench.event","data":{"pad":"'
local suffix = '"}}'
local body = prefix .. string.rep("x", 1024 - #prefix - #suffix) .. suffix

-- With env BENCH_BODY_FILE the body is that file instead (the schema comparison, BENCH_SCHEMA_FIELDS).
local body_file = os.getenv("BENCH_BODY_FILE") or ""
if body_file ~= "" then
    local f = assert(io.open(body_file, "r"))
    body = f:read("*a")
    f:close()
end

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

-- report(): the RESULT line, in report.lua beside this script.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    statuses = {}
end

function delay()
    return delay_ms
end

function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
    report(threads, summary, latency)
end
