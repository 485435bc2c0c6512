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

-- report(): the RESULT line, in report.lua beside this script.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

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
    report(threads, summary, latency)
end
